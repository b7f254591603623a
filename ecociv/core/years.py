"""The years a record of this platform can be about: from the founding of the PRC to 2100.
One rule for every place a year comes in — API parameters, the page forms, the value, ledger and
region imports, the extraction accept and the extractor telling a year from a number — so a year
one of them takes is a year all of them take. A year outside is refused where it is typed, not
passed to the database."""
from __future__ import annotations

import unicodedata

FIRST_YEAR = 1949
LAST_YEAR = 2100


def in_range(year: int | float) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def parse_year(raw) -> int | None:
    """A year as people type it in a sheet or a form — 2024, "2024", "2024年", "2024 年度",
    full-width digits, a spreadsheet's 2024.0 — as an int, or None when it is not a year this
    platform keeps."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        if raw != int(raw):
            return None
        raw = str(int(raw))
    text = unicodedata.normalize("NFKC", str(raw)).strip().removesuffix("度").removesuffix("年").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    year = int(text)
    return year if in_range(year) else None


def param(raw, default: int) -> int:
    """A year from a query string or form field (?year=…): the year typed, or `default` when none
    or one outside the rule was given — a filter on a page falls back, it does not fail."""
    return parse_year(raw) or default


class YearConverter:
    """`<year:year>` in a URL: four digits within the rule, otherwise the page is not found."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if not in_range(year):
            raise ValueError(value)
        return year

    def to_url(self, value) -> str:
        return str(int(value))


def argument(raw: str) -> int:
    """`--year` on the command line: the same rule, refused by argparse with a Chinese message."""
    import argparse

    year = parse_year(raw)
    if year is None:
        raise argparse.ArgumentTypeError(f"“{raw}”不是有效年度（{FIRST_YEAR}–{LAST_YEAR}）")
    return year
