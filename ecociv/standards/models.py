from django.db import models

from ecociv.core.targets import CLASS_LABELS, TargetSpec


class IndicatorType(models.TextChoices):
    BINDING = "binding", "约束性"
    REFERENCE = "reference", "参考性"


class AppliesTo(models.TextChoices):
    CITY = "city", "市"
    COUNTY = "county", "县"
    BOTH = "both", "市县"


class Direction(models.TextChoices):
    HIGHER = "higher", "越高越好"
    LOWER = "lower", "越低越好"
    QUALITATIVE = "qualitative", "定性"


class Verification(models.TextChoices):
    VERIFIED = "verified", "已核实"
    PARTIALLY_VERIFIED = "partially_verified", "部分核实"
    RECALLED = "recalled", "回忆一致"
    DISPUTED = "disputed", "存疑"
    NOT_SEEN = "not_seen", "未见原文"
    CORRECTED = "corrected", "已人工校正"


class Standard(models.Model):
    code = models.CharField("编码", max_length=60, unique=True)
    title = models.CharField("名称", max_length=200)
    issuer = models.CharField("发布机关", max_length=100, blank=True)
    doc_no = models.CharField("文号", max_length=100, blank=True)
    issued = models.CharField("发布日期", max_length=20, blank=True)
    scope = models.CharField("范围", max_length=20, default="national")  # national | provincial | local
    applies_to = models.CharField("适用", max_length=10, choices=AppliesTo.choices, default=AppliesTo.BOTH)
    source_file = models.CharField("来源文件", max_length=200, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True)
    note = models.TextField("说明", blank=True)
    meta = models.JSONField(default=dict, blank=True)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "指标体系"

    def __str__(self) -> str:
        # What users read: the title and the document number (the code is an identifier for files).
        return f"{self.title}（{self.doc_no}）" if self.doc_no else self.title


class Indicator(models.Model):
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField("序号", max_length=20)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="sub_items")
    order = models.PositiveIntegerField(default=0)
    area = models.CharField("领域", max_length=40, blank=True)
    task = models.CharField("任务", max_length=100, blank=True)
    name = models.CharField("指标名称", max_length=200, blank=True)
    unit = models.CharField("单位", max_length=40, blank=True)
    type = models.CharField("指标属性", max_length=10, choices=IndicatorType.choices, blank=True)
    applies_to = models.CharField("适用范围", max_length=10, choices=AppliesTo.choices, default=AppliesTo.BOTH)
    coastal_only = models.BooleanField("仅沿海地区", default=False)
    direction = models.CharField("方向", max_length=12, choices=Direction.choices, default=Direction.HIGHER)
    definition = models.TextField("指标解释", blank=True)
    method = models.TextField("计算方法", blank=True)
    data_source = models.CharField("数据来源", max_length=200, blank=True)
    lead_department = models.CharField("牵头部门", max_length=100, blank=True)
    aliases = models.JSONField("别名", default=list, blank=True)
    allow_over_100 = models.BooleanField("百分比可超过100", default=False)
    verification = models.CharField("核实状态", max_length=20, choices=Verification.choices,
                                    default=Verification.RECALLED)
    note = models.TextField("备注", blank=True)

    class Meta:
        ordering = ["standard", "order"]
        constraints = [models.UniqueConstraint(fields=["standard", "code"], name="indicator_code_unique")]
        verbose_name = verbose_name_plural = "指标"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def full_name(self) -> str:
        if self.parent_id:
            return f"{self.parent.name}·{self.name}"
        return self.name

    def target_specs(self) -> list[TargetSpec]:
        return [t.spec for t in self.targets.all()]

    @property
    def effective_type(self) -> str:
        return self.type or (self.parent.type if self.parent_id else "")

    @property
    def effective_applies_to(self) -> str:
        return self.parent.applies_to if self.parent_id else self.applies_to


class Target(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    region_class = models.CharField("区域类别", max_length=30, default="all")
    op = models.CharField("比较符", max_length=5)
    value = models.DecimalField("目标值", max_digits=20, decimal_places=6, null=True, blank=True)
    text = models.CharField("指标值原文", max_length=200, blank=True)
    extra_condition = models.CharField("附加条件", max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "目标值"

    @property
    def spec(self) -> TargetSpec:
        return self.spec_of(self.region_class, self.op, self.value, self.text)

    @staticmethod
    def spec_of(region_class: str, op: str, value, text: str) -> TargetSpec:
        return TargetSpec(region_class, op, value.normalize() if value is not None else None, text)

    @classmethod
    def specs_by_indicator(cls, indicator_ids) -> dict[int, list[TargetSpec]]:
        """indicator id → its targets' specs, in the targets' order, from plain rows: a
        province's assessment reads them without building model instances (prefetched targets
        and their indicators reference each other, cycles only the garbage collector frees)."""
        out: dict[int, list[TargetSpec]] = {iid: [] for iid in indicator_ids}
        for iid, rc, op, value, text in cls.objects.filter(indicator_id__in=list(out)).order_by("id").values_list(
                "indicator_id", "region_class", "op", "value", "text"):
            out[iid].append(cls.spec_of(rc, op, value, text))
        return out

    @property
    def region_class_label(self) -> str:
        return CLASS_LABELS.get(self.region_class, self.region_class)


class RegionStandard(models.Model):
    """Which standard version a region is assessed against in a year."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="standard_choices")
    year = models.PositiveIntegerField("年度")
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="region_standard_unique")]
        verbose_name = verbose_name_plural = "区划采用的指标体系"


class RegionTarget(models.Model):
    """A local override (stricter provincial target) or the target a superior government
    assigned to this region for the year (完成上级规定的考核任务)."""

    class Kind(models.TextChoices):
        OVERRIDE = "override", "地方目标（覆盖）"
        ASSIGNED = "assigned", "上级下达目标"

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="region_targets")
    year = models.PositiveIntegerField("年度")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="region_targets")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    op = models.CharField("比较符", max_length=5)
    value = models.DecimalField("目标值", max_digits=20, decimal_places=6, null=True, blank=True)
    text = models.CharField("说明", max_length=200, blank=True)
    source_document = models.CharField("依据文件", max_length=300)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year", "indicator", "kind"],
                                               name="region_target_unique")]
        verbose_name = verbose_name_plural = "地方及上级下达目标"

    @property
    def spec(self) -> TargetSpec:
        return TargetSpec("all", self.op, self.value.normalize() if self.value is not None else None, self.text)
