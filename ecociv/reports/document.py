"""A generated document as data: a title, numbered headings, paragraphs, notes and tables.
The .docx (through an editable template), the PDF and the tests all read this one structure,
so what the Word file says is what the PDF says.

Headings are numbered here, in the GB/T 9704 order 一、（一）1.（1）, so a section left out
because the data has nothing to say never leaves a gap in the numbering."""
from __future__ import annotations

from dataclasses import dataclass, field

from ecociv.core.fmt import heading_number


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None  # relative column widths
    title: str = ""


@dataclass
class Block:
    kind: str  # h1 | h2 | h3 | p | note | table
    text: str = ""
    table: Table | None = None


@dataclass
class Document:
    kind: str
    title: str
    addressee: str = ""
    office: str = ""
    date: str = ""
    blocks: list[Block] = field(default_factory=list)
    attachment_title: str = ""
    attachment: Table | None = None
    notes: list[str] = field(default_factory=list)  # data that disagrees with itself, also shown inline
    _counters: list[int] = field(default_factory=lambda: [0, 0, 0, 0])

    def heading(self, level: int, text: str) -> str:
        self._counters[level - 1] += 1
        for i in range(level, 4):
            self._counters[i] = 0
        line = heading_number(level, self._counters[level - 1]) + text
        self.blocks.append(Block(f"h{level}", line))
        return line

    def h1(self, text: str) -> str:
        return self.heading(1, text)

    def h2(self, text: str) -> str:
        return self.heading(2, text)

    def h3(self, text: str) -> str:
        return self.heading(3, text)

    def p(self, text: str) -> None:
        if text:
            self.blocks.append(Block("p", text))

    def note(self, text: str) -> None:
        """A marked note: the data disagrees with itself or is not final, and the reader must
        know before quoting the figure."""
        self.notes.append(text)
        self.blocks.append(Block("note", f"※ 数据提示：{text}"))

    def table(self, table: Table) -> None:
        self.blocks.append(Block("table", table=table))

    def text(self) -> str:
        """The whole document as plain text, in reading order (tests, search)."""
        lines = [self.title, self.addressee]
        for b in self.blocks:
            if b.kind == "table" and b.table:
                lines.append("\t".join(b.table.header))
                lines.extend("\t".join(r) for r in b.table.rows)
            else:
                lines.append(b.text)
        lines += [self.office, self.date]
        return "\n".join(x for x in lines if x)
