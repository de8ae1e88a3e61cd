"""End to end against pandas: meter files in -> every level's energy balance out.

The synthetic city of bench/energy.py (N meters x one year hourly, Parquet files as
``synth`` writes them, each reading with its meter's lon/lat) is taken through two
pipelines, each in its own child process whose wall time, CPU time and peak RSS
(``ru_maxrss``) are reported:

* **urbis**: the product's path, ``ingest_file`` for every file (every check, placement of
  each meter on the neighbourhoods, the atomic store write and the file's hourly cube),
  then ``energy_balance`` (every neighbourhood, district and the city x 5 sectors + all x
  12 months + year);
* **pandas**: the same pipeline as an analyst would write it with pandas and shapely (no
  geopandas here): read every file, the same checks as ``engines/energy/validate.py``,
  point-in-polygon placement with a shapely STRtree, aggregation to every level.

Both balances are written out after their clocks stop and compared row by row in integer
milliwatt-hours (consumption, production, self-consumed energy, peaks, hours), so "same
figures" means every row of every level, not only the city's.

    .venv/bin/python bench/energy_e2e.py --meters 1000 --work /tmp/e2e
    .venv/bin/python bench/energy_e2e.py --meters 3000 --work /tmp/e2e --profile

Results and the commands used are recorded in docs/PERFORMANCE.md ("End to end against
pandas").
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _energy_bench() -> Any:
    """bench/energy.py as a module (its generator, area set and process clocks)."""
    spec = importlib.util.spec_from_file_location(
        "urbis_bench_energy", Path(__file__).with_name("energy.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EB = _energy_bench()
CITY: str = EB.CITY

#: The columns both sides compare, every figure in integer mWh (peaks clipped at 0, as the
#: balance reports them).
KEYS = ["level", "area_code", "sector", "carrier", "year", "month"]
FIGURES = [
    "consumption_mwh",
    "production_mwh",
    "matched_mwh",
    "peak_import_mwh",
    "peak_export_mwh",
    "hours",
]


class Refused(Exception):
    """A pipeline refused the input: ``errors`` as (file, row, field, reason)."""

    def __init__(self, errors: list[tuple[str, int, str, str]]):
        super().__init__(f"{len(errors)} error(s), first: {errors[:3]}")
        self.errors = errors


def input_files(work: Path) -> list[Path]:
    return sorted((work / "input").glob("*.parquet"))


def write_areas(work: Path) -> Path:
    """The city's areas (bench/energy.py's 5 districts of 8 square neighbourhoods) as the
    input both pipelines read: code, level, parent and GeoJSON polygon, as a city's GIS
    would hand them over."""
    import shapely

    rows = [
        {
            "code": a.code,
            "level": a.level,
            "parent_code": a.parent_code,
            "geometry": None if a.geometry is None else shapely.to_geojson(
                shapely.from_wkb(a.geometry)
            ),
            "households": a.households,
            "floor_area_m2": a.floor_area_m2,
            "name": a.name,
        }
        for a in EB._areas()
    ]
    path = work / "input" / "areas.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rows))
    return path


def read_areas(work: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((work / "input" / "areas.json").read_text())
    return rows


# ---------------------------------------------------------------------------- urbis


def urbis_path(
    inputs: Sequence[Path], data: Path, areas: list[dict[str, Any]]
) -> tuple[Any, dict[str, float]]:
    """The product's pipeline: ingest every file, then the balance of every level."""
    from urbis.engines.energy import Area, AreaIndex, energy_balance, ingest_file

    phases: dict[str, float] = {}
    start, cpu0 = time.perf_counter(), EB._cpu_seconds()
    index = AreaIndex(Area(**a) for a in areas)
    for path in inputs:
        report = ingest_file(path, city=CITY, areas=index, data_dir=data)
        if report.status != "stored":
            raise Refused([(e.file, e.row, e.field, e.reason) for e in report.errors])
    phases["ingest"] = time.perf_counter() - start
    phases["ingest_cpu"] = EB._cpu_seconds() - cpu0
    mark, cpu1 = time.perf_counter(), EB._cpu_seconds()
    balance = energy_balance(data, CITY, index)
    phases["balance"] = time.perf_counter() - mark
    phases["balance_cpu"] = EB._cpu_seconds() - cpu1
    return balance, phases


def urbis_table(balance: Any) -> Any:
    """The product's balance as the comparison's integer-mWh table (pandas)."""
    import polars as pl

    def mwh(name: str) -> pl.Expr:
        return (pl.col(name).fill_null(0.0) * 1_000_000).round(0).cast(pl.Int64)

    frame = balance.to_polars().select(
        *KEYS,
        consumption_mwh=mwh("consumption_kwh"),
        production_mwh=mwh("production_kwh"),
        matched_mwh=mwh("self_consumed_kwh"),
        peak_import_mwh=mwh("peak_import_kw"),
        peak_export_mwh=mwh("peak_export_kw"),
        hours=pl.col("hours"),
    )
    return frame.to_pandas()


# ---------------------------------------------------------------------------- pandas

#: What engines/energy/validate.py accepts, written out again on the pandas side (as an
#: analyst would copy the rules from the documentation), not imported from the engine.
UNITS = {"wh": 0.001, "kwh": 1.0, "mwh": 1000.0}
FLOWS = ("consumption", "production")
SECTORS = ("residential", "commercial", "public", "industry", "mobility")
CARRIERS = ("electricity", "gas", "heat")
RESOLUTIONS = {
    **dict.fromkeys(("15min", "15m", "pt15m", "quarter-hour", "quarterhour"), "15min"),
    **dict.fromkeys(("hourly", "hour", "1h", "h", "pt1h", "60min"), "hourly"),
    **dict.fromkeys(("daily", "day", "1d", "d", "p1d"), "daily"),
    **dict.fromkeys(("annual", "yearly", "year", "1y", "y", "p1y"), "annual"),
}
HOURS = {"15min": 0.25, "hourly": 1.0, "daily": 24.0, "annual": 8784.0}
MAX_POWER_KW = 50_000.0
MAX_ERRORS = 100
TEXT = ["meter_id", "unit", "flow", "sector", "carrier", "resolution"]


def _clean(series: Any, lower: bool) -> Any:
    """A categorical column with stripped (and lower-cased) categories, worked out on the
    categories only: the few codes a meter file repeats millions of times."""
    import numpy as np
    import pandas as pd

    cats = series.cat.categories.astype(str).str.strip()
    if lower:
        cats = cats.str.lower()
    unique, remap = np.unique(np.asarray(cats, dtype=object), return_inverse=True)
    codes = series.cat.codes.to_numpy()
    new = np.where(codes < 0, -1, remap[np.maximum(codes, 0)])
    # pandas-stubs know no ndarray codes; pandas takes them.
    categorical = pd.Categorical.from_codes(new, categories=unique)  # type: ignore[call-overload]
    return pd.Series(categorical, index=series.index)


def pandas_path(
    inputs: Sequence[Path], areas: list[dict[str, Any]]
) -> tuple[Any, dict[str, float]]:
    """The same pipeline in pandas + shapely; refuses (``Refused``) as Urbis would."""
    import numpy as np
    import pandas as pd
    import pyarrow.parquet as pq
    import shapely

    phases: dict[str, float] = {}
    mark, cpu_mark = time.perf_counter(), EB._cpu_seconds()

    def lap(name: str) -> None:
        nonlocal mark, cpu_mark
        now, cpu = time.perf_counter(), EB._cpu_seconds()
        phases[name] = phases.get(name, 0.0) + now - mark
        phases[f"{name}_cpu"] = phases.get(f"{name}_cpu", 0.0) + cpu - cpu_mark
        mark, cpu_mark = now, cpu

    # --- read: one call over every file; the text columns as categoricals (pyarrow's
    # read_dictionary), which a competent analyst asks for on multi-million-row files.
    names = [pq.read_schema(p).names for p in inputs]
    present = set(names[0])
    if any(set(n) != present for n in names):
        raise Refused([(str(inputs[0].name), 0, "*", "files have different columns")])
    # A list of paths is read as one dataset (pandas-stubs expect one path).
    df = pd.read_parquet(  # type: ignore[call-overload]
        [str(p) for p in inputs], read_dictionary=[c for c in TEXT if c in present]
    )
    df.columns = [c.strip().lower() for c in df.columns]
    sizes = np.array([pq.ParquetFile(p).metadata.num_rows for p in inputs])
    starts = np.concatenate([[0], np.cumsum(sizes)])
    lap("read")

    errors: list[tuple[int, str, str]] = []  # (global row, field, reason)

    def flag(mask: Any, field: str, reason: str | Callable[[np.ndarray], list[str]]) -> None:
        rows = np.flatnonzero(np.asarray(mask, dtype=bool))
        if rows.size == 0:
            return
        rows = rows[:MAX_ERRORS]
        reasons = reason(rows) if callable(reason) else [reason] * rows.size
        errors.extend(zip(rows.tolist(), [field] * rows.size, reasons, strict=True))

    def refuse() -> None:
        if not errors:
            return
        errors.sort()
        out = []
        for row, field, reason in errors[:MAX_ERRORS]:
            f = int(np.searchsorted(starts, row, side="right") - 1)
            out.append((inputs[f].name, row - int(starts[f]) + 1, field, reason))
        raise Refused(out)

    # --- checks (the rules of validate.py, in its order)
    missing = [
        c
        for c in ("meter_id", "timestamp", "value", "unit", "flow", "sector", "carrier")
        if c not in df.columns
    ]
    has_area, has_point = "area_code" in df.columns, {"lon", "lat"} <= set(df.columns)
    if missing or not (has_area or has_point):
        fields = missing or ["area_code"]
        raise Refused([(inputs[0].name, 0, f, "missing column") for f in fields])
    if "resolution" not in df.columns:
        # validate.py infers it from the spacing of each meter's readings; this side asks.
        raise Refused([(inputs[0].name, 0, "resolution", "missing column")])
    for name in TEXT:
        if not isinstance(df[name].dtype, pd.CategoricalDtype):
            df[name] = df[name].astype("category")
        df[name] = _clean(df[name], lower=name not in ("meter_id", "unit"))
    meter = df["meter_id"]
    flag(meter.isna() | (meter == ""), "meter_id", "missing meter id")
    ts = df["timestamp"]
    if not (isinstance(ts.dtype, pd.DatetimeTZDtype)):
        raise Refused([(inputs[0].name, 0, "timestamp", "timestamps must carry a time zone")])
    ts = ts.dt.tz_convert("UTC")
    flag(ts.isna(), "timestamp", "missing timestamp")
    unit_cats = df["unit"].cat.categories
    factors = np.array([UNITS.get(u.lower(), np.nan) for u in unit_cats], dtype="float64")
    unit_codes = df["unit"].cat.codes.to_numpy()
    factor = np.where(unit_codes < 0, np.nan, factors[np.maximum(unit_codes, 0)])
    flag(np.isnan(factor), "unit", "unknown unit")
    for name, allowed in (("flow", FLOWS), ("sector", SECTORS), ("carrier", CARRIERS)):
        flag(~df[name].isin(allowed), name, f"unknown {name}")
    value = pd.to_numeric(df["value"], errors="coerce").to_numpy(dtype="float64")
    flag(np.isnan(value), "value", "not a number")
    flag(np.isinf(value), "value", "not a finite number")
    flag(value < 0, "value", "negative value")
    resolution = df["resolution"].map(RESOLUTIONS)
    flag(resolution.isna(), "resolution", "unknown resolution")
    kwh = value * factor
    hours = resolution.map(HOURS).astype("float64").to_numpy()
    flag(kwh > hours * MAX_POWER_KW, "value", "absurd value")
    flag(
        ts.notna()
        & (
            ((resolution == "hourly") & (ts != ts.dt.floor("h")))
            | ((resolution == "15min") & (ts != ts.dt.floor("15min")))
        ),
        "timestamp",
        "timestamp is not at the start of its interval",
    )
    lap("checks")

    # --- placement: each distinct point once, on the leaf areas, by a shapely STRtree
    parents = {a["parent_code"] for a in areas}
    leaves = [a for a in areas if a["code"] not in parents and a["geometry"] is not None]
    codes = np.array([a["code"] for a in leaves], dtype=object)
    area = pd.Series(pd.NA, index=df.index, dtype="object")
    given = pd.Series(False, index=df.index)
    if has_area:
        text = df["area_code"].astype("string").str.strip()
        given = text.notna() & (text != "")
        flag(given & ~text.isin([a["code"] for a in areas]), "area_code", "unknown area code")
        area = text.where(given)
    needs = ~given
    if not has_point:
        flag(needs, "area_code", "missing area code")
    else:
        lon = pd.to_numeric(df["lon"], errors="coerce")
        lat = pd.to_numeric(df["lat"], errors="coerce")
        bad_lon = needs & (lon.isna() | (lon.abs() > 180))
        bad_lat = needs & (lat.isna() | (lat.abs() > 90))
        flag(bad_lon, "lon", "no area code and no valid longitude")
        flag(bad_lat, "lat", "no area code and no valid latitude")
        wanted = needs & ~bad_lon & ~bad_lat
        points = pd.DataFrame({"lon": lon.where(wanted), "lat": lat.where(wanted)})
        group = points.groupby(["lon", "lat"], sort=False)
        # No group (NaN, or -1) where the row needs no point.
        key = group.ngroup().fillna(-1).astype("int64").to_numpy()
        distinct = group.size().index
        xy = np.column_stack([distinct.get_level_values(0), distinct.get_level_values(1)])
        tree = shapely.STRtree([shapely.from_geojson(a["geometry"]) for a in leaves])
        point_i, area_i = tree.query(shapely.points(xy), predicate="intersects")
        # A point on a shared border goes to the first area, never to two.
        first = pd.Series(area_i).groupby(point_i).min()
        found = np.full(len(xy), None, dtype=object)
        found[first.index.to_numpy()] = codes[first.to_numpy()]
        located = np.full(len(key), None, dtype=object)
        if len(xy):
            located[key >= 0] = found[key[key >= 0]]
        flag(wanted & pd.isna(located), "lon", "location lies in no known area")
        area = area.where(given, pd.Series(located, index=df.index))
    lap("placement")

    # --- duplicates: the same meter, flow and timestamp twice, in any file
    keyed = pd.DataFrame({"meter_id": meter, "flow": df["flow"], "ts": ts})
    dup = keyed.duplicated() & keyed["ts"].notna() & meter.notna()
    if dup.any():
        first_row = keyed.reset_index(drop=True).reset_index().groupby(
            ["meter_id", "flow", "ts"], observed=True
        )["index"].transform("min")

        def reason(rows: np.ndarray) -> list[str]:
            return [f"duplicate reading of row {int(first_row.iloc[r])}" for r in rows]

        flag(dup, "timestamp", reason)
    del keyed
    lap("checks")
    refuse()

    # --- aggregation: integer mWh per reading (the rounding Urbis stores), leaf-hour sums,
    # every level by the area hierarchy, hour-by-hour matching, months and the year.
    if not resolution.isin(["hourly", "15min"]).all():
        raise SystemExit("the pandas side sums 15-minute and hourly readings only")
    mwh = np.floor(kwh * 1e6 + 0.5).astype("int64")  # round half away from zero, >= 0
    consumption = df["flow"].to_numpy() == "consumption"
    leaf = pd.DataFrame(
        {
            "area_code": pd.Categorical(area),
            "sector": df["sector"],
            "carrier": df["carrier"],
            "hour": ts.dt.floor("h"),
            "c": np.where(consumption, mwh, 0),
            "p": np.where(consumption, 0, mwh),
        }
    )
    del df, ts, value, kwh, mwh, area, factor, hours, resolution, meter
    leaf = (
        leaf.groupby(["area_code", "sector", "carrier", "hour"], observed=True)[["c", "p"]]
        .sum()
        .reset_index()
    )
    every = (
        leaf.groupby(["area_code", "carrier", "hour"], observed=True)[["c", "p"]]
        .sum()
        .reset_index()
    )
    leaf["sector"] = leaf["sector"].cat.add_categories(["all"])
    every["sector"] = pd.Categorical(["all"] * len(every), categories=leaf["sector"].cat.categories)
    leaf = pd.concat([leaf, every[leaf.columns]], ignore_index=True)
    del every
    # Every level of the hierarchy: each leaf's ancestor at that level (itself included).
    by_code = {a["code"]: a for a in areas}
    ancestor: dict[str, dict[str, str]] = {}
    for a in areas:
        code: str | None = a["code"]
        while code is not None:
            ancestor.setdefault(by_code[code]["level"], {})[a["code"]] = code
            code = by_code[code]["parent_code"]
    levels = []
    for level, mapping in ancestor.items():
        unit = leaf["area_code"].map(mapping).astype("category").rename("unit_code")
        levels.append(
            leaf.groupby([unit, "sector", "carrier", "hour"], observed=True)[["c", "p"]]
            .sum()
            .reset_index()
            .assign(level=level)
        )
    hourly = pd.concat(levels, ignore_index=True)
    del levels
    del leaf
    hourly["matched"] = np.minimum(hourly["c"], hourly["p"])
    hourly["imp"] = hourly["c"] - hourly["p"]
    hourly["exp"] = hourly["p"] - hourly["c"]
    hourly["year"] = hourly["hour"].dt.year
    hourly["month"] = hourly["hour"].dt.month
    keys = ["level", "unit_code", "sector", "carrier", "year"]
    monthly = (
        hourly.groupby([*keys, "month"])
        .agg(
            consumption_mwh=("c", "sum"),
            production_mwh=("p", "sum"),
            matched_mwh=("matched", "sum"),
            peak_import_mwh=("imp", "max"),
            peak_export_mwh=("exp", "max"),
            hours=("c", "size"),
        )
        .reset_index()
    )
    del hourly
    yearly = (
        monthly.groupby(keys)
        .agg(
            consumption_mwh=("consumption_mwh", "sum"),
            production_mwh=("production_mwh", "sum"),
            matched_mwh=("matched_mwh", "sum"),
            peak_import_mwh=("peak_import_mwh", "max"),
            peak_export_mwh=("peak_export_mwh", "max"),
            hours=("hours", "sum"),
        )
        .reset_index()
        .assign(month=0)
    )
    table = pd.concat([monthly, yearly], ignore_index=True).rename(
        columns={"unit_code": "area_code"}
    )
    for peak in ("peak_import_mwh", "peak_export_mwh"):
        table[peak] = table[peak].clip(lower=0)
    lap("aggregation")
    return table[KEYS + FIGURES], phases


# ---------------------------------------------------------------------------- comparison


def compare(a: Any, b: Any) -> list[str]:
    """Differences between two comparison tables (empty: the same figures, every row)."""
    import pandas as pd

    def norm(t: Any) -> Any:
        t = t[KEYS + FIGURES].copy()
        for k in ("level", "area_code", "sector", "carrier"):
            t[k] = t[k].astype(str)
        for k in ("year", "month", *FIGURES):
            t[k] = t[k].astype("int64")
        return t.sort_values(KEYS).reset_index(drop=True)

    left, right = norm(a), norm(b)
    both = left.merge(right, on=KEYS, how="outer", suffixes=("_a", "_b"), indicator=True)
    out = []
    only = both[both["_merge"] != "both"]
    if len(only):
        out.append(f"{len(only)} rows in one table only, e.g. {only[KEYS].head(3).values.tolist()}")
    for name in FIGURES:
        diff = both[(both["_merge"] == "both") & (both[f"{name}_a"] != both[f"{name}_b"])]
        if len(diff):
            first = diff.iloc[0]
            out.append(
                f"{name} differs in {len(diff)} rows, e.g. "
                f"{[first[k] for k in KEYS]}: {first[f'{name}_a']} vs {first[f'{name}_b']}"
            )
    del pd
    return out


def city_figures(table: Any) -> dict[str, int]:
    row = table[
        (table["area_code"] == CITY)
        & (table["sector"] == "all")
        & (table["carrier"] == "electricity")
        & (table["month"] == 0)
    ].iloc[0]
    return {k: int(row[k]) for k in FIGURES}


# ---------------------------------------------------------------------------- children


def step_synth(args: argparse.Namespace) -> dict[str, Any]:
    result = dict(EB.step_synth(args))
    write_areas(Path(args.work))
    return result


def _run_path(args: argparse.Namespace, name: str) -> dict[str, Any]:
    work = Path(args.work)
    inputs = input_files(work)
    areas = read_areas(work)
    data = work / "data-urbis"
    shutil.rmtree(data, ignore_errors=True)
    # Libraries are imported before the clocks start (a fixed cost, not the pipeline's);
    # how long that took is reported apart.
    imported = time.perf_counter()
    if name == "urbis":
        import urbis.engines.energy  # noqa: F401
    else:
        import numpy  # noqa: F401
        import pandas  # noqa: F401
        import pyarrow.parquet  # noqa: F401
        import shapely  # noqa: F401
    import_seconds = time.perf_counter() - imported
    profiler = None
    if args.profile:
        import cProfile

        # Process CPU time as the clock (every thread's), so that waiting for a core on a
        # shared machine is not counted, and DuckDB's threads count where they are called.
        profiler = cProfile.Profile(time.process_time)
    start, cpu0 = time.perf_counter(), EB._cpu_seconds()
    if profiler is not None:
        profiler.enable()
    if name == "urbis":
        result, phases = urbis_path(inputs, data, areas)
    else:
        result, phases = pandas_path(inputs, areas)
    if profiler is not None:
        profiler.disable()
    seconds, cpu = time.perf_counter() - start, EB._cpu_seconds() - cpu0
    table = urbis_table(result) if name == "urbis" else result
    table.to_parquet(work / f"result-{name}.parquet")
    out: dict[str, Any] = {
        "files": len(inputs),
        "seconds": seconds,
        "cpu_seconds": cpu,
        "phases": phases,
        "import_seconds": import_seconds,
        "result_rows": len(table),
        "city_year": city_figures(table),
    }
    if profiler is not None:
        import io
        import pstats

        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(40)
        out["profile"] = text.getvalue()
    shutil.rmtree(data, ignore_errors=True)
    return out


STEPS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "synth": step_synth,
    "urbis": lambda args: _run_path(args, "urbis"),
    "pandas": lambda args: _run_path(args, "pandas"),
}


def run_child(step: str, args: argparse.Namespace) -> dict[str, Any]:
    argv = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        step,
        "--meters",
        str(args.meters),
        "--year",
        str(args.year),
        "--work",
        str(args.work),
    ]
    if args.profile:
        argv.append("--profile")
    load_before = os.getloadavg()[0]
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{step} failed:\n{proc.stderr or proc.stdout}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    # The 1-minute load average before and after: how busy the shared machine was.
    result["load_before"] = round(load_before, 2)
    result["load_after"] = round(os.getloadavg()[0], 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meters", type=int, default=1_000)
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--work", default="/tmp/e2e")
    parser.add_argument("--reuse", action="store_true", help="keep generated input files")
    parser.add_argument(
        "--paths", default="urbis,pandas", help="which pipelines, in this order (comma list)"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile each pipeline")
    parser.add_argument("--json", default=None, help="write results to this JSON file")
    parser.add_argument("--child", choices=sorted(STEPS), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        result = STEPS[args.child](args)
        result["peak_rss_mib"] = EB._peak_rss_mib()
        print(json.dumps(result))
        return

    args.work = str(Path(args.work) / f"m{args.meters}")
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"meters": args.meters}
    if not (args.reuse and input_files(work)):
        report["synth"] = run_child("synth", args)
    import pyarrow.parquet as pq

    rows = sum(pq.ParquetFile(p).metadata.num_rows for p in input_files(work))
    report["rows"] = rows
    paths = [p.strip() for p in args.paths.split(",") if p.strip()]
    for name in paths:
        report[name] = run_child(name, args)
        r = report[name]
        phases = ", ".join(
            f"{k} {v:.2f}/{r['phases'][k + '_cpu']:.2f}"
            for k, v in r["phases"].items()
            if not k.endswith("_cpu")
        )
        print(
            f"{args.meters:>6} meters {rows:>12,} readings  {name:<7} {r['seconds']:8.2f} s "
            f"{r['cpu_seconds']:8.2f} CPU-s {r['peak_rss_mib']:8.0f} MiB peak  "
            f"load {r['load_before']:.1f}/{r['load_after']:.1f}\n{'':>8}phases, wall s/CPU s: "
            f"{phases}; imports before the clock {r['import_seconds']:.2f} s"
        )
        if args.profile:
            print(r["profile"])
        sys.stdout.flush()
    if {"urbis", "pandas"} <= set(paths):
        import pandas as pd

        diffs = compare(
            pd.read_parquet(work / "result-urbis.parquet"),
            pd.read_parquet(work / "result-pandas.parquet"),
        )
        u, p = report["urbis"], report["pandas"]
        report["same_figures"] = not diffs
        report["speedup_wall"] = p["seconds"] / u["seconds"]
        report["speedup_cpu"] = p["cpu_seconds"] / u["cpu_seconds"]
        report["less_memory"] = p["peak_rss_mib"] / u["peak_rss_mib"]
        print(
            f"{args.meters:>6} meters: Urbis {report['speedup_wall']:.2f}x faster (wall), "
            f"{report['speedup_cpu']:.2f}x less CPU, {report['less_memory']:.2f}x less peak "
            f"memory than pandas; same figures in all {u['result_rows']:,} rows "
            f"(integer mWh): {report['same_figures']}"
        )
        print(f"{'':>6} city, year, all sectors (mWh): {u['city_year']}")
        for line in diffs:
            print("  DIFFERENCE:", line)
        if diffs:
            raise SystemExit(1)
    out = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "command": " ".join([".venv/bin/python", "bench/energy_e2e.py", *sys.argv[1:]]),
        "results": report,
    }
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
