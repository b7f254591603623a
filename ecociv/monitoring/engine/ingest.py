"""Reading and checking air input files (CSV, .xlsx, Parquet) into one canonical hourly table.

Every row that cannot be used is reported with its row number and a reason in Chinese; nothing is
dropped silently and nothing is guessed. Concentrations become integers scaled by SCALE (1/1000 of
ug/m3, or of mg/m3 for CO) so that sums, means and the rounding that follows are exact on any
backend.

Checking runs once, in DuckDB (embedded, streams larger-than-memory files); the computation that
follows runs on the chosen backend (see air.py).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .lines import blank_lines, line_of
from .rules import POLLUTANTS

SCALE = 1000
MAX_DECIMALS = 3
AIR_COLUMNS = ("station", "time", *POLLUTANTS)
# Safe SQL identifiers for the pollutant columns ("PM2.5" is not one).
COL = {"SO2": "so2", "NO2": "no2", "CO": "co", "O3": "o3", "PM10": "pm10", "PM2.5": "pm25"}


class InputError(ValueError):
    """The file as a whole cannot be read (missing column, unknown format); message in Chinese."""


def read_text(path: Path, label: str) -> str:
    """A small CSV (stations, water samples) as text: UTF-8 (with or without BOM) or GB18030,
    the encoding of a CSV saved by a Chinese Excel."""
    from ecociv.core.tabular import TableError, decode_text

    try:
        return decode_text(path.read_bytes(), f"{label}“{path.name}”")
    except TableError as exc:
        raise InputError(str(exc)) from None


def utf8_csv(path: Path, workdir: Path | None = None) -> Path:
    """The air CSV as DuckDB can read it: the file itself when it is UTF-8 (the usual case,
    checked chunk by chunk, ASCII chunks at memory speed), else a UTF-8 copy of its GB18030 text
    written next to it (or in `workdir`). Anything else is refused with a message."""
    from codecs import getincrementaldecoder

    dec = getincrementaldecoder("utf-8")()
    with open(path, "rb") as fh:
        try:
            while chunk := fh.read(1 << 22):
                if not chunk.isascii():
                    dec.decode(chunk)
            dec.decode(b"", final=True)
            return path
        except UnicodeDecodeError:
            pass
    out = (workdir or path.parent) / f".{path.stem}.utf8.csv"
    dec = getincrementaldecoder("gb18030")()
    try:
        try:
            dst = open(out, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed below
        except OSError:  # the file's folder is read-only: a temporary one
            import tempfile

            out = Path(tempfile.mkdtemp(prefix="ecociv-air-")) / out.name
            dst = open(out, "w", encoding="utf-8", newline="")  # noqa: SIM115
        with open(path, "rb") as src, dst:
            while chunk := src.read(1 << 22):
                dst.write(dec.decode(chunk))
            dst.write(dec.decode(b"", final=True))
    except UnicodeDecodeError:
        out.unlink(missing_ok=True)
        raise InputError(f"数据文件“{path.name}”既不是 UTF-8 也不是 GB18030 编码") from None
    return out


@dataclass(frozen=True)
class BadRow:
    row: int        # row number as a spreadsheet shows it: the header is row 1
    reason: str

    def __str__(self) -> str:
        return f"第 {self.row} 行：{self.reason}"


@dataclass
class Stations:
    ids: list[str]
    region: dict[str, str]
    name: dict[str, str]

    def values_sql(self) -> str:
        """The stations as an SQL relation (sid, station, region): no Arrow, whose first use
        imports pandas (~0.6 s of a command's start)."""
        if not self.ids:
            return "SELECT CAST(NULL AS INTEGER) AS sid, '' AS station, '' AS region WHERE false"
        rows = ", ".join(f"({i}, '{_sql_str(s)}', '{_sql_str(self.region[s])}')" for i, s in enumerate(self.ids))
        return f"SELECT CAST(sid AS INTEGER) AS sid, station, region FROM (VALUES {rows}) t(sid, station, region)"  # nosec B608  # SQL text from code: identifiers and numbers only, strings through _sql_str/parameters


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M") if v.second == 0 and v.microsecond == 0 else v.isoformat(" ")
    if isinstance(v, float):
        # repr is the shortest string that reads back as this float: what the sheet displayed.
        return repr(v) if not v.is_integer() else str(int(v))
    return str(v)


def _xlsx_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [_cell(c).strip() for c in next(rows, ())]
    body = [[_cell(c) for c in r] for r in rows]
    wb.close()
    return header, body


def load_stations(path: str | Path) -> Stations:
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        header, body = _xlsx_rows(path)
    elif path.suffix.lower() == ".parquet":
        t = duckdb.sql(f"SELECT * FROM read_parquet('{_sql_str(path)}')").fetchall()  # nosec B608  # SQL text from code: identifiers and numbers only, strings through _sql_str/parameters
        header = list(duckdb.sql(f"SELECT * FROM read_parquet('{_sql_str(path)}') LIMIT 0").columns)  # nosec B608  # SQL text from code: identifiers and numbers only, strings through _sql_str/parameters
        body = [[_cell(c) for c in r] for r in t]
    else:
        rd = csv.reader(io.StringIO(read_text(path, "站点文件"), newline=""))
        header = [h.strip() for h in next(rd, [])]
        body = list(rd)
    need = ("station", "region", "name")
    missing = [c for c in need if c not in header]
    if missing:
        raise InputError(f"站点文件缺少列：{'、'.join(missing)}（应为 station,region,name）")
    idx = {c: header.index(c) for c in need}
    ids, region, name, errors = [], {}, {}, []
    for n, r in enumerate(body, start=2):
        r = list(r) + [""] * (len(header) - len(r))
        s, g, nm = (str(r[idx[c]]).strip() for c in need)
        if not s or not g:
            errors.append(BadRow(n, "站点编号或所属地区为空"))
            continue
        if s in region:
            errors.append(BadRow(n, f"站点“{s}”重复"))
            continue
        ids.append(s)
        region[s], name[s] = g, nm
    if errors:
        raise InputError("站点文件有错误：\n" + "\n".join(map(str, errors[:50])))
    return Stations(ids, region, name)


CSV_TYPES = {"station": "VARCHAR", "time": "TIMESTAMP", **dict.fromkeys(POLLUTANTS, "DOUBLE")}


def _csv_scan(path: Path, *, typed: bool) -> str:
    src = f"read_csv('{_sql_str(path)}', header = true, delim = ',', quote = '\"', escape = '\"', "
    if not typed:
        return src + "all_varchar = true)"
    types = ", ".join(f"'{c}': '{t}'" for c, t in CSV_TYPES.items())
    return src + f"types = {{{types}}}, timestampformat = '%Y-%m-%d %H:%M')"


def _sql_str(x) -> str:
    return str(x).replace("'", "''")


@dataclass
class _Source:
    """Where the check pass reads from. `scan` is read once; `raw_in` (input columns + row_no,
    the header being row 1) is made on demand for the Chinese reasons of bad rows only."""
    scan: str
    types: dict[str, str]
    make_raw_in: Callable[[], None]
    cleanup: Callable[[], None]
    csv_path: Path | None = None   # the UTF-8 CSV the typed scan reads, for the text fallback


def _source(con: duckdb.DuckDBPyConnection, path: Path) -> _Source:
    suffix = path.suffix.lower()
    noop = lambda: None  # noqa: E731
    if suffix == ".parquet":
        scan = f"read_parquet('{_sql_str(path)}')"

        def raw_parquet():
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW raw_in AS SELECT *, file_row_number + 2 AS row_no "  # nosec B608  # SQL text from code: identifiers and numbers only, strings through _sql_str/parameters
                f"FROM read_parquet('{_sql_str(path)}', file_row_number = true)")
        types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {scan})").fetchall())  # nosec B608  # SQL text from code: identifiers and numbers only, strings through _sql_str/parameters
        _check_header(list(types))
        return _Source(scan, types, raw_parquet, noop)
    if suffix == ".xlsx":
        header, body = _xlsx_rows(path)
        cols = {h: [r[i] if i < len(r) else "" for r in body] for i, h in enumerate(header) if h}
        _check_header(list(cols))
        cols["row_no"] = list(range(2, len(body) + 2))
        import pyarrow as pa

        con.register("raw_xlsx", pa.table(cols))
        con.execute("CREATE OR REPLACE TEMP VIEW raw_in AS SELECT * FROM raw_xlsx")
        return _Source("raw_xlsx", dict.fromkeys(cols, "VARCHAR"), noop, noop)
    if suffix not in (".csv", ".txt", ""):
        raise InputError(f"不支持的文件类型“{path.suffix}”，请使用 CSV、xlsx 或 Parquet")
    source = path
    path = utf8_csv(path)

    def cleanup():
        if path != source:  # the UTF-8 copy of a GB18030 file has served
            path.unlink(missing_ok=True)

    try:
        with open(path, "rb") as fh:
            header = [c.strip() for c in next(csv.reader([fh.readline().decode("utf-8-sig")]), [])]
        _check_header(header)
    except BaseException:
        cleanup()
        raise
    typed = _csv_scan(path, typed=True)

    def raw_csv():
        # Only when rows are bad: a second read, the typed one the check pass used.
        con.execute(f"CREATE OR REPLACE TEMP TABLE raw_tbl AS SELECT * FROM {typed}")  # nosec B608  # SQL text from code: identifiers and numbers only, strings through _sql_str/parameters
        con.execute("CREATE OR REPLACE TEMP VIEW raw_in AS SELECT *, rowid + 2 AS row_no FROM raw_tbl")
    return _Source(typed, {**dict.fromkeys(header, "VARCHAR"), **CSV_TYPES}, raw_csv, cleanup, path)


def _text_source(con: duckdb.DuckDBPyConnection, src: _Source) -> _Source:
    """The CSV again, every cell as text: a cell that is not a number made the typed read fail as
    a whole, and the text path finds and reports every such cell (a second read, bad files only)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE raw_tbl AS SELECT * FROM {_csv_scan(src.csv_path, typed=False)}")  # nosec B608  # SQL text from code: identifiers and numbers only, strings through _sql_str/parameters
    con.execute("CREATE OR REPLACE TEMP VIEW raw_in AS SELECT *, rowid + 2 AS row_no FROM raw_tbl")
    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE raw_tbl)").fetchall())
    return _Source("raw_tbl", types, lambda: None, src.cleanup, src.csv_path)


def _line_mapper(csv_path: Path | None) -> Callable[[int], int]:
    """record number (rowid + 2) → the line a person finds it on; identity for Parquet/xlsx."""
    if csv_path is None:
        return lambda row: row
    blanks = blank_lines(csv_path)
    return lambda row: line_of(row, blanks)


def _check_header(header: list[str]) -> None:
    missing = [c for c in AIR_COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"数据文件缺少列：{'、'.join(missing)}（表头应为 {','.join(AIR_COLUMNS)}）"
        )


def _value_sql(col: str, typ: str) -> tuple[str, str, str]:
    """(scaled BIGINT value or NULL, ok condition, Chinese reason) for one pollutant cell.

    A float stands for the decimal it was printed from: with at most 3 decimals, x·1000 is within
    1e-6 of an integer (doubles hold 15 significant digits), and rounding recovers it exactly.
    """
    q = f'"{col}"'
    lab = col
    if typ == "VARCHAR":
        # DuckDB reads an empty CSV cell as NULL even in all_varchar mode: coalesce it to '' so it
        # counts as "missing" (issue 6 item 1), not as a bad row with no reason.
        s = f"coalesce(trim({q}), '')"
        x = f"TRY_CAST({s} AS DOUBLE)"
        value = f"CASE WHEN {x} IS NULL OR {x} < 0 OR isnan({x}) THEN NULL ELSE CAST(round({x} * {SCALE}) AS BIGINT) END"
        # coalesce: a NULL here (text that is not a number) must read as "not ok", never vanish.
        ok = (f"coalesce({s} = '' OR {x} < 0 OR ({x} IS NOT NULL AND isfinite({x}) "
              f"AND abs({x} * {SCALE} - round({x} * {SCALE})) < 1e-6), false)")
        reason = (
            f"CASE WHEN {ok} THEN NULL WHEN {x} IS NULL OR NOT isfinite({x}) THEN '{lab} 的值“' || {s} || '”不是数字' "
            f"ELSE '{lab} 的值“' || {s} || '”小数超过 {MAX_DECIMALS} 位' END"
        )
        return value, ok, reason
    if typ in ("DOUBLE", "FLOAT", "REAL") or typ.startswith("DECIMAL") or "INT" in typ:
        x = f"CAST({q} AS DOUBLE)"
        # NaN in a binary column is how pandas writes an empty cell.
        value = f"CASE WHEN {x} IS NULL OR {x} < 0 OR isnan({x}) THEN NULL ELSE CAST(round({x} * {SCALE}) AS BIGINT) END"
        ok = (f"coalesce({x} IS NULL OR isnan({x}) OR {x} < 0 OR (isfinite({x}) "
              f"AND abs({x} * {SCALE} - round({x} * {SCALE})) < 1e-6), false)")
        reason = (f"CASE WHEN {ok} THEN NULL WHEN NOT isfinite({x}) THEN '{lab} 的值“' || CAST({q} AS VARCHAR) || '”不是数字' "
                  f"ELSE '{lab} 的值“' || CAST({q} AS VARCHAR) || '”小数超过 {MAX_DECIMALS} 位' END")
        return value, ok, reason
    raise InputError(f"列 {col} 的类型 {typ} 无法作为浓度读取")


def _time_sql(typ: str) -> tuple[str, str, str]:
    if typ == "VARCHAR":
        txt = "trim(\"time\")"
        ts = f"TRY_STRPTIME({txt}, '%Y-%m-%d %H:%M')"
    elif typ.startswith("TIMESTAMP") or typ == "DATE":
        txt = 'CAST("time" AS VARCHAR)'
        ts = 'CAST("time" AS TIMESTAMP)'
    else:
        raise InputError(f"time 列的类型 {typ} 无法作为时间读取")
    ok = f"coalesce({ts} IS NOT NULL AND minute({ts}) = 0 AND second({ts}) = 0, false)"
    reason = (f"CASE WHEN {ok} THEN NULL WHEN {ts} IS NULL THEN '时间“' || coalesce({txt}, '') || '”格式不对，应为 YYYY-MM-DD HH:MM' "
              f"ELSE '时间“' || {txt} || '”不是整点' END")
    return ts, ok, reason


@dataclass
class AirInput:
    con: duckdb.DuckDBPyConnection
    stations: Stations
    bad_rows: list[BadRow]
    bad_row_count: int
    rows: int
    first_day: int | None
    last_day: int | None


def read_air(con: duckdb.DuckDBPyConnection, stations: Stations, data_path: str | Path,
             *, max_bad_rows: int = 10_000) -> AirInput:
    """Check the data file; leave view `hourly(sid, day, hod, so2..pm25)` in `con`.

    The file is read once: values, hour and station are computed and checked in the same scan
    into table `checked`, whose rowid is the record's position in the file (DuckDB's default
    preserve_insertion_order keeps file order; the station is looked up through an ENUM cast,
    a projection, not a join that could reorder rows). Only when rows fail are they read again
    to word the reasons."""
    src = _source(con, Path(data_path))
    try:
        return _check(con, stations, src, max_bad_rows)
    finally:
        src.cleanup()


def _register_stations(con: duckdb.DuckDBPyConnection, stations: Stations) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE stations_in AS {stations.values_sql()}")
    # An ENUM with no member cannot be declared; NUL is never a station code in a text file.
    members = ", ".join(f"'{_sql_str(s)}'" for s in stations.ids) or "'\x00'"
    con.execute("DROP TYPE IF EXISTS air_station")
    con.execute(f"CREATE TYPE air_station AS ENUM ({members})")


def _create_checked(con: duckdb.DuckDBPyConnection, src: _Source) -> None:
    ts, t_ok, _ = _time_sql(src.types["time"])
    vals, oks = [], []
    for p in POLLUTANTS:
        v, ok, _ = _value_sql(p, src.types[p])
        vals.append(f"{v} AS {COL[p]}")
        oks.append(ok)
    sid = "CAST(enum_code(TRY_CAST(trim(CAST(r.station AS VARCHAR)) AS air_station)) AS INTEGER)"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE checked AS
        SELECT {sid} AS sid, CAST(epoch({ts}) // 3600 AS BIGINT) AS h,
               coalesce({sid} IS NOT NULL AND {t_ok} AND {" AND ".join(oks)}, false) AS ok,
               {", ".join(vals)}
        FROM {src.scan} r
    """)  # nosec B608  # SQL text from code: identifiers and numbers only, strings through _sql_str/parameters


def _check(con: duckdb.DuckDBPyConnection, stations: Stations, src: _Source, max_bad_rows: int) -> AirInput:
    _register_stations(con, stations)
    try:
        _create_checked(con, src)
    except duckdb.Error:
        if src.csv_path is None:
            raise
        src = _text_source(con, src)
        _create_checked(con, src)
    bad_count, rows, h0, h1 = con.execute(
        "SELECT count(*) FILTER (WHERE NOT ok), count(*) FILTER (WHERE ok), "
        "min(h) FILTER (WHERE ok), max(h) FILTER (WHERE ok) FROM checked").fetchone()
    bad = []
    if bad_count:
        src.make_raw_in()
        types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE raw_in)").fetchall())
        _ts, _ok, t_reason = _time_sql(types["time"])
        reasons = [_value_sql(p, types[p])[2] for p in POLLUTANTS]
        station = "trim(CAST(r.station AS VARCHAR))"
        s_reason = (f"CASE WHEN r.station IS NULL OR {station} = '' THEN '站点为空' "
                    f"WHEN s.sid IS NULL THEN '站点“' || {station} || '”不在站点文件中' END")
        bad = con.execute(f"""
            SELECT r.row_no, concat_ws('；', {s_reason}, {t_reason}, {", ".join(reasons)})
            FROM raw_in r LEFT JOIN stations_in s ON s.station = {station}
            WHERE r.row_no IN (SELECT rowid + 2 FROM checked WHERE NOT ok ORDER BY rowid LIMIT {max_bad_rows})
            ORDER BY r.row_no
        """).fetchall()  # nosec B608  # SQL text from code: identifiers and numbers only, strings through _sql_str/parameters
    # The same station and hour twice: which one is right cannot be known, so both are reported
    # and neither is used. Finding them by grouping on (station, hour) costs a hash table of
    # 8.8 M groups for 1,000 stations (~1 s, the largest single step after reading); grouping by
    # (station, day) with a 24-bit mask of the hours seen needs 24x fewer groups and flags exactly
    # the days holding a duplicate (bits set < rows), and only those days are searched.
    con.execute("""
        CREATE OR REPLACE TEMP TABLE dup_days AS
        SELECT sid, h // 24 AS d FROM checked WHERE ok GROUP BY sid, h // 24
        HAVING bit_count(bit_or(CAST(1 AS BIGINT) << CAST((h % 24 + 24) % 24 AS BIGINT))) <> count(*)
    """)
    dups = []
    if con.execute("SELECT count(*) FROM dup_days").fetchone()[0]:
        con.execute("""
            CREATE OR REPLACE TEMP TABLE dup_keys AS
            SELECT sid, h, min(c.rowid) + 2 AS first_row FROM checked c
            WHERE ok AND EXISTS (SELECT 1 FROM dup_days x WHERE x.sid = c.sid AND x.d = c.h // 24)
            GROUP BY sid, h HAVING count(*) > 1
        """)
        dups = con.execute("""
            SELECT c.rowid + 2 AS row_no, s.station, d.first_row, c.h FROM checked c JOIN dup_keys d USING (sid, h)
            JOIN stations_in s ON s.sid = c.sid ORDER BY row_no
        """).fetchall()
    # Row numbers so far count records (rowid + 2); a CSV's are turned into its line numbers.
    line = _line_mapper(src.csv_path) if (bad or dups) else None
    bad_rows = [BadRow(line(r), reason) for r, reason in bad]
    for row_no, st, first_row, h in dups:
        row_no, first_row = line(row_no), line(first_row)
        when = (dt.datetime(1970, 1, 1) + dt.timedelta(hours=h)).strftime("%Y-%m-%d %H:%M")
        other = f"（与第 {first_row} 行重复）" if row_no != first_row else "（有重复行）"
        bad_rows.append(BadRow(row_no, f"站点“{st}”在 {when} 有多条记录，均未使用{other}"))
    bad_rows.sort(key=lambda b: b.row)
    cols = ", ".join(COL[p] for p in POLLUTANTS)
    anti = "AND NOT EXISTS (SELECT 1 FROM dup_keys d WHERE d.sid = c.sid AND d.h = c.h)" if dups else ""
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW hourly AS
        SELECT sid, CAST(h // 24 AS INTEGER) AS day, CAST(h % 24 AS INTEGER) AS hod, {cols}
        FROM checked c WHERE ok {anti}
    """)  # nosec B608  # SQL text from code: identifiers and numbers only, strings through _sql_str/parameters
    con.execute("DROP TABLE IF EXISTS raw_tbl")
    return AirInput(con, stations, bad_rows, bad_count + len(dups), rows - len(dups),
                    None if h0 is None else h0 // 24, None if h1 is None else h1 // 24)
