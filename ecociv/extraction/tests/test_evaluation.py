"""The labelled seeds and the held-out documents meet the targets (recall ≥ 95 %, precision ≥ 90 %,
mapping ≥ 80 %). The seeds are copied from ../shared/seeds into eval/seeds so this runs everywhere."""
from io import StringIO

from ecociv.extraction.eval.evaluate import DEFAULT_LABELS, DEFAULT_SEEDS, HERE, evaluate


def test_seed_documents_meet_the_targets():
    r = evaluate(DEFAULT_LABELS, DEFAULT_SEEDS, out=StringIO())
    assert r["recall"] >= 0.95 and r["precision"] >= 0.90 and r["mapping_accuracy"] >= 0.80


def test_held_out_document_meets_the_targets():
    r = evaluate(HERE / "labels-invented.yaml", HERE / "docs", out=StringIO())
    assert r["recall"] >= 0.95 and r["precision"] >= 0.90 and r["mapping_accuracy"] >= 0.80


def test_further_held_out_documents_meet_the_targets():
    """invented-002 … 004 (labels-heldout.yaml): labelled and committed before the extractor was
    changed for them; the first run gave recall 96.6 %, precision 100 %, mapping 92.9 %."""
    r = evaluate(HERE / "labels-heldout.yaml", HERE / "docs", out=StringIO())
    assert r["recall"] >= 0.95 and r["precision"] >= 0.90 and r["mapping_accuracy"] >= 0.80


def test_public_corpus_held_out_part_meets_the_floors():
    """Issue 16: 44 public excerpts never used to change the extractor (labels-corpus-heldout.yaml,
    labelled before any run): recall ≥ 95 %, precision ≥ 95 %, mapping ≥ 85 % of the labels that
    name an indicator. First run (before the changes): 84.7 %, 94.8 %, 52.3 % (80/153)."""
    r = evaluate(HERE / "labels-corpus-heldout.yaml", HERE / "corpus", out=StringIO())
    assert r["recall"] >= 0.95 and r["precision"] >= 0.95 and r["mapping_accuracy_named"] >= 0.85
