"""The `ledger` kind: every ledger of a region-year in one .xlsx, one sheet each."""
from __future__ import annotations

from django.apps import apps

from ecociv.reports.generate import ReportError


def ledger_workbook(region, year: int, *, user=None) -> bytes:
    if not apps.is_installed("ecociv.ledger"):
        raise ReportError("工作台账模块尚未启用，无法生成台账报表")
    raise ReportError("工作台账报表尚未提供")
