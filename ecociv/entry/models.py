from django.conf import settings
from django.db import models


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

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year", "indicator"], name="value_unique")]
        indexes = [models.Index(fields=["region", "year"])]
        verbose_name = verbose_name_plural = "指标数值"

    def __str__(self) -> str:
        return f"{self.region.name} {self.year} {self.indicator}"


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

    class Meta:
        ordering = ["order", "id"]
        verbose_name = verbose_name_plural = "任务事项"
