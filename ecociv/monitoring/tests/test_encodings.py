"""Files saved by a Chinese Excel ("CSV (逗号分隔)") are GB18030, not UTF-8: the engine reads
them to the same figures, and refuses anything else with a message in Chinese."""
import pytest

from ecociv.monitoring.engine.api import evaluate_air
from ecociv.monitoring.engine.ingest import InputError
from ecociv.monitoring.engine.water import evaluate_water
from ecociv.monitoring.tests.conftest import random_world, write_air, write_stations


def _recode(path, name):
    out = path.with_name(name)
    out.write_bytes(path.read_text(encoding="utf-8").replace("A1", "城关站").encode("gb18030"))
    return out


def test_gb18030_air_files_give_the_figures_of_their_utf8_twins(tmp_path):
    _s, rows = random_world()
    st = write_stations(tmp_path / "st.csv", {"A1": "R1", "A2": "R1", "B1": "R2", "B2": "R2"})
    air = write_air(tmp_path / "air.csv", rows)
    utf8 = evaluate_air(st, air, level="station").results
    gb = evaluate_air(_recode(st, "st-gb.csv"), _recode(air, "air-gb.csv"), level="station").results
    def keyed(results, rename=lambda i: i):
        return {(rename(r["id"]), r["year"]): {k: v for k, v in r.items() if k != "id"} for r in results}

    assert keyed(gb) == keyed(utf8, lambda i: i.replace("A1", "城关站"))
    assert ("城关站", 2026) in keyed(gb)
    # The UTF-8 copy made for DuckDB is gone once read.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["air-gb.csv", "air.csv", "st-gb.csv", "st.csv"]


def test_undecodable_air_file_is_refused_in_chinese(tmp_path):
    st = write_stations(tmp_path / "st.csv", {"A1": "R1"})
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"station,time,SO2,NO2,CO,O3,PM10,PM2.5\n\xff\xfe\x80,2025-01-01 00:00,1,1,1,1,1,1\n")
    with pytest.raises(InputError, match="既不是 UTF-8 也不是 GB18030"):
        evaluate_air(st, bad, level="station")


def test_gb18030_water_file_reads_as_its_utf8_twin(tmp_path):
    text = ("section,region,date,water_type,pH,DO,NH3-N,TP,COD\n"
            "城东断面,870121,2024-01-10,river,7.5,8,0.1,0.05,10\n"
            "城东断面,870121,2024-07-10,lake,7.2,4,1.2,0.2,25\n")
    (tmp_path / "u.csv").write_text(text, encoding="utf-8")
    (tmp_path / "g.csv").write_bytes(text.encode("gb18030"))
    res = evaluate_water(tmp_path / "g.csv")
    assert res == evaluate_water(tmp_path / "u.csv") and res["sections"][0]["id"] == "城东断面"
