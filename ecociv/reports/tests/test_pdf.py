"""Must hold 5: the PDF's text is extractable and its Chinese fonts are embedded."""
import shutil
import subprocess

import pytest

from ecociv.assessment.engine import assess
from ecociv.reports.generate import generate
from ecociv.reports.tests.helpers import TODAY, fill_values

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (make test installs it)")


@pytest.mark.parametrize("kind", ["summary", "self-evaluation", "indicator-table"])
def test_pdf_text_extracts_and_fonts_are_embedded(world, tmp_path, kind):
    fill_values(world.county, [2024, 2025], by=world.admin)
    out = generate(world.county, 2025, kind, "pdf", user=world.admin, today=TODAY)
    path = tmp_path / "r.pdf"
    path.write_bytes(out.data)
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    a = assess(world.county, 2025)
    if kind == "summary":
        s = a.summary
        assert f"约束性指标{s['binding_total']}项，达标{s['binding_met']}项" in flat
        assert "一、基本情况" in flat and "2026年11月30日" in flat
    else:
        for r in a.rows():
            assert "".join(r.name.split()) in flat, r.name
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the emb column
    assert any("CJK" in line for line in fonts)
