from django.conf import settings
from django.db import models

from ecociv.core.background import job_interrupted


class RunKind(models.TextChoices):
    AIR = "air", "环境空气"
    WATER = "water", "地表水"


class RunState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "计算中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class MonitoringRun(models.Model):
    """One evaluation of uploaded (or command-line) monitoring files and what became of it.

    Kept after the run so that a value fed into the indicators can be traced back to the exact
    files (sha256), parameters and rule sets, and so that a later year's change indicators
    (7.2, 8.1, 8.2) can find the base year's figures.
    """

    kind = models.CharField("类型", max_length=10, choices=RunKind.choices)
    # The region whose users may see the run (the uploader's choice within their scope).
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="monitoring_runs", verbose_name="所属区划")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # [{"role": "stations"|"data", "name": original name, "path": stored path, "size", "sha256"}]
    files = models.JSONField("文件", default=list)
    parameters = models.JSONField("参数", default=dict)
    state = models.CharField("状态", max_length=10, choices=RunState.choices, default=RunState.QUEUED)
    stage = models.CharField("进度", max_length=100, blank=True)
    step = models.PositiveSmallIntegerField(default=0)
    steps = models.PositiveSmallIntegerField(default=6)
    results = models.JSONField("结果", default=dict, blank=True)
    bad_rows = models.JSONField("有问题的数据行（前若干行）", default=list, blank=True)
    bad_row_count = models.PositiveIntegerField("有问题的数据行数", default=0)
    error = models.TextField("错误", blank=True)
    fed = models.JSONField("写入指标记录", default=list, blank=True)
    # Written on creation, on every progress step and by the ticker of the process running it:
    # a queued/running run whose heartbeat is older than JOB_STALE_MINUTES is 已中断.
    heartbeat = models.DateTimeField("最近心跳", null=True, blank=True)
    rerun_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reruns",
                                 verbose_name="重新开始自")

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = verbose_name_plural = "监测数据评价"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}评价 #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.state in (RunState.DONE, RunState.FAILED)

    @property
    def interrupted(self) -> bool:
        # Derived, never stored: the state values stay queued/running/done/failed, and a run that
        # was only slow and ends after all simply becomes done.
        return job_interrupted(self.state in (RunState.QUEUED, RunState.RUNNING), self.heartbeat, self.started_at,
                               self.created_at)

    @property
    def ended(self) -> bool:
        """Nothing more will happen to it by itself: the page stops polling."""
        return self.finished or self.interrupted

    @property
    def state_label(self) -> str:
        return "已中断" if self.interrupted else self.get_state_display()

    @property
    def fed_label(self) -> str:
        """What feeding came to, for the list: only a feed that wrote a value says it wrote."""
        if not self.fed:
            return ""
        if any(f.get("created") or f.get("updated") for f in self.fed):
            return "已写入指标"
        return "已尝试写入，无新数值"

    @property
    def state_class(self) -> str:
        return "interrupted" if self.interrupted else self.state

    @property
    def percent(self) -> int:
        return 100 if self.state == RunState.DONE else int(self.step * 100 / max(self.steps, 1))

    @property
    def seconds(self) -> float | None:
        if not (self.finished_at and self.started_at):
            return None
        return round((self.finished_at - self.started_at).total_seconds(), 1)
