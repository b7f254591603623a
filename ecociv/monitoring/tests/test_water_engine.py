"""The set-based water evaluation (DuckDB, exact integers) gives what the row-by-row Decimal
evaluation gave (tests/water_reference.py), on random files and on the awkward cells people
write: exponents, full-width digits, digit grouping, -0, negatives (= missing), spaces of every
kind, values exactly on a limit, means that are ties for the 4-decimal rounding, lakes and
reservoirs, items that do not decide the class, repeated columns, short and long rows."""
from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import pytest

from ecociv.monitoring.engine import water
from ecociv.monitoring.engine.ingest import InputError
from ecociv.monitoring.engine.water import evaluate_water
from ecociv.monitoring.tests.water_reference import _mean as reference_mean
from ecociv.monitoring.tests.water_reference import evaluate_water_reference

HEAD = "section,region,date,water_type,pH,DO,CODMn,COD,NH3-N,TP,TN,Hg,FC,WT"


def _same(path, samples=True):
    got = evaluate_water(path, samples=samples)
    ref = evaluate_water_reference(path)
    assert got["sections"] == ref["sections"]
    assert got["regions"] == ref["regions"]
    assert [str(b) for b in got["bad_rows"]] == [str(b) for b in ref["bad_rows"]]
    if samples:
        assert got["samples"] == ref["samples"]
    return got


def _random_file(path, seed: int, sections: int = 40) -> None:
    rnd = random.Random(seed)
    fmt = {"pH": 1, "DO": 1, "CODMn": 1, "COD": 0, "NH3-N": 3, "TP": 3, "TN": 2, "Hg": 5, "FC": 0}
    # Values often right on a limit, so "<=" against "<" would show.
    on_limit = {"NH3-N": ["0.150", "0.5", "1.0", "1.5", "2.0"], "TP": ["0.02", "0.1", "0.2", "0.05", "0.025"],
                "DO": ["7.5", "6", "5", "3", "2"], "COD": ["15", "20", "30", "40"], "pH": ["6", "9", "9.0", "5.9"]}
    lines = [HEAD]
    for s in range(sections):
        region = f"R{s // 6}" if s < 24 else f"Q{s // 2}"   # regions of 6 sections, then of 2
        wt = rnd.choice(["river", "river", "lake", "reservoir"])
        q = rnd.choice([0.03, 0.1, 0.2, 0.4, 0.7, 1.0])     # how polluted the section is
        for year in (2024, 2025):
            for m in range(1, rnd.choice([2, 4, 12]) + 1):
                cells = []
                for it, d in fmt.items():
                    r = rnd.random()
                    if r < 0.08:
                        cells.append("")
                    elif r < 0.1:
                        cells.append("-1")
                    elif r < 0.2 and it in on_limit:
                        cells.append(rnd.choice(on_limit[it]))
                    else:
                        scale = {"CODMn": 16, "COD": 45, "NH3-N": 2.6, "TP": 0.45, "TN": 2,
                                 "Hg": 0.0012, "FC": 30000}
                        x = (rnd.uniform(6.2, 8.8) if it == "pH" else 9 - rnd.uniform(0, 8.5 * q) if it == "DO"
                             else rnd.uniform(0, scale[it] * q))
                        cells.append(f"{x:.{d}f}")
                lines.append(f"W{s:03d},{region},{year}-{m:02d}-10,{wt},{','.join(cells)},18.5")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_files_give_the_reference_figures(tmp_path, seed):
    p = tmp_path / "w.csv"
    _random_file(p, seed)
    got = _same(p)
    assert {r["method"] for r in got["regions"]} == {"class_proportion", "mean_of_sections"}
    assert {s["class"] for s in got["sections"]} >= {"I", "II", "III", "IV", "V", "劣V"}


def test_awkward_cells_read_as_decimal_reads_them(tmp_path):
    p = tmp_path / "w.csv"
    p.write_text(
        "section,region,date,water_type,pH,DO,NH3-N,TP,COD,NH3-N\n"
        "S1,R,2024-01-10,river,7.5,8,1e-1,0.05,1.5E1,0.2\n"              # exponents; the last NH3-N counts
        "S1,R,2024-02-10,river,+7.5,８,０.３,.05,1_0,0.3\n"              # full-width digits, grouping, +, .05
        "S1,R,2024-03-10,river,-0,8,0.1,0.05,-3,\n"                      # -0 is 0 (pH 劣V), -3 missing
        " S2 ,R,2024-01-10,lake,7.5,\u30008\u3000,0.15,0.025,15\n"      # spaces of every kind around cells
        "S2,R,2024-02-10,reservoir,7.5,8,0.15,0.0250,15\n"              # reservoir: lake limits
        "S3,R,2024-01-10,river,7.5,8,0.12345,0.05,10\n"                 # means that are 4-decimal ties
        "S3,R,2024-02-10,river,7.5,8,0.12355,0.05,10\n"
        "S4,R,2024-01-10,river,,,,,\n"                                  # nothing measured: no class
        "S5,R,2024-01-10,river,7\n"                                     # short row
        "S6,R,2024-01-10,river,7.5,8,0.1,0.05,10,0.1,extra,cells\n"     # long row
        "S7,R,2024-01-10,sea,7.5,8,0.1,0.05,10\n"                       # bad water type
        "S8,R,24-1-10,river,7.5,8,0.1,0.05,10\n"                        # bad date
        "S9,R,２０２４-01-10,river,7.5,8,0.1,0.05,10\n"                 # full-width year
        ",R,2024-01-10,river,nan,inf,x,0.05,10,y\n",                    # every reason at once
        encoding="utf-8")
    got = _same(p)
    assert [b.row for b in got["bad_rows"]] == [12, 13, 15]
    s1 = next(s for s in got["sections"] if s["id"] == "S1")
    assert s1["class"] == "劣V" and s1["means"]["NH3-N"] == 0.25
    assert next(s for s in got["sections"] if s["id"] == "S4")["class"] is None


def test_values_exactly_on_a_limit_and_lake_phosphorus(tmp_path):
    p = tmp_path / "w.csv"
    p.write_text(HEAD + "\n" + "\n".join(
        f"S{i},R,2024-01-10,{wt},6,{do},2,15,{nh},{tp},0.2,0.00005,200,10"
        for i, (wt, do, nh, tp) in enumerate([("river", "7.5", "0.15", "0.02"), ("lake", "2", "2.0", "0.2"),
                                              ("river", "1.99", "2.01", "0.4"), ("reservoir", "6", "0.5", "0.025"),
                                              ("lake", "5", "1", "0.050"), ("river", "3", "1.5", "0.3")])) + "\n",
        encoding="utf-8")
    got = _same(p)
    assert [s["class"] for s in got["sections"]] == ["I", "V", "劣V", "II", "III", "IV"]


def test_xlsx_gives_the_figures_of_its_csv(tmp_path):
    import openpyxl

    p = tmp_path / "w.csv"
    _random_file(p, 4, sections=8)
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in p.read_text(encoding="utf-8").splitlines():
        ws.append(line.split(","))
    wb.save(tmp_path / "w.xlsx")
    a, b = _same(tmp_path / "w.xlsx"), evaluate_water(p, samples=True)
    assert a["sections"] == b["sections"] and a["regions"] == b["regions"] and a["samples"] == b["samples"]


def test_a_value_beyond_16_decimals_is_refused_not_rounded(tmp_path):
    p = tmp_path / "w.csv"
    p.write_text("section,region,date,water_type,NH3-N\nS1,R,2024-01-10,river,1.00000000000000001\n"
                 "S1,R,2024-02-10,river,1.0\n", encoding="utf-8")
    got = evaluate_water(p)
    assert [str(b) for b in got["bad_rows"]] == ["第 2 行：NH3-N 的值“1.00000000000000001”不是数字"]
    assert got["sections"][0]["class"] == "III"


def test_header_errors_are_named(tmp_path):
    p = tmp_path / "w.csv"
    p.write_text("section,region,date,NH3-N\nS1,R,2024-01-10,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="缺少列：water_type"):
        evaluate_water(p)
    p.write_text("section,region,date,water_type,NH4\nS1,R,2024-01-10,river,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="未知的项目列：NH4"):
        evaluate_water(p)


def test_the_exact_mean_is_the_fraction_mean():
    rnd = random.Random(5)
    for _ in range(2000):
        xs = [Decimal(f"{rnd.uniform(0, 50):.{rnd.randint(0, 6)}f}") for _ in range(rnd.randint(1, 9))]
        got = water._mean(xs)
        assert got == reference_mean(xs)
        assert abs(Fraction(got) - sum(map(Fraction, xs)) / len(xs)) < Fraction(1, 10**20)


def test_a_bad_row_after_empty_lines_is_named_by_its_line(tmp_path):
    p = tmp_path / "w.csv"
    p.write_bytes(b"section,region,date,water_type,NH3-N\r\nS1,R,2024-01-10,river,0.1\r\n\r\n"
                  b"S1,R,2024-02-10,river,x\r\n\r\n\r\nS2,R,2024-01-10,lake,y\r\nS2,R,2024-02-10,lake,0.2\r\n\r\n")
    got = evaluate_water(p)
    assert [str(b) for b in got["bad_rows"]] == ["第 4 行：NH3-N 的值“x”不是数字", "第 7 行：NH3-N 的值“y”不是数字"]
    # The former reader reported the empty lines themselves as bad rows; the lines it named agree.
    ref = [b for b in evaluate_water_reference(p)["bad_rows"] if "断面为空" not in b.reason]
    assert [str(b) for b in ref] == [str(b) for b in got["bad_rows"]]
    assert got["sections"] == evaluate_water_reference(p)["sections"]
