"""Kept for imports: the export helpers live in `ecociv.core.xlsx` (shared by every export)."""
from ecociv.core.xlsx import FILLS, HEAD, add_sheet, put, response, status_fill  # noqa: F401
