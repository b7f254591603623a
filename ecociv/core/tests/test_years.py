"""The year rule (core.years) is one rule: every entrance — URL, query string, form, command line,
value/ledger/region import, extraction and ledger accept — takes the same years and refuses the
others with a Chinese message, never a 500 or a year 99999 in the database."""
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ecociv.core import years


@pytest.mark.parametrize(("raw", "expected"), [
    (2024, 2024), ("2024", 2024), (" 2024年 ", 2024), ("2024 年度", 2024), ("２０２４", 2024), (2024.0, 2024),
    ("1949", 1949), ("2100", 2100),
    ("1948", None), ("2101", None), ("99999", None), ("20x5", None), ("", None), (None, None), (2024.5, None),
    (True, None), ("-2024", None), ("二〇二四", None),
])
def test_parse_year(raw, expected):
    assert years.parse_year(raw) == expected


def test_param_falls_back_and_converter_refuses():
    assert years.param("abc", 2025) == 2025 and years.param("2023年", 2025) == 2023
    conv = years.YearConverter()
    assert conv.to_python("2024") == 2024 and conv.to_url(2024) == "2024"
    with pytest.raises(ValueError):
        conv.to_python("0999")


@pytest.mark.django_db
def test_pages_take_the_rule(client, world):
    client.force_login(world.admin)
    code = world.county.code
    assert client.get(f"/dashboard/region/{code}/2025/").status_code == 200
    assert client.get(f"/dashboard/region/{code}/9999/").status_code == 404  # four digits, outside the rule
    assert client.get(f"/dashboard/region/{code}/99999/").status_code == 404
    for path in ("/assessment/?year=abc", "/reports/?year=99999", "/entry/tasks/new/?year=20x5"):
        assert client.get(path).status_code in (200, 302, 403), path


@pytest.mark.django_db
def test_command_line_refuses_a_year_outside_in_chinese(world, tmp_path):
    with pytest.raises(CommandError) as exc:
        call_command("report", "--region", world.county.code, "--year", "99999", "--kind", "summary",
                     "--format", "docx", "-o", str(tmp_path / "x.docx"), stdout=io.StringIO())
    assert "不是有效年度（1949–2100）" in str(exc.value)
    assert not (tmp_path / "x.docx").exists()
