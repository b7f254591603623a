"""The Ibis pipeline (DuckDB) against the plain-Python reference, figure by figure."""
import csv
import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest

from ecociv.monitoring.engine.api import DAILY_HEADER, evaluate_air
from ecociv.monitoring.engine.rules import load_rules

from . import reference as ref
from .conftest import write_air, write_stations

R = load_rules()


def reference_daily(stations, rows, standard=None):
    hours = defaultdict(dict)
    for s, t, *vals in rows:
        ts = dt.datetime.strptime(t, "%Y-%m-%d %H:%M")
        rec = {}
        for pol, v in zip(("SO2", "NO2", "CO", "O3", "PM10", "PM2.5"), vals):
            rec[pol] = None if v == "" or Decimal(v) < 0 else Decimal(v)
        hours[(s, ts.date())][ts.hour] = rec
    return {key: ref.daily(h, key[1], standard) for key, h in hours.items()}


def reference_region(stations, station_daily, standard=None):
    by = defaultdict(list)
    for (s, day), d in station_daily.items():
        by[(stations[s], day)].append(d)
    return {key: ref.region_daily(ds, R.by_id(standard) if standard else R.for_date(key[1]))
            for key, ds in by.items()}


def reference_annual(daily):
    by = defaultdict(dict)
    for (i, day), d in daily.items():
        by[(i, day.year)][day] = d
    return {key: ref.annual(days) for key, days in by.items()}


def strip(r):
    return {k: v for k, v in r.items() if k not in ("id", "year", "completeness", "standard")}


def fmt(x):
    return "" if x is None else str(x)


def check_daily_file(path, expected):
    with open(path, newline="", encoding="utf-8") as fh:
        rd = csv.reader(fh)
        assert tuple(next(rd)) == DAILY_HEADER
        got = {(r[0], dt.date.fromisoformat(r[1])): r for r in rd}
    assert set(got) == set(expected)
    for key, d in expected.items():
        row = got[key]
        want = [fmt(d[k]) for k in ("SO2", "NO2", "CO", "PM10", "PM2.5", "O3_1h", "O3_8h", "AQI", "level")]
        assert row[2:11] == want, key
        assert set(filter(None, row[11].split(";"))) == set(d["primary"]), key


@pytest.mark.parametrize("standard", [None, "2012", "2026"])
def test_station_results_match_the_reference(air_world, tmp_path, standard):
    st_file, air_file, stations, rows = air_world
    res = evaluate_air(st_file, air_file, level="station", standard=standard, daily_out=tmp_path / "d.csv")
    daily = reference_daily(stations, rows, standard)
    want = reference_annual(daily)
    got = {(r["id"], r["year"]): strip(r) for r in res.results}
    assert got == want
    check_daily_file(tmp_path / "d.csv", daily)
    assert res.bad_row_count == 0


def test_region_results_match_the_reference(air_world, tmp_path):
    st_file, air_file, stations, rows = air_world
    res = evaluate_air(st_file, air_file, level="region", daily_out=tmp_path / "d.csv")
    daily = reference_region(stations, reference_daily(stations, rows))
    assert {(r["id"], r["year"]): strip(r) for r in res.results} == reference_annual(daily)
    check_daily_file(tmp_path / "d.csv", daily)


def test_it_reports_which_rule_sets_were_used(air_world):
    st_file, air_file, *_ = air_world
    res = evaluate_air(st_file, air_file)
    by_year = {r["year"]: r["standard"] for r in res.results}
    choice = load_rules().choices()
    assert by_year[2025] == ["GB 3095-2012 / HJ 633-2012 / HJ 663-2013", *choice]
    assert by_year[2026] == ["GB 3095-2012 / HJ 633-2012 / HJ 663-2013", "GB 3095-2026 / HJ 633-2026 / HJ 663-2026", *choice]
    forced = evaluate_air(st_file, air_file, standard="2026")
    assert {tuple(r["standard"]) for r in forced.results} == {("GB 3095-2026 / HJ 633-2026 / HJ 663-2026", *choice)}


def day_rows(station, day, values_by_hour):
    rows = []
    for h, (pm, o3) in values_by_hour.items():
        t = dt.datetime.combine(day, dt.time(h)).strftime("%Y-%m-%d %H:%M")
        rows.append([station, t, "10", "20", "0.5", o3, "40", pm])
    return rows


def run_daily(tmp_path, rows, standard="2012"):
    st = write_stations(tmp_path / "s.csv", {"S": "R"})
    air = write_air(tmp_path / "a.csv", rows)
    evaluate_air(st, air, standard=standard, daily_out=tmp_path / "d.csv")
    with open(tmp_path / "d.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_24h_mean_needs_20_hours_exactly(tmp_path):
    day = dt.date(2024, 5, 1)
    twenty = day_rows("S", day, dict.fromkeys(range(20), ("30", "50")))
    assert run_daily(tmp_path, twenty)[0]["PM2.5"] == "30"
    nineteen = day_rows("S", day, dict.fromkeys(range(19), ("30", "50")))
    assert run_daily(tmp_path, nineteen)[0]["PM2.5"] == ""


def test_8h_window_needs_6_hours_and_day_needs_14_windows(tmp_path):
    day = dt.date(2024, 5, 1)
    # Hours 0..20 present: windows starting 0..13 have >= 6 hours -> 14 valid windows (j<=13:
    # hours j..j+7 ∩ 0..20 has 8 (j<=13)), window 14 has 7, 15 has 6, 16 has 5 -> 16 valid.
    full = dict.fromkeys(range(24), ("30", "50"))
    assert run_daily(tmp_path, day_rows("S", day, full))[0]["O3_8h_max"] == "50"
    # Only hours 0..18 present -> windows 0..13 valid (>=6 of 8: start 13 covers 13..18 = 6) -> 14.
    fourteen = dict.fromkeys(range(19), ("30", "50"))
    assert run_daily(tmp_path, day_rows("S", day, fourteen))[0]["O3_8h_max"] == "50"
    # Hours 0..17 -> start 12 covers 12..17 = 6 hours, start 13 covers 5 -> 13 windows: invalid.
    thirteen = dict.fromkeys(range(18), ("30", "50"))
    assert run_daily(tmp_path, day_rows("S", day, thirteen))[0]["O3_8h_max"] == ""


def test_too_few_windows_still_count_when_over_the_limit(tmp_path):
    day = dt.date(2024, 5, 1)
    high = dict.fromkeys(range(18), ("30", "170"))   # 13 windows, max 170 > 160
    assert run_daily(tmp_path, day_rows("S", day, high))[0]["O3_8h_max"] == "170"
    at_limit = dict.fromkeys(range(18), ("30", "160"))   # 160 is not above the limit
    assert run_daily(tmp_path, day_rows("S", day, at_limit))[0]["O3_8h_max"] == ""


def test_daily_means_round_half_even(tmp_path):
    day = dt.date(2024, 5, 1)
    # mean 30.5 -> 30 (even), mean 31.5 -> 32
    half = {h: ("30" if h % 2 else "31", "50") for h in range(24)}
    assert run_daily(tmp_path, day_rows("S", day, half))[0]["PM2.5"] == "30"
    half2 = {h: ("31" if h % 2 else "32", "50") for h in range(24)}
    assert run_daily(tmp_path, day_rows("S", day, half2))[0]["PM2.5"] == "32"


def test_co_2_2_gives_55(tmp_path):
    day = dt.date(2024, 5, 1)
    rows = [["S", dt.datetime.combine(day, dt.time(h)).strftime("%Y-%m-%d %H:%M"), "1", "1", "2.2", "1", "1", "1"]
            for h in range(24)]
    d = run_daily(tmp_path, rows)[0]
    assert (d["CO"], d["AQI"], d["level"], d["primary"]) == ("2.2", "55", "2", "CO")
