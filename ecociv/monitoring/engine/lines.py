"""Row numbers as a person counts them: the line of the file (the header is line 1). DuckDB's CSV
reader skips empty lines, so its own row numbers drift after each one; the air and water readers
turn their rowid-based numbers into lines with these two functions."""
from __future__ import annotations

from pathlib import Path


def blank_lines(path: Path) -> list[int]:
    """Line numbers (the header is 1) of the empty lines of a CSV: DuckDB skips them, so the row
    numbers of the rows after one are shifted back (see line_of). One C-speed search; none in
    the usual file."""
    import mmap
    import re

    out: list[int] = []
    with open(path, "rb") as fh:
        if fh.seek(0, 2) == 0:
            return out
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as m:
            last, line = 0, 0
            for hit in re.finditer(rb"\n(?=\r?\n)", m):   # the end of a line followed by an empty one
                p = hit.start()
                line += m[last:p + 1].count(b"\n")
                last = p + 1
                out.append(line + 1)
    return out


def line_of(rn: int, blanks: list[int]) -> int:
    """The line of the file of DuckDB's row `rn` (rowid + 2): one more for every empty line
    at or before it."""
    for b in blanks:
        if b <= rn:
            rn += 1
        else:
            break
    return rn
