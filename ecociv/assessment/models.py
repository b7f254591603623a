from django.conf import settings
from django.db import models


class FactKind(models.TextChoices):
    PRECONDITION = "precondition", "前提条件"
    VETO = "veto", "否决情形"


class FactState(models.TextChoices):
    SATISFIED = "satisfied", "满足"
    UNSATISFIED = "unsatisfied", "不满足"
    TRIGGERED = "triggered", "存在"
    CLEAR = "clear", "不存在"


STATES_FOR_KIND = {
    FactKind.PRECONDITION: (FactState.SATISFIED, FactState.UNSATISFIED),
    FactKind.VETO: (FactState.TRIGGERED, FactState.CLEAR),
}


class RegionYearFact(models.Model):
    """A precondition (规划颁布实施且在有效期内) or a veto condition (重特大环境事件…) recorded
    for a region and year, with the document it rests on. The verdict reads these; it never
    infers them, because the facts live in documents the platform does not hold."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="assessment_facts")
    year = models.PositiveIntegerField("年度")
    kind = models.CharField("类别", max_length=15, choices=FactKind.choices)
    code = models.CharField("条件编码", max_length=40)
    state = models.CharField("情况", max_length=12, choices=FactState.choices)
    note = models.TextField("说明", blank=True)
    source_document = models.CharField("依据文件", max_length=300)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year", "code"], name="assessment_fact_unique")]
        ordering = ["region__code", "year", "kind", "code"]
        verbose_name = verbose_name_plural = "前提条件与否决情形"

    def __str__(self) -> str:
        return f"{self.region.name} {self.year}年 {self.code}：{self.get_state_display()}"
