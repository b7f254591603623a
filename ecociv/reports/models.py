from django.conf import settings
from django.db import models

from ecociv.core.background import job_interrupted


class ReportKind(models.TextChoices):
    SUMMARY = "summary", "工作总结"
    SELF_EVALUATION = "self-evaluation", "创建自评报告"
    INDICATOR_TABLE = "indicator-table", "指标达标情况表"
    LEDGER = "ledger", "工作台账"


class ReportFormat(models.TextChoices):
    DOCX = "docx", "Word（.docx）"
    XLSX = "xlsx", "Excel（.xlsx）"
    PDF = "pdf", "PDF"


class ReportTemplate(models.Model):
    """An administrator's replacement of a shipped .docx template, for their region's subtree
    (region empty: every region). Old versions stay, so rolling back is choosing one again."""

    kind = models.CharField("文档", max_length=20, choices=ReportKind.choices)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField("文件名", max_length=255)
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField("大小")
    active = models.BooleanField("正在使用", default=False)
    note = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = verbose_name_plural = "报告模板"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}模板 {self.file_name}"


class ReportJob(models.Model):
    """A report (or a batch .zip) made in the background from the page; the page polls it."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年度")
    kind = models.CharField("文档", max_length=20, choices=ReportKind.choices)
    fmt = models.CharField("格式", max_length=5, choices=ReportFormat.choices)
    batch = models.BooleanField("下级区划批量", default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=1)
    error = models.TextField(blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    result = models.BinaryField(null=True, blank=True)
    size = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "报告生成任务"

    @property
    def interrupted(self) -> bool:
        return job_interrupted(self.state in (self.State.QUEUED, self.State.RUNNING), self.heartbeat, self.created_at)

    @property
    def state_label(self) -> str:
        return "已中断" if self.interrupted else self.get_state_display()

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 0
