"""The work ledger (台账): responsibility items and letters, key projects, funds with their
monthly execution and performance targets, activities, and stored 考核 rankings.

Money is Decimal in 万元 with 4 decimals (1 元 = 0.0001 万元), so any amount typed in 元, 万元
or 亿元 is stored exactly. Departments are kept by name (the 牵头单位 as offices write it):
a ledger row may name a unit that has no account on the platform.
"""
from django.conf import settings
from django.db import models

MONEY = {"max_digits": 18, "decimal_places": 4}


def money(label: str, **kw):
    return models.DecimalField(label, null=True, blank=True, **MONEY, **kw)


class ProjectStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未开工"
    IN_PROGRESS = "in_progress", "在建"
    DONE = "done", "已完成"
    PARTIAL = "partial", "部分完成"


# Source level → the model field holding its amount; the keys are the contract's labels.
SOURCE_FIELDS = {"中央": "central", "省级": "provincial", "市级": "municipal", "县级": "county", "社会资本": "social"}


class Kind(models.Model):
    """A category an office added to the built-in ones of data/kinds.yaml."""

    class Group(models.TextChoices):
        PROJECT = "project", "项目类别"
        PUBLICITY = "publicity", "宣传"
        GREEN_UNIT = "green_unit", "绿色创建"
        VOLUNTEER = "volunteer", "志愿服务"
        ENFORCEMENT = "enforcement", "执法"

    group = models.CharField("分组", max_length=20, choices=Group.choices)
    name = models.CharField("名称", max_length=40)
    unit = models.CharField("计量单位", max_length=10, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "name"], name="ledger_kind_unique")]
        verbose_name = verbose_name_plural = "台账类别（本地增加）"

    def __str__(self) -> str:
        return self.name


class Entry(models.Model):
    region = models.ForeignKey("regions.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年度", db_index=True)
    note = models.TextField("备注", blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class Project(Entry):
    name = models.CharField("项目名称", max_length=200)
    category = models.CharField("类别", max_length=40)
    lead_department = models.CharField("牵头单位", max_length=100, blank=True)
    start_date = models.DateField("开工日期", null=True, blank=True)
    end_date = models.DateField("完工日期", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.NOT_STARTED)
    planned = money("计划投资（万元）")
    central = money("中央资金（万元）")
    provincial = money("省级资金（万元）")
    municipal = money("市级资金（万元）")
    county = money("县级资金（万元）")
    social = money("社会资本（万元）")
    completed = money("累计完成投资（万元）")
    indicators = models.ManyToManyField("standards.Indicator", blank=True, related_name="+", verbose_name="关联指标")

    class Meta:
        ordering = ["region__code", "year", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "year", "name"], name="ledger_project_unique")]
        verbose_name = verbose_name_plural = "重点项目"

    def __str__(self) -> str:
        return self.name

    def source_amounts(self) -> dict:
        return {label: getattr(self, f) for label, f in SOURCE_FIELDS.items()}


class Fund(Entry):
    """An allocation to a project or a programme (专项) from one source level."""

    name = models.CharField("资金名称", max_length=200)
    source = models.CharField("资金来源", max_length=10)
    project = models.ForeignKey(Project, verbose_name="关联项目", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="funds")
    department = models.CharField("主管单位", max_length=100, blank=True)
    budget = money("预算金额（万元）")

    class Meta:
        ordering = ["region__code", "year", "name", "source"]
        constraints = [models.UniqueConstraint(fields=["region", "year", "name", "source"], name="ledger_fund_unique")]
        verbose_name = verbose_name_plural = "资金"

    def __str__(self) -> str:
        return f"{self.name}（{self.source}）"


class FundExecution(models.Model):
    """Amount executed in one month (not cumulative)."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="executions")
    month = models.PositiveSmallIntegerField("月份")
    amount = models.DecimalField("当月执行（万元）", **MONEY)

    class Meta:
        ordering = ["fund", "month"]
        constraints = [models.UniqueConstraint(fields=["fund", "month"], name="ledger_execution_unique")]
        verbose_name = verbose_name_plural = "资金执行"


class PerformanceTarget(models.Model):
    """绩效目标: an indicator of the fund's performance, its target and the actual reached."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="targets")
    name = models.CharField("绩效指标", max_length=200)
    target = models.DecimalField("目标值", max_digits=24, decimal_places=6)
    actual = models.DecimalField("实际值", max_digits=24, decimal_places=6, null=True, blank=True)
    unit = models.CharField("单位", max_length=20, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fund", "name"], name="ledger_perf_unique")]
        verbose_name = verbose_name_plural = "绩效目标"


class Activity(Entry):
    """Publicity, green-unit creation, volunteer work or enforcement: `kind` is a name from
    data/kinds.yaml or a local Kind; its group decides which list it appears in."""

    kind = models.CharField("类别", max_length=40)
    group = models.CharField("分组", max_length=20, choices=Kind.Group.choices)
    title = models.CharField("事项", max_length=200)
    date = models.DateField("日期", null=True, blank=True)
    count = models.DecimalField("数量", max_digits=14, decimal_places=2, null=True, blank=True)
    level = models.CharField("级别", max_length=10, blank=True)
    participants = models.PositiveIntegerField("参与人数", null=True, blank=True)
    amount = money("金额（万元）")
    department = models.CharField("牵头单位", max_length=100, blank=True)

    class Meta:
        ordering = ["region__code", "year", "date", "kind", "title"]
        constraints = [models.UniqueConstraint(fields=["region", "year", "kind", "title"], name="ledger_activity_unique")]
        verbose_name = verbose_name_plural = "创建活动与执法"

    def __str__(self) -> str:
        return self.title


class ItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未开始"
    IN_PROGRESS = "in_progress", "推进中"
    DONE = "done", "已完成"


class Responsibility(Entry):
    """One item of the responsibility list (任务分解)."""

    title = models.CharField("任务", max_length=300)
    indicator = models.ForeignKey("standards.Indicator", verbose_name="关联指标", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    lead_department = models.CharField("牵头单位", max_length=100)
    helpers = models.CharField("配合单位", max_length=300, blank=True)
    deadline = models.DateField("完成时限", null=True, blank=True)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    status = models.CharField("状态", max_length=12, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED)
    evidence = models.FileField("佐证材料", upload_to="ledger/evidence/%Y/", max_length=200, blank=True)
    evidence_name = models.CharField("佐证材料文件名", max_length=200, blank=True)
    evidence_sha256 = models.CharField("佐证材料校验值", max_length=64, blank=True)
    version = models.PositiveIntegerField("版本", default=0)  # raised on every change; a stale form is refused

    class Meta:
        ordering = ["region__code", "year", "deadline", "title"]
        constraints = [models.UniqueConstraint(fields=["region", "year", "title"], name="ledger_resp_unique")]
        verbose_name = verbose_name_plural = "任务分解"

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today) -> bool:
        from ecociv.ledger.engine import overdue

        return overdue(self.deadline, self.status, today)


class Letter(Entry):
    """责任书: who signed with whom, when, and the scanned file."""

    title = models.CharField("名称", max_length=200)
    parties = models.CharField("签订各方", max_length=300)
    signed_on = models.DateField("签订日期", null=True, blank=True)
    file = models.FileField("扫描件", upload_to="ledger/letters/%Y/", max_length=200, blank=True)
    file_name = models.CharField("扫描件文件名", max_length=200, blank=True)
    file_sha256 = models.CharField("扫描件校验值", max_length=64, blank=True)

    class Meta:
        ordering = ["region__code", "year", "title"]
        constraints = [models.UniqueConstraint(fields=["region", "year", "title"], name="ledger_letter_unique")]
        verbose_name = verbose_name_plural = "责任书"

    def __str__(self) -> str:
        return self.title


class RankingRules(models.Model):
    """An uploaded 考核 rules file; the newest active one replaces the packaged default."""

    name = models.CharField("名称", max_length=100)
    content = models.TextField("规则（YAML）")
    active = models.BooleanField("启用", default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = verbose_name_plural = "考核规则"

    def __str__(self) -> str:
        return self.name


class RankingResult(models.Model):
    """A published ranking row, kept per year so the history (第12位 → 第1位) can be shown."""

    class Subject(models.TextChoices):
        REGION = "region", "区划"
        DEPARTMENT = "department", "部门"

    parent = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年度")
    subject = models.CharField(max_length=12, choices=Subject.choices)
    key = models.CharField("对象", max_length=100)  # region code or department name
    name = models.CharField("名称", max_length=100)
    score = models.DecimalField("得分", max_digits=8, decimal_places=2)
    rank = models.PositiveIntegerField("名次")
    parts = models.JSONField(default=dict)
    rules_name = models.CharField("规则", max_length=100)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    published_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["parent", "subject", "year", "rank"]
        constraints = [models.UniqueConstraint(fields=["parent", "year", "subject", "key"], name="ledger_rank_unique")]
        verbose_name = verbose_name_plural = "考核排名"
