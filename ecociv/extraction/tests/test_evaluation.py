"""The labelled seeds and the held-out document meet the targets (recall ≥ 95 %, precision ≥ 90 %,
mapping ≥ 80 %). The seeds are copied from ../shared/seeds into eval/seeds so this runs everywhere."""
from io import StringIO

from ecociv.extraction.eval.evaluate import DEFAULT_LABELS, DEFAULT_SEEDS, HERE, evaluate


def test_seed_documents_meet_the_targets():
    r = evaluate(DEFAULT_LABELS, DEFAULT_SEEDS, out=StringIO())
    assert r["recall"] >= 0.95 and r["precision"] >= 0.90 and r["mapping_accuracy"] >= 0.80


def test_held_out_document_meets_the_targets():
    r = evaluate(HERE / "labels-invented.yaml", HERE / "docs", out=StringIO())
    assert r["recall"] >= 0.95 and r["precision"] >= 0.90 and r["mapping_accuracy"] >= 0.80
