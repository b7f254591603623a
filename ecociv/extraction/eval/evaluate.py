"""Precision and recall of the extractor against the hand-made labels.

    python -m ecociv.extraction.eval.evaluate [--seeds DIR] [--labels FILE] [-v]

A label and a proposed fact match when their spans overlap (each used once). A match is
*correct* when both are masked, or both carry the same amount: value × the unit's 万/亿
magnitude and the unit without it (1万份 = 10000份). Recall = correct matches / labels;
precision = correct matches / proposed facts. Mapping accuracy = matched labels whose proposed
indicator (or null) is the labelled one; also shown over the labels that name an indicator.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

from ecociv.extraction.extract import Fact, extract
from ecociv.extraction.numbers import magnitude
from ecociv.extraction.textio import read_path

HERE = Path(__file__).resolve().parent
DEFAULT_LABELS = HERE / "labels.yaml"
DEFAULT_SEEDS = HERE / "seeds"  # copies of ../shared/seeds, so the evaluation runs from any checkout (CI)


@dataclass
class Label:
    quote: str
    start: int
    end: int
    value: Decimal | None
    unit: str
    comparator: str
    masked: bool
    indicator: str | None


def resolve(text: str, row: dict, doc: str) -> Label:
    needle = row.get("before", "") + row["quote"]
    hits = []
    i = text.find(needle)
    while i >= 0:
        hits.append(i)
        i = text.find(needle, i + 1)
    if not hits:
        raise ValueError(f"{doc}: label not found: {needle!r}")
    if len(hits) > 1 and "nth" not in row:
        raise ValueError(f"{doc}: label is ambiguous ({len(hits)} places): {needle!r}")
    start = hits[row.get("nth", 0)] + len(row.get("before", ""))
    value = row.get("value")
    return Label(row["quote"], start, start + len(row["quote"]),
                 None if value is None else Decimal(str(value)), str(row.get("unit", "")),
                 str(row.get("comparator", "=")), bool(row.get("masked", False)),
                 None if row.get("indicator") is None else str(row["indicator"]))


def _amount(value: Decimal | None, unit: str) -> tuple[Decimal | None, str]:
    mult, base = magnitude(unit.replace("／", "/"))
    return (None if value is None else (value * mult).normalize()), base


def same_value(label: Label, fact: Fact) -> bool:
    if label.masked or fact.masked:
        return label.masked == fact.masked and _amount(None, label.unit)[1] == _amount(None, fact.unit)[1]
    return _amount(label.value, label.unit) == _amount(fact.value, fact.unit)


def match(labels: list[Label], facts: list[Fact]) -> list[tuple[Label, Fact | None]]:
    used: set[int] = set()
    pairs = []
    for lab in labels:
        best, best_overlap = None, 0
        for i, f in enumerate(facts):
            if i in used:
                continue
            overlap = min(lab.end, f.end) - max(lab.start, f.start)
            if overlap > best_overlap:
                best, best_overlap = i, overlap
        if best is not None:
            used.add(best)
        pairs.append((lab, facts[best] if best is not None else None))
    return pairs


def evaluate(labels_path: Path, seeds: Path, verbose: bool = False, out=sys.stdout) -> dict:
    spec = yaml.safe_load(labels_path.read_text(encoding="utf-8"))
    if spec.get("directory"):
        seeds = labels_path.parent / spec["directory"]
    totals = {"labels": 0, "facts": 0, "correct": 0, "found": 0, "comparator_ok": 0,
              "mapped_ok": 0, "with_indicator": 0, "with_indicator_ok": 0, "masked_labels": 0,
              "masked_ok": 0}
    for doc, rows in spec["documents"].items():
        text = read_path(seeds / doc)
        labels = [resolve(text, r, doc) for r in rows]
        facts = extract(text)
        pairs = match(labels, facts)
        matched_facts = {id(f) for _, f in pairs if f is not None}
        correct = [(lab, f) for lab, f in pairs if f is not None and same_value(lab, f)]
        t = {
            "labels": len(labels), "facts": len(facts), "correct": len(correct),
            "found": sum(1 for _, f in pairs if f is not None),
            "comparator_ok": sum(1 for lab, f in correct if lab.comparator == f.comparator),
            "mapped_ok": sum(1 for lab, f in correct if lab.indicator == f.indicator),
            "with_indicator": sum(1 for lab in labels if lab.indicator),
            "with_indicator_ok": sum(1 for lab, f in correct if lab.indicator and lab.indicator == f.indicator),
            "masked_labels": sum(1 for lab in labels if lab.masked),
            "masked_ok": sum(1 for lab, f in correct if lab.masked),
        }
        for k, v in t.items():
            totals[k] += v
        print(f"{doc}: labels {t['labels']}, proposed {t['facts']}, correct {t['correct']}", file=out)
        if verbose:
            for lab, f in pairs:
                if f is None:
                    print(f"  MISSED  {lab.quote!r} @{lab.start}", file=out)
                elif not same_value(lab, f):
                    print(f"  WRONG   {lab.quote!r} @{lab.start}: got {f.quote!r} {f.value} {f.unit}", file=out)
                else:
                    if lab.comparator != f.comparator:
                        print(f"  CMP     {lab.quote!r}: {lab.comparator} got {f.comparator}", file=out)
                    if lab.indicator != f.indicator:
                        print(f"  MAP     {lab.quote!r}: {lab.indicator} got {f.indicator}", file=out)
            for f in facts:
                if id(f) not in matched_facts:
                    print(f"  EXTRA   {f.quote!r} @{f.start} {f.value} {f.unit}", file=out)
    r = totals
    result = {
        "recall": r["correct"] / r["labels"] if r["labels"] else 0.0,
        "precision": r["correct"] / r["facts"] if r["facts"] else 0.0,
        "mapping_accuracy": r["mapped_ok"] / r["correct"] if r["correct"] else 0.0,
        "mapping_accuracy_named": r["with_indicator_ok"] / r["with_indicator"] if r["with_indicator"] else 0.0,
        "comparator_accuracy": r["comparator_ok"] / r["correct"] if r["correct"] else 0.0,
        **r,
    }
    print(f"\nvalues:     recall {result['recall']:.1%} ({r['correct']}/{r['labels']}), "
          f"precision {result['precision']:.1%} ({r['correct']}/{r['facts']})", file=out)
    print(f"masked:     {r['masked_ok']}/{r['masked_labels']} masked figures found as masked", file=out)
    print(f"comparator: {result['comparator_accuracy']:.1%} of correct values", file=out)
    print(f"mapping:    {result['mapping_accuracy']:.1%} of correct values ({r['mapped_ok']}/{r['correct']}); "
          f"labels naming an indicator: {r['with_indicator_ok']}/{r['with_indicator']}", file=out)
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--labels", type=Path, default=DEFAULT_LABELS,
                   help="labels file (labels-invented.yaml: the held-out document in eval/docs)")
    p.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    p.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args(argv)
    evaluate(args.labels, args.seeds, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
