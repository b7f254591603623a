from django.db import models

from ecociv.core.targets import RegionClass


class Level(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县（区）"
    TOWN = "town", "乡镇（街道）"
    VILLAGE = "village", "村（社区）"


LEVEL_ORDER = [Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWN, Level.VILLAGE]
CODE_LENGTH = {Level.PROVINCE: 6, Level.CITY: 6, Level.COUNTY: 6, Level.TOWN: 9, Level.VILLAGE: 12}


class AdminClass(models.TextChoices):
    CITY = "city", "市"
    COUNTY = "county", "县"


class Zone(models.TextChoices):
    EAST = "east", "东部"
    CENTRAL = "central", "中部"
    WEST = "west", "西部"


class Terrain(models.TextChoices):
    MOUNTAIN = "mountain", "山区"
    HILL = "hill", "丘陵"
    PLAIN = "plain", "平原"


class SpecialZone(models.TextChoices):
    ARID = "arid", "干旱半干旱地区"
    QINGHAI_TIBET = "qinghai_tibet", "青藏高原地区"


class CitySize(models.TextChoices):
    MEGACITY = "megacity", "超大、特大城市"
    LARGE = "large_city", "大城市"
    SMALL_MEDIUM = "small_medium_city", "中小城市"


class Region(models.Model):
    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    # Materialised path of codes ("880000/880100/880121/") so a scope check is one
    # indexed prefix query instead of a recursive walk on every request.
    path = models.CharField(max_length=200, db_index=True, editable=False)
    admin_class = models.CharField("市/县", max_length=10, choices=AdminClass.choices, blank=True)
    zone = models.CharField("东中西部", max_length=10, choices=Zone.choices, blank=True)
    terrain = models.CharField("地形", max_length=10, choices=Terrain.choices, blank=True)
    special_zone = models.CharField("特殊地区", max_length=20, choices=SpecialZone.choices, blank=True)
    city_size = models.CharField("城市规模", max_length=20, choices=CitySize.choices, blank=True)
    coastal = models.BooleanField("沿海", default=False)
    valid_from = models.PositiveIntegerField("起始年度", null=True, blank=True)
    valid_to = models.PositiveIntegerField("终止年度", null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "行政区划"

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent_id else "") + self.code + "/"
        super().save(*args, **kwargs)

    def as_class(self) -> RegionClass:
        return RegionClass(admin_class=self.admin_class, zone=self.zone, terrain=self.terrain,
                           special_zone=self.special_zone, city_size=self.city_size, coastal=self.coastal)

    def parent_in(self, year: int) -> "Region | None":
        link = self.links_up.filter(models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=year),
                                    models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=year)).first()
        return link.parent if link else None

    def children_in(self, year: int):
        links = RegionLink.objects.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=year),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=year), parent=self)
        return Region.objects.filter(pk__in=links.values("child_id"))

    def ancestors(self) -> list["Region"]:
        codes = [c for c in self.path.split("/") if c and c != self.code]
        by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]

    def class_labels(self) -> list[str]:
        out = [self.get_admin_class_display(), self.get_zone_display(), self.get_terrain_display(),
               self.get_special_zone_display(), self.get_city_size_display()]
        if self.coastal:
            out.append("沿海")
        return [x for x in out if x]


class RegionLink(models.Model):
    """Membership by year: after 撤县设区 a county's old years still roll up the old way."""

    child = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="links_up")
    parent = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="links_down")
    valid_from = models.PositiveIntegerField(null=True, blank=True)
    valid_to = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["child__code", "valid_from"]
        verbose_name = verbose_name_plural = "隶属关系"
