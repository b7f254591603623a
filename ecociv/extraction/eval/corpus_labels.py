"""Turn eval/corpus-labels.txt (compact, written by reading) into the evaluator's YAML files.

    python -m ecociv.extraction.eval.corpus_labels

Writes labels-corpus-dev.yaml and labels-corpus-heldout.yaml (directory: corpus) and checks that
every label is found exactly once in its document. It does not run the extractor.
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

from ecociv.extraction.eval.evaluate import resolve
from ecociv.extraction.textio import read_path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "corpus-labels.txt"


def _number(text: str):
    return float(text) if "." in text else int(text)


def parse(source: Path = SOURCE) -> dict:
    parts: dict[str, dict] = {"dev": {}, "heldout": {}}
    sources: dict[str, dict] = {"dev": {}, "heldout": {}}
    doc = part = None
    for n, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("# "):
            continue
        if line.startswith("## "):
            name, part, url, title = (x.strip() for x in line[3:].split("|", 3))
            doc = name
            parts[part][doc] = []
            sources[part][doc] = {"url": url, "title": title}
            continue
        cols = line.split("|") + [""] * 7
        before, quote, value, unit, cmp, ind, extra = cols[:7]
        row: dict = {"quote": quote}
        if before:
            row["before"] = before
        for item in filter(None, extra.split(";")):
            key, _, arg = item.partition("=")
            if key == "masked":
                row["masked"] = True
            elif key in ("rank", "class"):
                row["kind"] = key
            elif key == "from":
                row["from_value"] = _number(arg)
            elif key == "max":
                row["value_max"] = _number(arg)
            elif key == "nth":
                row["nth"] = int(arg)
            else:
                raise ValueError(f"line {n}: unknown extra {item!r}")
        row["value"] = None if row.get("masked") else _number(value)
        row["unit"] = unit
        row["comparator"] = cmp or "="
        row["indicator"] = ind or None
        parts[part][doc].append(row)
    return {p: {"directory": "corpus", "sources": sources[p], "documents": parts[p]} for p in parts}


def main() -> int:
    specs = parse()
    problems = []
    for part, spec in specs.items():
        count = 0
        for doc, rows in spec["documents"].items():
            text = read_path(HERE / "corpus" / doc)
            for row in rows:
                try:
                    resolve(text, row, doc)
                    if "nth" in row and len(_hits(text, row)) == 1:
                        problems.append(f"{doc}: nth not needed: {row}")
                except (ValueError, IndexError) as exc:
                    problems.append(f"{doc}: {exc} {row.get('before', '')}|{row['quote']} nth={row.get('nth')}"
                                    f" hits={len(_hits(text, row))}")
            count += len(rows)
        if problems:
            continue
        header = (f"# Generated from corpus-labels.txt by corpus_labels.py ({part} part): labels written by\n"
                  f"# reading public texts, before the extractor was run on them. {count} facts in "
                  f"{len(spec['documents'])} documents.\n")
        out = HERE / f"labels-corpus-{part}.yaml"
        out.write_text(header + yaml.safe_dump(spec, allow_unicode=True, sort_keys=False, width=200),
                       encoding="utf-8")
        print(f"{out.name}: {count} facts, {len(spec['documents'])} documents")
    for p in problems:
        print(p)
    return 1 if problems else 0


def _hits(text: str, row: dict) -> list[int]:
    needle = row.get("before", "") + row["quote"]
    out, i = [], text.find(needle)
    while i >= 0:
        out.append(i)
        i = text.find(needle, i + 1)
    return out


if __name__ == "__main__":
    sys.exit(main())
