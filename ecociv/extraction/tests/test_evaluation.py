"""The labelled seeds and the held-out document meet the targets (recall ≥ 95 %, precision ≥ 90 %,
mapping ≥ 80 %). The seeds live in ../shared/seeds beside the repository."""
from io import StringIO

import pytest

from ecociv.extraction.eval.evaluate import DEFAULT_LABELS, DEFAULT_SEEDS, HERE, evaluate


@pytest.mark.skipif(not DEFAULT_SEEDS.exists(), reason="../shared/seeds not present")
def test_seed_documents_meet_the_targets():
    r = evaluate(DEFAULT_LABELS, DEFAULT_SEEDS, out=StringIO())
    assert r["recall"] >= 0.95 and r["precision"] >= 0.90 and r["mapping_accuracy"] >= 0.80


def test_held_out_document_meets_the_targets():
    r = evaluate(HERE / "labels-invented.yaml", HERE / "docs", out=StringIO())
    assert r["recall"] >= 0.95 and r["precision"] >= 0.90 and r["mapping_accuracy"] >= 0.80
