"""Surface water (GB 3838-2002 + 2011 评价办法): sample class, section annual class, region shares.

The scalar rules (item_class, classify, region_status) are the reference; a file is evaluated
set-based in DuckDB with the same limits and exact integer arithmetic (evaluate_water), so a
national file (5,000 sections x 12 months x 10 years) takes seconds, not minutes; the result does
not depend on --engine.
"""
from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import duckdb

from .exact import round_half_even
from .ingest import BadRow, InputError
from .lines import blank_lines, line_of
from .rules import DATA_DIR

CLASSES = ("I", "II", "III", "IV", "V", "劣V")
CLASS_CN = {"I": "Ⅰ类", "II": "Ⅱ类", "III": "Ⅲ类", "IV": "Ⅳ类", "V": "Ⅴ类", "劣V": "劣Ⅴ类"}
WATER_TYPES = {"river": "river", "lake": "lake_reservoir", "reservoir": "lake_reservoir"}


@lru_cache(maxsize=1)
def water_rules() -> dict:
    """water_rules.yaml: status words, the section-count rule, the class-proportion thresholds."""
    import yaml

    spec = yaml.safe_load((DATA_DIR / "water_rules.yaml").read_text(encoding="utf-8"))
    assert set(spec["class_status"]) == set(CLASSES), spec["class_status"]
    for row in spec["status_by_share"]:
        for k in ("good_at_least", "worse_v_below"):
            if k in row:
                row[k] = Fraction(row[k])
    assert "good_at_least" not in spec["status_by_share"][-1] and "worse_v_below" not in spec["status_by_share"][-1]
    return spec


def status_of(cls: str | None) -> str | None:
    return water_rules()["class_status"].get(cls) if cls else None


@dataclass(frozen=True)
class Limit:
    code: str
    name: str
    direction: str                  # le | ge | range
    limits: tuple[Decimal, ...]     # classes I..V (range: (6, 9))
    in_section_class: bool


@lru_cache(maxsize=1)
def load_limits() -> dict[tuple[str, str], Limit]:
    out = {}
    with open(DATA_DIR / "gb3838_limits.csv", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["direction"] == "text":
                continue
            if r["direction"] == "range":
                lo, hi = r["class_I"].split("-")
                lims = (Decimal(lo), Decimal(hi))
            else:
                lims = tuple(Decimal(r[f"class_{c}"]) for c in ("I", "II", "III", "IV", "V"))
            out[(r["code"], r["water_body"])] = Limit(r["code"], r["item_cn"], r["direction"], lims,
                                                      r["in_2011_section_class_eval"] == "Y")
    return out


def limit_for(code: str, water_type: str) -> Limit | None:
    lims = load_limits()
    return lims.get((code, WATER_TYPES[water_type])) or lims.get((code, "all"))


def item_class(code: str, water_type: str, value: Decimal) -> str:
    """Best class the value meets (equal limits: the better class wins, rules.md D2)."""
    lim = limit_for(code, water_type)
    if lim is None:
        raise KeyError(code)
    if lim.direction == "range":
        return "I" if lim.limits[0] <= value <= lim.limits[1] else "劣V"
    for cls, bound in zip(CLASSES, lim.limits):
        if (value >= bound) if lim.direction == "ge" else (value <= bound):
            return cls
    return "劣V"


def exceedance_multiple(code: str, water_type: str, value: Decimal) -> Decimal | None:
    """(C − C_III) / C_III, to 2 decimals; none for DO and pH (rules.md D6, unverified)."""
    lim = limit_for(code, water_type)
    if lim is None or lim.direction != "le" or value <= lim.limits[2]:
        return None
    digits = water_rules()["decimals"]["exceedance_multiple"]
    return round_half_even(Fraction(value - lim.limits[2]) / Fraction(lim.limits[2]), digits)


def classify(values: dict[str, Decimal], water_type: str) -> dict:
    """Class of a sample (or of annual means) = worst class among the evaluated items."""
    classes, over = {}, []
    for code, v in values.items():
        lim = limit_for(code, water_type)
        if v is None or lim is None or not lim.in_section_class:
            continue
        classes[code] = item_class(code, water_type, v)
    if not classes:
        return {"class": None, "items": {}, "over_III": []}
    worst = max(classes.values(), key=CLASSES.index)
    for code, cls in classes.items():
        if CLASSES.index(cls) > 2:
            over.append({"item": code, "class": cls,
                         "multiple": _num(exceedance_multiple(code, water_type, values[code]))})
    # Main pollutants: the worst three items over class III (rules.md D6).
    over.sort(key=lambda o: -CLASSES.index(o["class"]))
    return {"class": worst, "items": classes, "over_III": over}


def _num(d: Decimal | None):
    return None if d is None else float(d)


def region_status(classes: list[str], section_means: list[tuple[str, dict]] | None = None) -> dict:
    """Shares of Ⅰ–Ⅲ and 劣Ⅴ (1 decimal) and the 2011 办法 status.

    Fewer than `min_sections_for_proportion` sections (5): each item is averaged over the sections
    and the means are classified (rules.md D7); that many or more: class-proportion method.
    Thresholds and words from water_rules.yaml.
    """
    spec = water_rules()
    n = len(classes)
    if not n:
        return {"sections": 0, "share_I_III": None, "share_worse_V": None, "status": None}
    if n < spec["min_sections_for_proportion"] and section_means:
        pooled: dict[str, list[Decimal]] = defaultdict(list)
        for _wt, means in section_means:
            for k, v in means.items():
                pooled[k].append(v)
        wt = section_means[0][0]
        c = classify({k: _mean(v) for k, v in pooled.items()}, wt)["class"]
        out = region_status(classes)
        out.update(status=status_of(c), method="mean_of_sections", mean_class=c)
        return out
    good = sum(1 for c in classes if CLASSES.index(c) <= 2)
    bad = sum(1 for c in classes if c == "劣V")
    g, b = Fraction(good, n), Fraction(bad, n)
    status = next(row["status"] for row in spec["status_by_share"]
                  if ("good_at_least" not in row or g >= row["good_at_least"])
                  and ("worse_v_below" not in row or b < row["worse_v_below"]))
    digits = spec["decimals"]["share"]
    return {
        "sections": n,
        "share_I_III": float(round_half_even(g * 100, digits)),
        "share_worse_V": float(round_half_even(b * 100, digits)),
        "status": status,
        "counts": {c: classes.count(c) for c in CLASSES},
        "method": "class_proportion",
    }


_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


def _mean(xs: list[Decimal]) -> Decimal:
    # The exact sum over the count, correctly rounded to the context's 28 digits (the same value
    # as the Fraction of the sum over the count converted); classes are decided on it.
    total = Decimal(0)
    for x in xs:
        total = _EXACT.add(total, x)
    return total / len(xs)


# ---------------------------------------------------------------------------------------------
# The evaluation of a file, set-based in DuckDB (one read of the file; no Python per value).
#
# Values are exact: a number is read from its text as DECIMAL(38, 16) (DuckDB's decimal parse, no
# binary float), a value with more than 16 decimals or 16 integer digits is refused with its row,
# so sums are exact 128-bit integers and "the mean meets the limit" is sum <= limit x count in
# integers. The rules come from the same data files and functions as the scalar
# classify()/region_status() above: the CASE expressions are generated from load_limits(), and
# the region shares and statuses are region_status() itself.

WATER_ENGINE_VERSION = f"ecociv water (DuckDB {duckdb.__version__}, exact integers)"
SCALE = 16        # decimals kept (and the most a value may have); integer digits also at most 16
_FULLWIDTH = "０１２３４５６７８９"
_SPACE = "".join(c for c in map(chr, range(0x3000 + 1)) if c.isspace())   # what str.strip() strips
NEED = ("section", "region", "date", "water_type")
DEC = f"DECIMAL(38, {SCALE})"


def _q(s: str) -> str:
    return "'" + str(s).replace("'", "''") + "'"


def _header_of(path: Path) -> list[str]:
    with open(path, "rb") as fh:
        line = fh.readline().decode("utf-8-sig")
    return [h.strip() for h in next(csv.reader([line]), [])]


def _load(con, path: Path, tmp: Path) -> tuple[list[str], list[int]]:
    """The file as table `raw` (c0, c1, … as text, rowid = row number - 2); returns its header
    and the line numbers of its empty lines (CSV)."""
    from .ingest import _xlsx_rows, utf8_csv

    if path.suffix.lower() == ".xlsx":
        header, body = _xlsx_rows(path)
        import pyarrow as pa

        con.register("raw_xlsx", pa.table({f"c{i}": [r[i] if i < len(r) else "" for r in body]
                                           for i in range(len(header))} or {"c0": []}))
        con.execute("CREATE TEMP TABLE raw AS SELECT * FROM raw_xlsx")
        return header, []
    src = utf8_csv(path, tmp)
    header = _header_of(src)
    cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(max(1, len(header))))
    for parallel in ("true", "false"):
        try:
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM read_csv({_q(src)}, auto_detect = false, "  # nosec B608  # SQL text from code: generated identifiers and numbers, strings through _q
                f"header = false, skip = 1, delim = ',', quote = '\"', escape = '\"', null_padding = true, "
                f"strict_mode = false, parallel = {parallel}, columns = {{{cols}}})")
            return header, blank_lines(src)
        except duckdb.Error as e:  # quoted line breaks with short rows: the serial reader
            if parallel == "false" or "parallel=false" not in str(e):
                raise InputError(f"水质文件“{path.name}”不是可读的 CSV：{str(e).splitlines()[0]}") from None
    return header, []


def _check_items(header: list[str]) -> list[str]:
    missing = [c for c in NEED if c not in header]
    if missing:
        raise InputError(f"水质文件缺少列：{'、'.join(missing)}（表头应为 section,region,date,water_type,<GB 3838 项目>）")
    known = {code for code, _ in load_limits()}
    items = [h for h in header if h not in NEED and h]
    unknown = [h for h in items if h not in known and h not in ("WT",)]
    if unknown:
        raise InputError(f"水质文件有未知的项目列：{'、'.join(unknown)}（项目代码见 gb3838_limits.csv）")
    return items


def _class_sql(code: str, s: str, n: str, wt: str, scale: int) -> tuple[str, str] | None:
    """(class index 0..5 or NULL, exceedance multiple x100 or NULL) of the mean s/n (s scaled by
    10^scale) of one item, the limits by water type `wt`; None when the item is not classified."""
    def one(lim: Limit | None) -> tuple[str, str]:
        if lim is None or not lim.in_section_class:
            return "NULL", "NULL"
        b = [f"CAST({int(x.scaleb(scale))} AS HUGEINT) * {n}" for x in lim.limits]
        if lim.direction == "range":
            return f"CASE WHEN {s} BETWEEN {b[0]} AND {b[1]} THEN 0 ELSE 5 END", "NULL"
        op = ">=" if lim.direction == "ge" else "<="
        cls = "CASE " + " ".join(f"WHEN {s} {op} {x} THEN {i}" for i, x in enumerate(b)) + " ELSE 5 END"
        if lim.direction != "le":
            return cls, "NULL"
        # (mean - C_III) / C_III to 2 decimals, half-even, in integers: round(100 (s - C3 n) / (C3 n)).
        return cls, f"CASE WHEN {s} > {b[2]} THEN {_rhe(f'100 * ({s} - {b[2]})', b[2])} END"

    by_type = {t: limit_for(code, t) for t in WATER_TYPES}
    if all(lim is None or not lim.in_section_class for lim in by_type.values()):
        return None
    if len({id(v) for v in by_type.values()}) == 1:
        c, m = one(by_type["river"])
    else:
        parts = {t: one(lim) for t, lim in by_type.items()}
        c = "CASE " + " ".join(f"WHEN {wt} = {_q(t)} THEN {p[0]}" for t, p in parts.items()) + " END"
        m = "CASE " + " ".join(f"WHEN {wt} = {_q(t)} THEN {p[1]}" for t, p in parts.items()) + " END"
    return f"CASE WHEN {n} > 0 THEN {c} END", f"CASE WHEN {n} > 0 THEN {m} END"


def _rhe(a: str, b: str) -> str:
    """round(a / b) half-even (GB/T 8170) for integers a >= 0, b > 0."""
    return (f"(({a}) // ({b}) + CASE WHEN 2 * (({a}) % ({b})) > ({b}) OR (2 * (({a}) % ({b})) = ({b}) "
            f"AND (({a}) // ({b})) % 2 = 1) THEN 1 ELSE 0 END)")


def _checked(con, header: list[str], items: list[str]) -> list[str]:
    """Table `chk`: every row's key cells (trimmed), the Chinese reasons of a bad row (empty when
    good) and per item its value (d0, d1, …). Returns the distinct value items (no WT), in header order."""
    col = {h: f"c{i}" for i, h in enumerate(header)}            # a repeated header: the last column
    sp, fw = _q(_SPACE), _q(_FULLWIDTH)

    def t(name: str) -> str:
        # trim() with a character list is slow: only for the cells that start or end with one.
        c = f'"{col[name]}"'
        return (f"CASE WHEN {c} IS NULL OR {c} = '' THEN '' WHEN contains({sp}, left({c}, 1)) "
                f"OR contains({sp}, right({c}, 1)) THEN trim({c}, {sp}) ELSE {c} END")

    vitems = list(dict.fromkeys(i for i in items if i != "WT"))
    sel = ["rowid + 2 AS rn", f"{t('section')} AS section", f"{t('region')} AS region",
           f"{t('date')} AS date", f"{t('water_type')} AS wt"]
    for k, it in enumerate(vitems):
        sel.append(f"{t(it)} AS t{k}")
    dec = []
    for k in range(len(vitems)):
        # Full-width digits as Python's Decimal reads them; only non-ASCII text is translated.
        u = f"(CASE WHEN strlen(t{k}) = length(t{k}) THEN t{k} ELSE translate(t{k}, {fw}, '0123456789') END)"
        # Decimals the text carries (minus the exponent): above SCALE the value is refused, not rounded.
        frac = (f"(CASE WHEN contains(t{k}, 'e') OR contains(t{k}, 'E') THEN length(regexp_extract(t{k}, '\\.([0-9_]*)', 1)) "
                f"- coalesce(TRY_CAST(regexp_extract(t{k}, '[eE]([+-]?[0-9]+)$', 1) AS INTEGER), 0) "
                f"WHEN strpos(t{k}, '.') > 0 THEN length(t{k}) - strpos(t{k}, '.') ELSE 0 END)")
        dec.append(f"CASE WHEN t{k} <> '' AND {frac} <= {SCALE} THEN TRY_CAST({u} AS {DEC}) END AS d{k}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW trimmed AS SELECT {', '.join(sel)} FROM raw")  # nosec B608  # SQL text from code: generated identifiers and numbers, strings through _q
    reasons = [
        "CASE WHEN section = '' THEN '断面为空' END",
        f"CASE WHEN wt NOT IN ({', '.join(map(_q, WATER_TYPES))}) THEN '水体类型“' || wt || '”应为 river 或 lake' END",
        f"CASE WHEN NOT (length(date) >= 7 AND {_year_text('date')} GLOB '[0-9][0-9][0-9][0-9]') "
        "THEN '日期“' || date || '”格式不对，应为 YYYY-MM-DD' END",
    ]
    for it in items:                        # a repeated item column is reported as often as it is named
        if it != "WT":
            k = vitems.index(it)
            bad = f"t{k} <> '' AND (d{k} IS NULL OR abs(d{k}) >= CAST(1e{SCALE} AS {DEC}))"
            reasons.append(f"CASE WHEN {bad} THEN {_q(it + ' 的值“')} || t{k} || '”不是数字' END")
    con.execute(f"CREATE OR REPLACE TEMP VIEW parsed AS SELECT *{''.join(', ' + d for d in dec)} FROM trimmed")  # nosec B608  # SQL text from code: generated identifiers and numbers, strings through _q
    keep = "".join(f", d{k}" for k in range(len(vitems)))
    con.execute(f"CREATE OR REPLACE TEMP TABLE chk AS SELECT rn, section, region, date, wt{keep}, "  # nosec B608  # SQL text from code: generated identifiers and numbers, strings through _q
                f"concat_ws('；', {', '.join(reasons)}) AS why FROM parsed")
    return vitems


def _year_text(d: str) -> str:
    """The first 4 characters of a date, full-width digits as ASCII (str.isdigit() takes them)."""
    return (f"(CASE WHEN strlen(left({d}, 4)) = 4 THEN left({d}, 4) "
            f"ELSE translate(left({d}, 4), {_q(_FULLWIDTH)}, '0123456789') END)")


def _int(x: str) -> str:
    """A DECIMAL(38, SCALE) as the integer x * 10^SCALE (its digits without the point)."""
    return f"CAST(replace(CAST({x} AS VARCHAR), '.', '') AS HUGEINT)"


def evaluate_water(path: str | Path, *, samples: bool = False) -> dict:
    """Classes of the sections per year and the region shares of a water file (CSV or .xlsx);
    `samples`: also the class of every sample."""
    import shutil
    import tempfile

    path = Path(path)
    tmp = Path(tempfile.mkdtemp(prefix="ecociv-water-"))
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute(f"SET temp_directory = {_q(tmp)}")
        header, blanks = _load(con, path, tmp)
        items = _check_items(header)
        vitems = _checked(con, header, items)
        out = _evaluate(con, items, vitems, samples)
        if blanks:
            out["bad_rows"] = [BadRow(line_of(b.row, blanks), b.reason) for b in out["bad_rows"]]
        return out
    finally:
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)


def _evaluate(con, items: list[str], vitems: list[str], with_samples: bool) -> dict:
    bad = [BadRow(int(rn), why) for rn, why in
           con.execute("SELECT rn, why FROM chk WHERE why <> '' ORDER BY rn").fetchall()]
    scale = SCALE
    # A negative value means "not measured", as in the air files (-0 is 0).
    vals = ", ".join(f"CASE WHEN d{k} >= 0 THEN d{k} END AS v{k}" for k in range(len(vitems)))
    con.execute(f"CREATE OR REPLACE TEMP VIEW good AS SELECT rn, section, region, date, wt, "  # nosec B608  # SQL text from code: generated identifiers and numbers, strings through _q
                f"CAST({_year_text('date')} AS INTEGER) AS year"
                f"{', ' + vals if vals else ''} FROM chk WHERE why = ''")
    classed = {it: k for k, it in enumerate(vitems)}
    spec = water_rules()
    mean_den = f"n{{k}} * CAST({10 ** (scale - spec['decimals']['mean'])} AS HUGEINT)"

    def class_cols(s_of, n_of, wt) -> tuple[list[str], list[str]]:
        out, have = [], []
        for it, k in classed.items():
            c = _class_sql(it, s_of(k), n_of(k), wt, scale)
            if c:
                out += [f"{c[0]} AS k{k}", f"{c[1]} AS m{k}"]
                have.append(it)
        return out, have

    agg = ", ".join(f"sum(v{k}) AS sd{k}, count(v{k}) AS n{k}" for k in range(len(vitems)))
    ints = ", ".join(f"{_int(f'sd{k}')} AS s{k}" for k in range(len(vitems)))
    cols, have = class_cols(lambda k: f"s{k}", lambda k: f"n{k}", "wt")
    means = [f"CASE WHEN n{k} > 0 THEN CAST({_rhe(f's{k}', mean_den.format(k=k))} AS DOUBLE) / "
             f"{10 ** spec['decimals']['mean']} END AS a{k}" for k in range(len(vitems))]
    rows = con.execute(
        f"WITH g AS (SELECT section, year, arg_min(region, rn) AS region, min(wt) AS wt, count(*) AS samples"  # nosec B608  # SQL text from code: generated identifiers and numbers, strings through _q
        f"{', ' + agg if agg else ''} FROM good GROUP BY section, year), "
        f"h AS (SELECT *{', ' + ints if ints else ''} FROM g) "
        f"SELECT section, year, region, wt, samples{''.join(f', s{k}, n{k}' for k in range(len(vitems)))}"
        f"{''.join(', ' + c for c in cols + means)} FROM h ORDER BY section, year").fetchall()
    names = [d[0] for d in con.description]
    ix = {nm: i for i, nm in enumerate(names)}
    sections, region_of, region_sections = _sections(rows, ix, vitems, have)
    sn = [(it, ix[f"s{k}"], ix[f"n{k}"]) for k, it in enumerate(vitems)]
    regions = []
    small = spec["min_sections_for_proportion"]
    for (reg, year), cls in sorted(region_of.items()):
        pooled = None
        if len(cls) < small:   # the means of the sections, to 28 digits as the Decimal reference
            pooled = [(r[ix["wt"]], {it: Decimal(r[s]).scaleb(-scale) / r[n] for it, s, n in sn if r[n]})
                      for r in region_sections[(reg, year)]]
        regions.append({"id": reg, "year": year, **region_status(cls, pooled)})
    out = {"sections": sections, "regions": regions, "bad_rows": bad}
    if with_samples:
        out["samples"] = _samples(con, vitems, scale)
    return out


def _over(row, ix, have: list[str], vitems: list[str]) -> list[dict]:
    over = []
    for it in have:
        k = vitems.index(it)
        ci = row[ix[f"k{k}"]]
        if ci is not None and ci > 2:
            m = row[ix[f"m{k}"]]
            over.append({"item": it, "class": CLASSES[ci], "multiple": None if m is None else m / 100})
    over.sort(key=lambda o: -CLASSES.index(o["class"]))
    return over


def _sections(rows, ix, vitems, have):
    sections = []
    region_of: dict[tuple[str, int], list[str]] = defaultdict(list)
    region_sections: dict[tuple[str, int], list] = defaultdict(list)
    kcols = [ix[f"k{vitems.index(it)}"] for it in have]
    acols = [(it, ix[f"a{k}"]) for k, it in enumerate(vitems)]
    status = water_rules()["class_status"]
    i_sec, i_year, i_reg, i_wt, i_n = (ix[c] for c in ("section", "year", "region", "wt", "samples"))
    for r in rows:
        ks = [r[i] for i in kcols if r[i] is not None]
        cls = CLASSES[max(ks)] if ks else None
        sec = {"id": r[i_sec], "year": r[i_year], "region": r[i_reg], "water_type": r[i_wt],
               "samples": r[i_n], "class": cls, "class_cn": CLASS_CN.get(cls),
               "status": status.get(cls) if cls else None,
               "over_III": _over(r, ix, have, vitems) if ks and max(ks) > 2 else [],
               "means": {it: r[i] for it, i in acols if r[i] is not None}}
        sections.append(sec)
        if cls:
            key = (sec["region"], sec["year"])
            region_of[key].append(cls)
            region_sections[key].append(r)
    return sections, region_of, region_sections


def _samples(con, vitems: list[str], scale: int) -> list[dict]:
    cols, have = [], []
    for k, it in enumerate(vitems):
        c = _class_sql(it, f"w{k}", f"(w{k} IS NOT NULL)::INTEGER", "wt", scale)
        if c:
            cols += [f"{c[0]} AS k{k}", f"{c[1]} AS m{k}"]
            have.append(it)
    ints = "".join(f", {_int(f'v{k}')} AS w{k}" for k in range(len(vitems)))
    rows = con.execute(f"WITH g AS (SELECT rn, section, date, wt{ints} FROM good) "  # nosec B608  # SQL text from code: generated identifiers and numbers, strings through _q
                       f"SELECT section, date{''.join(', ' + c for c in cols)} FROM g ORDER BY rn").fetchall()
    ix = {d[0]: i for i, d in enumerate(con.description)}
    kcols = [ix[f"k{vitems.index(it)}"] for it in have]
    out = []
    for r in rows:
        ks = [r[i] for i in kcols if r[i] is not None]
        out.append({"section": r[0], "date": r[1], "class": CLASSES[max(ks)] if ks else None,
                    "over_III": _over(r, ix, have, vitems) if ks and max(ks) > 2 else []})
    return out
