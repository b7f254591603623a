import pytest

from ecociv.conftest import browser_login, screenshot
from ecociv.entry.models import IndicatorValue
from ecociv.extraction.models import SourceDocument

SEED = "ecociv/extraction/eval/docs/invented-001.txt"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_upload_highlight_accept(world, page, tmp_path):
    from pathlib import Path

    # The held-out invented summary, renamed to a county of the fixture world so the page
    # proposes 甲县 by itself.
    text = Path(__file__).resolve().parents[3].joinpath(SEED).read_text("utf-8").replace("青川县", "甲县")
    doc_file = tmp_path / "甲县2023年工作总结.txt"
    doc_file.write_text(text, encoding="gb18030")

    browser_login(page, "jia_admin")
    page.goto(page.base_url + "/extraction/")
    assert page.locator("nav.sidenav a", has_text="文档识别").count() == 1
    page.set_input_files("input[name=file]", str(doc_file))
    screenshot(page, "extraction-1-upload")
    page.click("#upload-btn")
    page.wait_for_selector("#doc-text .hl")
    doc = SourceDocument.objects.get()
    assert doc.region.code == "870121" and doc.year == 2023
    assert page.locator("#doc-text .hl").count() >= 30
    screenshot(page, "extraction-2-document")

    # Every card says why (issue 16); a level of the Ⅰ~Ⅲ类 share is 8, not its change 8.1 (issue 12).
    water = doc.facts.get(quote="100%", sentence__contains="国控断面")
    card = page.locator(f"#fact-{water.pk}")
    assert water.indicator_code == "8" and card.locator(".proposal b").first.inner_text() == "8 水环境质量"
    why = card.locator(".why").inner_text()
    assert "水质优良比例" in why and "水平值" in why and "8.1" in why
    fall = doc.facts.get(quote="6.7%")
    fall_card = page.locator(f"#fact-{fall.pk}")
    assert fall.indicator_code == "7.2" and "变化量" in fall_card.locator(".why").inner_text()
    assert fall_card.locator(".warn").count() == 0  # the fall IS the value of 7.2
    card.scroll_into_view_if_needed()
    page.screenshot(path=screenshot(page, "extraction-6-explanation").replace(".png", "-viewport.png"))

    fact = doc.facts.get(quote="94.5%")
    card = page.locator(f"#fact-{fact.pk}")
    assert "7.1" in card.locator("input[name=indicator]").input_value()
    card.locator("button.accept").click()
    page.wait_for_selector(f"#fact-{fact.pk} .ok")
    assert "已采纳为草稿" in page.locator(f"#fact-{fact.pk}").inner_text()
    assert "accepted" in page.locator(f"#hl-{fact.pk}").get_attribute("class")
    row = page.locator("#accepted-values tr", has_text="94.5")
    assert row.count() == 1 and "草稿" in row.inner_text()
    v = IndicatorValue.objects.get(region__code="870121", year=2023, indicator__code="7.1")
    assert v.status == "draft" and v.lineage["document"]["id"] == doc.pk
    page.locator(f"#fact-{fact.pk}").scroll_into_view_if_needed()
    screenshot(page, "extraction-3-accepted")
    page.locator("#accepted-values").scroll_into_view_if_needed()
    page.screenshot(path=screenshot(page, "extraction-4-values").replace(".png", "-viewport.png"))

    # A traditional-character seed with masked figures (**): hatched red, not numbers.
    seed = Path(__file__).resolve().parents[1] / "eval" / "seeds" / "001_0f280d93b210b4c0.txt"
    page.goto(page.base_url + "/extraction/")
    page.set_input_files("input[name=file]", str(seed))
    page.click("#upload-btn")
    page.wait_for_selector("#doc-text .hl.masked")
    page.click("nav.filters a:has-text('已遮盖')")
    page.wait_for_selector("article.fact.masked")
    screenshot(page, "extraction-5-masked")
