"""An uploaded work summary and the facts found in it, each waiting for a person's decision.

A fact never becomes data by itself: only `actions.accept_fact` writes an IndicatorValue, and
then as a draft that goes through the entry review like any other value."""
from django.conf import settings
from django.db import models


class DocumentStatus(models.TextChoices):
    PROCESSING = "processing", "识别中"
    DONE = "done", "已识别"
    FAILED = "failed", "识别失败"


class FactStatus(models.TextChoices):
    PENDING = "pending", "待确认"
    ACCEPTED = "accepted", "已采纳"
    REJECTED = "rejected", "已驳回"


def document_path(instance, filename):
    # Content-addressed: the stored name never carries the user's filename (no path tricks).
    return f"extraction/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class SourceDocument(models.Model):
    # The region decides who may see the document (scope) and is the default target of accepts.
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="source_documents",
                               verbose_name="区划")
    year = models.PositiveIntegerField("年度", null=True, blank=True)
    name = models.CharField("文件名", max_length=255)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField(max_length=64, db_index=True)
    file = models.FileField("原文件", upload_to=document_path, max_length=200)
    # The original text exactly as read: fact offsets point into it.
    text = models.TextField("原文")
    status = models.CharField("状态", max_length=12, choices=DocumentStatus.choices,
                              default=DocumentStatus.PROCESSING)
    error = models.TextField(blank=True)
    # What the extractor read from the document itself (shown beside what the user chose).
    found_region = models.CharField("文档中的区划", max_length=60, blank=True)
    found_year = models.CharField("文档中的年度", max_length=20, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = verbose_name_plural = "识别文档"

    def __str__(self) -> str:
        return self.name


class Fact(models.Model):
    document = models.ForeignKey(SourceDocument, on_delete=models.CASCADE, related_name="facts")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.CharField("原文", max_length=200)
    subject = models.CharField("主语", max_length=200, blank=True)
    sentence = models.TextField(blank=True)
    value = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    value_max = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    from_value = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    unit = models.CharField(max_length=40, blank=True)
    comparator = models.CharField(max_length=4, default="=")
    kind = models.CharField(max_length=12, default="quantity")
    masked = models.BooleanField(default=False)
    period = models.CharField(max_length=20, blank=True)
    region_name = models.CharField(max_length=60, blank=True)
    indicator_code = models.CharField("建议指标", max_length=20, blank=True)
    candidates = models.JSONField(default=list, blank=True)
    # Why the indicator was proposed (the words that matched) and, where a level and its change
    # indicator compete, which one and why; shown on the fact's card.
    explanation = models.TextField("建议依据", blank=True)

    status = models.CharField("状态", max_length=10, choices=FactStatus.choices, default=FactStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    # The value the accept wrote, and exactly what was written (the value may change later).
    accepted_value = models.ForeignKey("entry.IndicatorValue", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    accepted = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["document", "start", "id"]
        indexes = [models.Index(fields=["document", "status"])]
        verbose_name = verbose_name_plural = "识别出的数据"

    def __str__(self) -> str:
        return f"{self.document} [{self.start}:{self.end}] {self.quote}"

    @property
    def is_change(self) -> bool:
        return self.comparator in ("up", "down")

    @property
    def indicator_candidates(self) -> list[dict]:
        return [c for c in self.candidates if c.get("kind") == "indicator"]

    @property
    def ledger_candidates(self) -> list[dict]:
        return [c for c in self.candidates if c.get("kind") in ("project", "fund", "activity")]
