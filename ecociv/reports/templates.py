"""Which .docx template a report uses: the nearest active replacement uploaded for the region
or one of its ancestors (a county's own, then its city's, then a province-wide one, then one
for every region), else the template shipped in the package."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ecociv.reports.builtin import DATA_DIR
from ecociv.reports.models import ReportTemplate

DOCX_KINDS = ("summary", "self-evaluation")


@dataclass
class InUse:
    kind: str
    data: bytes
    record: ReportTemplate | None  # None: the shipped template

    @property
    def label(self) -> str:
        if self.record is None:
            return "系统内置模板"
        r = self.record
        scope = r.region.name if r.region_id else "全部区划"
        return f"{r.file_name}（{scope}，{r.uploaded_at:%Y-%m-%d %H:%M} 上传）"


@cache
def builtin_bytes(kind: str) -> bytes:
    return (DATA_DIR / f"{kind}.docx").read_bytes()


def template_for(kind: str, region) -> InUse:
    chain = [c for c in (region.path or "").split("/") if c] if region is not None else []
    candidates = list(ReportTemplate.objects.filter(kind=kind, active=True).select_related("region")
                      .filter(region__code__in=chain)) if chain else []
    if candidates:
        # Nearest first: the longest path is the closest ancestor.
        best = max(candidates, key=lambda t: len(t.region.path))
        return InUse(kind, bytes(best.data), best)
    shared = ReportTemplate.objects.filter(kind=kind, active=True, region__isnull=True).first()
    if shared is not None:
        return InUse(kind, bytes(shared.data), shared)
    return InUse(kind, builtin_bytes(kind), None)
