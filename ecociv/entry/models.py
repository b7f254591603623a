from django.conf import settings
from django.db import models
from django.db.models import F

from ecociv.core.background import job_interrupted
from ecociv.entry.errors import ValueLocked


class ValueStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    APPROVED = "approved", "已审核"
    RETURNED = "returned", "已退回"


class ValueSource(models.TextChoices):
    MANUAL = "manual", "手工填报"
    IMPORT = "import", "导入"
    COMPUTED = "computed", "监测计算"
    EXTRACTED = "extracted", "文档识别"
    DEMO = "demo", "演示数据"


# The one lock rule. A value 已提交 (under review) or 已审核 (locked) keeps what it says until a
# reviewer returns it or a higher level reopens it; only those transitions change its status.
# Every path (page, API, import, monitoring feed, extraction) goes through entry.writer, which
# asks `lock_message`; the model refuses the same changes below it, so that a path written
# later cannot forget the rule (a raw SQL statement is the only way round it).
EDITABLE_STATUSES = (ValueStatus.DRAFT, ValueStatus.RETURNED)
CONTENT_FIELDS = ("value", "text_value", "achieved", "note", "source", "lineage", "region_id", "year",
                  "indicator_id")


def lock_message(status: str) -> str | None:
    """Why a value in `status` cannot change, or None when it can."""
    if status in EDITABLE_STATUSES:
        return None
    if status == ValueStatus.APPROVED:
        return "已锁定，不能修改；如需更正，须由上级重新打开"
    return "等待审核，不能修改；如需更正，请审核人退回"


def _column(field: str) -> str:
    return {"region": "region_id", "indicator": "indicator_id"}.get(field, field)


def _content_changed(stored: dict, obj, fields) -> list[str]:
    return [f for f in fields if f in stored and stored[f] != getattr(obj, f)]


class IndicatorValueQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if {_column(f) for f in kwargs} & set(CONTENT_FIELDS):
            stuck = self.filter(status__in=[s for s in ValueStatus.values if lock_message(s)]).first()
            if stuck is not None:
                raise ValueLocked(f"{stuck}：{lock_message(stuck.status)}")
        kwargs.setdefault("version", F("version") + 1)
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        content = [c for c in map(_column, fields) if c in CONTENT_FIELDS]
        if content:
            stored = {row["pk"]: row for row in IndicatorValue.objects.filter(pk__in=[o.pk for o in objs]).values(
                "pk", "status", *content)}
            for o in objs:
                row = stored.get(o.pk)
                if row and lock_message(row["status"]) and _content_changed(row, o, content):
                    raise ValueLocked(f"{o}：{lock_message(row['status'])}")
        for o in objs:
            o.version += 1
        return super().bulk_update(objs, [*fields, "version"] if "version" not in fields else fields,
                                   batch_size=batch_size)


class IndicatorValue(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="values")
    year = models.PositiveIntegerField("年度", db_index=True)
    indicator = models.ForeignKey("standards.Indicator", on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField("数值", max_digits=24, decimal_places=6, null=True, blank=True)
    text_value = models.CharField("文字值", max_length=200, blank=True)
    achieved = models.BooleanField("是否完成", null=True, blank=True)
    note = models.TextField("情况说明", blank=True)
    status = models.CharField("状态", max_length=10, choices=ValueStatus.choices, default=ValueStatus.DRAFT)
    source = models.CharField("来源", max_length=10, choices=ValueSource.choices, default=ValueSource.MANUAL)
    lineage = models.JSONField("数据来源链", default=dict, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="审核人")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    # The reason of the last return or reopen, shown beside the value until it is resubmitted.
    review_reason = models.TextField("退回/重新打开原因", blank=True)
    # Who entered the value first; with updated_by, the people who may not approve it (maker-checker).
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="录入人")
    # Bumped by every write (save, update, bulk_update): an edit form and an API write carry the
    # version they read, and a stale one is refused instead of overwriting (entry.writer).
    version = models.PositiveIntegerField("版本", default=1)

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year", "indicator"], name="value_unique")]
        indexes = [models.Index(fields=["region", "year"])]
        verbose_name = verbose_name_plural = "指标数值"

    def __str__(self) -> str:
        return f"{self.region.name} {self.year} {self.indicator}"

    @property
    def locked(self) -> bool:
        return self.status == ValueStatus.APPROVED

    @property
    def editable(self) -> bool:
        return lock_message(self.status) is None

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            fields = kwargs.get("update_fields")
            content = [f for f in CONTENT_FIELDS if fields is None or f in map(_column, fields)]
            row = IndicatorValue.objects.filter(pk=self.pk).values("status", *content).first()
            if row is not None:
                if lock_message(row["status"]) and _content_changed(row, self, content):
                    raise ValueLocked(f"{self}：{lock_message(row['status'])}")
                self.version += 1
                if fields is not None and "version" not in fields:
                    kwargs["update_fields"] = [*fields, "version"]
        super().save(*args, **kwargs)


class TaskStatus(models.TextChoices):
    OPEN = "open", "填报中"
    SUBMITTED = "submitted", "已提交"
    APPROVED = "approved", "已审核"
    RETURNED = "returned", "已退回"


class Task(models.Model):
    """A department's assignment for a region and year: indicators (TaskItem) and free-form
    work items, with a deadline."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="tasks")
    year = models.PositiveIntegerField("年度", db_index=True)
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="tasks")
    title = models.CharField("任务名称", max_length=200)
    deadline = models.DateField("截止日期", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = verbose_name_plural = "填报任务"

    def __str__(self) -> str:
        return f"{self.region.name} {self.year}年 {self.title}"


class TaskItem(models.Model):
    """One line of a task: an indicator to fill, or (indicator empty) a free-form work item."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey("standards.Indicator", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="task_items")
    title = models.CharField("工作事项", max_length=300, blank=True)
    order = models.PositiveIntegerField(default=0)
    # Free-form work items are reported as done/not done with a note (no IndicatorValue).
    done = models.BooleanField("已完成", null=True, blank=True)
    note = models.TextField("完成情况", blank=True)
    version = models.PositiveIntegerField("版本", default=0)  # raised on every save; a stale form is refused

    class Meta:
        ordering = ["order", "id"]
        verbose_name = verbose_name_plural = "任务事项"


# ---- issue 4: review fields, evidence, import jobs -------------------------------------

def evidence_path(instance, filename):
    # Content-addressed: the same file uploaded twice is stored once, and the stored name
    # never carries the user's filename (no path tricks, no guessable names).
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class Evidence(models.Model):
    """A 佐证材料 file attached to a value. Type checked by content on upload."""

    value = models.ForeignKey(IndicatorValue, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField("文件", upload_to=evidence_path, max_length=200)
    original_name = models.CharField("文件名", max_length=255)
    extension = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = verbose_name_plural = "佐证材料"

    def __str__(self) -> str:
        return self.original_name


class ImportJob(models.Model):
    """One long-format import started from the page: progress is polled while it runs."""

    class State(models.TextChoices):
        CHECKED = "checked", "已预检"
        RUNNING = "running", "导入中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set for a task's Excel upload (values enter as drafts); empty for a bulk long-format import.
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField(max_length=255)
    data = models.BinaryField()
    # Enter the values as 草稿 (save's checks) instead of 已提交 (submit's checks). Imports never
    # approve: the person loading values may not also approve them (maker-checker).
    draft = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CHECKED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    # Refreshed while a page import runs (ecociv/core/background.py): a running job whose
    # heartbeat is older than JOB_STALE_MINUTES is 已中断 and can be started again.
    heartbeat = models.DateTimeField(null=True, blank=True)
    rerun_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reruns")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "导入任务"

    @property
    def interrupted(self) -> bool:
        return job_interrupted(self.state == self.State.RUNNING, self.heartbeat, self.created_at)

    @property
    def state_label(self) -> str:
        return "已中断" if self.interrupted else self.get_state_display()
