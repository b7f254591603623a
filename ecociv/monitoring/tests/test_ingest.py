"""Input checking: bad rows reported with row number and Chinese reason; CSV, xlsx, Parquet agree."""
import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ecociv.monitoring.engine.api import evaluate_air
from ecociv.monitoring.engine.ingest import InputError

from .conftest import HEADER, write_air, write_stations


def good_day(station="S", day=dt.date(2024, 5, 1)):
    return [[station, dt.datetime.combine(day, dt.time(h)).strftime("%Y-%m-%d %H:%M"),
             "10", "20", "0.5", "50", "40", "30"] for h in range(24)]


def test_it_reports_each_bad_row_with_its_number_and_reason(tmp_path):
    rows = good_day()
    rows[0][2] = "abc"                       # row 2
    rows[1][1] = "2024/05/01 01:00"          # row 3
    rows[2][1] = "2024-05-01 02:30"          # row 4
    rows[3][0] = "X"                         # row 5
    rows[4][4] = "0.1234"                    # row 6
    rows.append(list(rows[10]))              # row 26 duplicates row 12
    st = write_stations(tmp_path / "s.csv", {"S": "R"})
    res = evaluate_air(st, write_air(tmp_path / "a.csv", rows))
    got = {b.row: b.reason for b in res.bad_rows}
    assert got[2] == "SO2 的值“abc”不是数字"
    assert got[3] == "时间“2024/05/01 01:00”格式不对，应为 YYYY-MM-DD HH:MM"
    assert got[4] == "时间“2024-05-01 02:30”不是整点"
    assert got[5] == "站点“X”不在站点文件中"
    assert got[6] == "CO 的值“0.1234”小数超过 3 位"
    assert "与第 12 行重复" in got[26] and "均未使用" in got[12]
    assert res.bad_row_count == 7
    assert str(res.bad_rows[0]) == "第 2 行：SO2 的值“abc”不是数字"
    # the day is left with 24 - 7 rows = 17 hours: below 20, so no valid 24 h means
    assert res.rows_used == len(rows) - 7


def test_empty_and_negative_cells_are_missing_not_errors(tmp_path):
    rows = good_day()
    rows[0][2] = ""
    rows[1][2] = "-5"
    st = write_stations(tmp_path / "s.csv", {"S": "R"})
    res = evaluate_air(st, write_air(tmp_path / "a.csv", rows), daily_out=tmp_path / "d.csv")
    assert res.bad_row_count == 0 and res.rows_used == 24


def test_empty_cells_stay_missing_when_another_cell_is_text(tmp_path):
    # One text cell sends the whole CSV down the text path, where DuckDB reads empty cells as NULL.
    rows = good_day()
    rows[0][2] = ""
    rows[1][7] = "abc"
    st = write_stations(tmp_path / "s.csv", {"S": "R"})
    res = evaluate_air(st, write_air(tmp_path / "a.csv", rows))
    assert [(b.row, b.reason) for b in res.bad_rows] == [(3, "PM2.5 的值“abc”不是数字")]
    assert res.rows_used == 23


def test_missing_column_is_refused_in_chinese(tmp_path):
    st = write_stations(tmp_path / "s.csv", {"S": "R"})
    p = tmp_path / "a.csv"
    p.write_text("station,time,SO2\nS,2024-05-01 00:00,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="数据文件缺少列：NO2、CO、O3、PM10、PM2.5"):
        evaluate_air(st, p)


def test_csv_xlsx_and_parquet_give_the_same_results(air_world, tmp_path):
    import openpyxl

    st_file, air_file, _stations, rows = air_world
    base = evaluate_air(st_file, air_file).results
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADER)
    for r in rows:
        # numbers as numbers, the way a sheet holds them
        ws.append([r[0], dt.datetime.strptime(r[1], "%Y-%m-%d %H:%M")] +
                  [None if v == "" else (int(v) if "." not in v else float(v)) for v in r[2:]])
    wb.save(tmp_path / "a.xlsx")
    assert evaluate_air(st_file, tmp_path / "a.xlsx").results == base
    cols = {"station": [r[0] for r in rows], "time": [r[1] for r in rows]}
    for i, c in enumerate(HEADER[2:], start=2):
        cols[c] = pa.array([None if r[i] == "" else float(r[i]) for r in rows], pa.float64())
    pq.write_table(pa.table(cols), tmp_path / "a.parquet")
    assert evaluate_air(st_file, tmp_path / "a.parquet").results == base


@pytest.mark.parametrize("bad", ["text", "decimals"])
def test_row_numbers_are_the_lines_of_the_file_after_empty_lines(tmp_path, bad):
    """Empty lines (an export with gaps, a file pasted together) do not shift the reported line:
    it is the one a person finds in an editor or in Excel. Both read paths: a cell that is not a
    number (text read) and one with too many decimals (typed read)."""
    rows = good_day()
    rows[5][2] = "abc" if bad == "text" else "1.23456"
    st = write_stations(tmp_path / "s.csv", {"S": "R"})
    lines = [",".join(HEADER)] + [",".join(r) for r in rows]
    lines[3:3] = ["", ""]            # two empty lines after line 3
    lines.insert(8, "")              # one more before the bad record
    path = tmp_path / "a.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = evaluate_air(st, path)
    assert [b.row for b in res.bad_rows] == [lines.index(",".join(rows[5])) + 1]
    assert res.bad_rows[0].row == 7 + 3
