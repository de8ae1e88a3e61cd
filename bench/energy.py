"""Benchmark of the energy engine: synthetic city -> ingest -> energy balance.

Each step runs in its own child process so that its peak memory (ru_maxrss) is its own.
The balance is measured side by side with the same computation written in pandas (what a
city analyst would write) and, optionally, on Spark local mode: there from the merged cubes
(median of ``--repeat``) and once from every raw reading, checked to give the same table.

    .venv/bin/python bench/energy.py --meters 10000                # ingest + balance + pandas
    .venv/bin/python bench/energy.py --meters 10000 --spark        # ... + Spark local mode
    .venv/bin/python bench/energy.py --meters 50000 --no-pandas --spark --repeat 2
    .venv/bin/python bench/energy.py --scaling 1000,10000,50000 --memory-limit 1GB
    .venv/bin/python bench/energy.py --meters 10000 --json bench/results/energy.json
    .venv/bin/python bench/energy.py --meters 1000 --delivery --no-pandas  # + a month on top
    .venv/bin/python bench/energy.py --meters 10000 --delivery-only   # the month alone

Results and the commands used are recorded in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

CITY = "bench"


def _peak_rss_mib() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _descendant_cpu_seconds() -> float:
    """CPU seconds used so far by this process's live descendants (Spark's JVM)."""
    tick = os.sysconf("SC_CLK_TCK")
    me = os.getpid()
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    total, frontier = 0.0, {me}
    while frontier:
        children = {pid for pid, (ppid, _) in stats.items() if ppid in frontier}
        total += sum(stats[pid][1] for pid in children)
        frontier = children
    return total


def _descendant_peak_mib() -> float:
    """Peak RSS (VmHWM) of this process's live descendants, e.g. Spark's JVM."""
    me = os.getpid()
    parents: dict[int, int] = {}
    hwm: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        parents[int(entry.name)] = int(fields.get("PPid", "0").strip())
        if "VmHWM" in fields:
            hwm[int(entry.name)] = int(fields["VmHWM"].split()[0]) / 1024
    total, frontier = 0.0, {me}
    while frontier:
        children = {pid for pid, ppid in parents.items() if ppid in frontier}
        total += sum(hwm.get(pid, 0.0) for pid in children)
        frontier = children
    return total


def _areas() -> list[Any]:
    from urbis.engines.energy.synth import synthetic_areas

    return synthetic_areas(CITY, districts=5, neighbourhoods_per_district=8)


def _store_rows(data_dir: Path) -> int:
    from urbis.engines.energy import list_files

    return sum(f.rows for f in list_files(data_dir, CITY))


# ---------------------------------------------------------------------------- child steps


def step_synth(args: argparse.Namespace) -> dict[str, Any]:
    from urbis.engines.energy.synth import synth

    out = Path(args.work) / "input"
    shutil.rmtree(out, ignore_errors=True)
    start, cpu0 = time.perf_counter(), _cpu_seconds()
    paths = synth(args.meters, args.year, out_dir=out, city=CITY, areas=_areas(), seed=1)
    seconds = time.perf_counter() - start
    rows = args.meters * (8784 if args.year % 4 == 0 else 8760)
    return {
        "files": len(paths),
        "rows": rows,
        "seconds": seconds,
        "cpu_seconds": _cpu_seconds() - cpu0,
    }


def step_ingest(args: argparse.Namespace) -> dict[str, Any]:
    from urbis.engines.energy import AreaIndex, ingest_file

    data = Path(args.work) / "data"
    shutil.rmtree(data, ignore_errors=True)
    index = AreaIndex(_areas())
    files = sorted((Path(args.work) / "input").glob("*.parquet"))
    first: dict[str, float] = {}
    if args.side_by_side and files:
        # The first file alone into an empty store, through the full row check and then
        # in one pass, one after the other in this process.
        for one_pass in (False, True):
            scratch = Path(args.work) / "data-first-file"
            shutil.rmtree(scratch, ignore_errors=True)
            start, cpu0 = time.perf_counter(), _cpu_seconds()
            report = ingest_file(
                files[0], city=CITY, areas=index, data_dir=scratch, one_pass=one_pass
            )
            label = "one_pass" if one_pass else "checked"
            first[f"first_file_{label}_seconds"] = time.perf_counter() - start
            first[f"first_file_{label}_cpu_seconds"] = _cpu_seconds() - cpu0
            first["first_file_rows"] = report.rows
            if report.status != "stored":
                raise SystemExit(f"ingest failed: {report.errors[:5]}")
            shutil.rmtree(scratch)
    start, cpu0 = time.perf_counter(), _cpu_seconds()
    rows = 0
    for path in files:
        report = ingest_file(path, city=CITY, areas=index, data_dir=data)
        if report.status != "stored":
            raise SystemExit(f"ingest failed: {report.errors[:5]}")
        rows += report.rows
    return {
        "files": len(files),
        "rows": rows,
        "seconds": time.perf_counter() - start,
        "cpu_seconds": _cpu_seconds() - cpu0,
        **first,
    }


def _balance_summary(frame: Any) -> dict[str, float]:
    import polars as pl

    city = frame.filter(
        (pl.col("area_code") == CITY) & (pl.col("sector") == "all") & (pl.col("month") == 0)
    ).row(0, named=True)
    keys = (
        "consumption_kwh",
        "production_kwh",
        "self_consumed_kwh",
        "peak_import_kw",
        "peak_export_kw",
    )
    return {k: round(float(city[k]), 3) for k in keys}


def step_balance(args: argparse.Namespace) -> dict[str, Any]:
    from urbis.engines.energy import AreaIndex, DuckDBRunner, energy_balance

    data = Path(args.work) / "data"
    index = AreaIndex(_areas())
    temp = Path(args.work) / "duckdb-tmp"
    runner = DuckDBRunner(
        memory_limit=args.memory_limit, temp_dir=temp if args.memory_limit else None
    )
    times, cpu = [], []
    result = None
    for _ in range(args.repeat):
        start, cpu0 = time.perf_counter(), _cpu_seconds()
        result = energy_balance(data, CITY, index, engine=runner)
        times.append(time.perf_counter() - start)
        cpu.append(_cpu_seconds() - cpu0)
    assert result is not None
    return {
        "rows": _store_rows(data),
        "seconds": sorted(times)[len(times) // 2],
        "all_seconds": times,
        "cpu_seconds": sorted(cpu)[len(cpu) // 2],
        "result_rows": len(result),
        "city_year": _balance_summary(result.to_polars()),
    }


def step_delivery(args: argparse.Namespace) -> dict[str, Any]:
    """A month's delivery (January of the next year, same meters: 730 hours per meter) on top
    of the year already stored: its ingest (the file's hourly cube and the city's merged
    cube are written in the same commit) and the balance updated for the year the delivery
    covers, against the full recompute from every raw reading (and the full balance from
    the merged cubes). Works on a copy of the store, so the year's store is left as it was."""
    import polars as pl

    from urbis.engines.energy import (
        AreaIndex,
        DuckDBRunner,
        changed_years,
        energy_balance,
        ingest_file,
        list_files,
        update_balance,
    )
    from urbis.engines.energy.synth import synth

    work = Path(args.work)
    month = work / "delivery" / "january.parquet"
    if not month.is_file():
        source = work / "delivery" / "year"
        paths = synth(
            args.meters, args.year + 1, out_dir=source, city=CITY, areas=_areas(), seed=1
        )
        # Streamed: reading the whole year to keep January took 12 GiB, and this step's peak
        # memory is meant to be the delivery's.
        pl.scan_parquet(paths).filter(pl.col("timestamp").dt.month() == 1).sink_parquet(month)
        shutil.rmtree(source)
    data = work / "data-delivery"
    shutil.rmtree(data, ignore_errors=True)
    if (work / "data").is_dir():
        shutil.copytree(work / "data", data)
    # else (--delivery-only): the month into an empty store. It lands in a year partition
    # of its own either way, so the ingest does the same work; the full recompute then
    # covers the month only and is no fair comparison.
    index = AreaIndex(_areas())
    runner = DuckDBRunner(memory_limit=args.memory_limit)
    checked: dict[str, float] = {}
    if args.side_by_side:
        # The same delivery through the full row-by-row check (the path before the one-pass
        # ingest), into its own copy of the store, just before the one-pass ingest below.
        other = work / "data-delivery-checked"
        shutil.rmtree(other, ignore_errors=True)
        if (work / "data").is_dir():
            shutil.copytree(work / "data", other)
        energy_balance(other, CITY, index, engine=runner)
        start, cpu0 = time.perf_counter(), _cpu_seconds()
        old = ingest_file(month, city=CITY, areas=index, data_dir=other, one_pass=False)
        checked = {
            "checked_ingest_seconds": time.perf_counter() - start,
            "checked_ingest_cpu_seconds": _cpu_seconds() - cpu0,
        }
        if old.status != "stored":
            raise SystemExit(f"checked ingest failed: {old.errors[:5]}")
        shutil.rmtree(other)
    # The balance before the delivery, as the pages keep it (cubes built beforehand).
    previous = energy_balance(data, CITY, index, engine=runner)
    before = list_files(data, CITY)
    start, cpu0 = time.perf_counter(), _cpu_seconds()
    report = ingest_file(month, city=CITY, areas=index, data_dir=data)
    ingest_s, ingest_cpu = time.perf_counter() - start, _cpu_seconds() - cpu0
    if report.status != "stored":
        raise SystemExit(f"ingest failed: {report.errors[:5]}")
    years = changed_years(before, list_files(data, CITY), "UTC")
    start, cpu0 = time.perf_counter(), _cpu_seconds()
    updated = update_balance(previous, data, CITY, index, years, engine=runner)
    update_s, update_cpu = time.perf_counter() - start, _cpu_seconds() - cpu0
    timings: dict[str, list[float]] = {"cube": [], "readings": []}
    cpu: dict[str, list[float]] = {"cube": [], "readings": []}
    frames = {}
    for _ in range(args.repeat):
        for source in ("cube", "readings"):
            start, cpu0 = time.perf_counter(), _cpu_seconds()
            frames[source] = energy_balance(data, CITY, index, engine=runner, source=source)
            timings[source].append(time.perf_counter() - start)
            cpu[source].append(_cpu_seconds() - cpu0)
    median = {k: sorted(v)[len(v) // 2] for k, v in timings.items()}
    median_cpu = {k: sorted(v)[len(v) // 2] for k, v in cpu.items()}
    cube_rows = sum(
        pl.scan_parquet(p).select(pl.len()).collect().item()
        for p in (data / "energy" / "cubes").rglob("merged-*.parquet")
    )
    shutil.rmtree(data)
    readings = frames["readings"].to_polars()
    return {
        "rows": report.rows,
        "store_rows": _store_rows(work / "data") + report.rows,
        "merged_cube_rows": cube_rows,
        "years_updated": years,
        "ingest_seconds": ingest_s,
        "ingest_cpu_seconds": ingest_cpu,
        "update_seconds": update_s,
        "update_cpu_seconds": update_cpu,
        "balance_from_cubes_seconds": median["cube"],
        "balance_from_readings_seconds": median["readings"],
        "balance_from_cubes_cpu_seconds": median_cpu["cube"],
        "balance_from_readings_cpu_seconds": median_cpu["readings"],
        "seconds": ingest_s + update_s,
        "cpu_seconds": ingest_cpu + update_cpu,
        **checked,
        "same_figures": frames["cube"].to_polars().equals(readings)
        and updated.to_polars().equals(readings),
    }


def step_pandas(args: argparse.Namespace) -> dict[str, Any]:
    """The same balance written the way an analyst would with pandas (hourly data only,
    which is all the synthetic city has; no coarse readings, no estimates)."""
    import numpy as np
    import pandas as pd
    import polars as pl

    from urbis.engines.energy import AreaIndex, committed_paths

    data = Path(args.work) / "data"
    units = AreaIndex(_areas()).units_table().to_pandas()
    start, cpu0 = time.perf_counter(), _cpu_seconds()
    cols = ["area_code", "sector", "carrier", "flow", "ts", "kwh"]
    # One read over all the files, as pandas reads a dataset: pyarrow unifies each text
    # column's dictionaries into one categorical. Reading file by file and concatenating
    # turns categoricals whose categories differ into plain strings and doubles the time.
    df = pd.read_parquet([str(p) for p in committed_paths(data, CITY)], columns=cols)
    df["hour"] = df["ts"].dt.floor("h")
    leaf = (
        df.groupby(["area_code", "sector", "carrier", "hour", "flow"], observed=True)["kwh"]
        .sum()
        .unstack("flow", fill_value=0.0)
        .reindex(columns=["consumption", "production"], fill_value=0.0)
        .reset_index()
    )
    del df
    all_sectors = (
        leaf.groupby(["area_code", "carrier", "hour"], observed=True)[["consumption", "production"]]
        .sum()
        .reset_index()
        .assign(sector="all")
    )
    leaf = pd.concat([leaf, all_sectors], ignore_index=True).merge(units, on="area_code")
    hourly = (
        leaf.groupby(["unit_level", "unit_code", "sector", "carrier", "hour"], observed=True)[
            ["consumption", "production"]
        ]
        .sum()
        .reset_index()
    )
    hourly["matched"] = np.minimum(hourly["consumption"], hourly["production"])
    hourly["net"] = hourly["consumption"] - hourly["production"]
    hourly["export"] = -hourly["net"]
    hourly["year"] = hourly["hour"].dt.year
    hourly["month"] = hourly["hour"].dt.month
    keys = ["unit_level", "unit_code", "sector", "carrier", "year"]
    monthly = (
        hourly.groupby([*keys, "month"])
        .agg(
            consumption=("consumption", "sum"),
            production=("production", "sum"),
            matched=("matched", "sum"),
            peak_import=("net", "max"),
            peak_export=("export", "max"),
            hours=("net", "size"),
        )
        .reset_index()
    )
    yearly = (
        monthly.groupby(keys)
        .agg(
            consumption=("consumption", "sum"),
            production=("production", "sum"),
            matched=("matched", "sum"),
            peak_import=("peak_import", "max"),
            peak_export=("peak_export", "max"),
            hours=("hours", "sum"),
        )
        .reset_index()
        .assign(month=0)
    )
    cube = pd.concat([monthly, yearly], ignore_index=True)
    cube["self_sufficiency"] = cube["matched"] / cube["consumption"]
    cube["self_consumption"] = cube["matched"] / cube["production"]
    seconds = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu0
    city = cube[(cube.unit_code == CITY) & (cube.sector == "all") & (cube.month == 0)].iloc[0]
    summary = {
        "consumption_kwh": round(float(city.consumption), 3),
        "production_kwh": round(float(city.production), 3),
        "self_consumed_kwh": round(float(city.matched), 3),
        "peak_import_kw": round(float(max(city.peak_import, 0.0)), 3),
        "peak_export_kw": round(float(max(city.peak_export, 0.0)), 3),
    }
    del pl
    return {
        "rows": _store_rows(data),
        "seconds": seconds,
        "cpu_seconds": cpu,
        "result_rows": len(cube),
        "city_year": summary,
    }


def step_spark(args: argparse.Namespace) -> dict[str, Any]:
    from urbis.engines.energy import AreaIndex, SparkRunner, energy_balance

    data = Path(args.work) / "data"
    index = AreaIndex(_areas())
    runner = SparkRunner(config={"spark.driver.memory": args.spark_memory})
    start = time.perf_counter()
    runner.session().sql("SELECT 1").collect()
    startup = time.perf_counter() - start
    times, cpu = [], []
    result = None
    for _ in range(args.repeat):
        start, cpu0 = time.perf_counter(), _cpu_seconds() + _descendant_cpu_seconds()
        result = energy_balance(data, CITY, index, engine=runner)
        times.append(time.perf_counter() - start)
        cpu.append(_cpu_seconds() + _descendant_cpu_seconds() - cpu0)
    # The same balance from every raw reading on Spark (what the cubes sum up), once: the
    # issue's cube equivalence at this store's size, and what the cubes spare.
    start, cpu0 = time.perf_counter(), _cpu_seconds() + _descendant_cpu_seconds()
    raw = energy_balance(data, CITY, index, engine=runner, source="readings")
    raw_seconds = time.perf_counter() - start
    raw_cpu = _cpu_seconds() + _descendant_cpu_seconds() - cpu0
    jvm = _descendant_peak_mib()
    runner.stop()
    assert result is not None
    return {
        "rows": _store_rows(data),
        "startup_seconds": startup,
        "seconds": sorted(times)[len(times) // 2],
        "all_seconds": times,
        "cpu_seconds": sorted(cpu)[len(cpu) // 2],
        "readings_seconds": raw_seconds,
        "readings_cpu_seconds": raw_cpu,
        "cube_equals_readings": result.to_polars().equals(raw.to_polars()),
        "jvm_peak_mib": jvm,
        "city_year": _balance_summary(result.to_polars()),
    }


STEPS = {
    "synth": step_synth,
    "ingest": step_ingest,
    "balance": step_balance,
    "pandas": step_pandas,
    "spark": step_spark,
    "delivery": step_delivery,
}


# ---------------------------------------------------------------------------- parent


def run_child(step: str, args: argparse.Namespace, **overrides: Any) -> dict[str, Any]:
    argv = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        step,
        "--meters",
        str(overrides.get("meters", args.meters)),
        "--year",
        str(args.year),
        "--work",
        str(overrides.get("work", args.work)),
        "--repeat",
        str(args.repeat),
        "--spark-memory",
        args.spark_memory,
    ]
    if args.side_by_side:
        argv.append("--side-by-side")
    limit = overrides.get("memory_limit", args.memory_limit)
    if limit:
        argv += ["--memory-limit", limit]
    load_before = os.getloadavg()[0]
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return {"error": (proc.stderr or proc.stdout).strip().splitlines()[-1:]}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    # Other work on a shared machine slows wall-clock times; the 1-minute load average
    # before and after says how busy it was (2 = both cores busy).
    result["load_before"] = round(load_before, 2)
    result["load_after"] = round(os.getloadavg()[0], 2)
    return result


def _rate(result: dict[str, Any]) -> str:
    if "error" in result:
        return "error: " + " ".join(result["error"])
    return f"{result['rows'] / result['seconds'] / 1e6:8.1f} M rows/s"


def replicate_store(args: argparse.Namespace, source_meters: int, meters: int) -> None:
    """Build the store for ``meters`` from the one for ``source_meters`` by copying its files
    ``meters // source_meters`` times under new file hashes (balance throughput only: meter
    ids repeat, so every figure is that multiple of the smaller city's)."""
    from urbis.engines.energy.store import PART_SUFFIX

    source = Path(args.work) / f"m{source_meters}" / "data" / "energy" / "readings"
    target = Path(args.work) / f"m{meters}" / "data" / "energy" / "readings"
    shutil.rmtree(target.parent.parent, ignore_errors=True)
    catalogue = target / "_catalogue" / f"city={CITY}"
    catalogue.mkdir(parents=True)
    for record_path in sorted((source / "_catalogue" / f"city={CITY}").glob("*.json")):
        record = json.loads(record_path.read_text())
        for copy in range(meters // source_meters):
            new_hash = hashlib.sha256(f"{record['file_hash']}-copy{copy}".encode()).hexdigest()
            for year, kind in record.get("parts") or [[y, "mixed"] for y in record["years"]]:
                part = Path(f"city={CITY}") / f"year={year}"
                suffix = PART_SUFFIX[kind]
                (target / part).mkdir(parents=True, exist_ok=True)
                shutil.copyfile(
                    source / part / f"{record['file_hash']}{suffix}",
                    target / part / f"{new_hash}{suffix}",
                )
            new = dict(
                record, file_hash=new_hash, source_name=f"{record['source_name']}#copy{copy}"
            )
            (catalogue / f"{new_hash}.json").write_text(json.dumps(new))


def bench_one(args: argparse.Namespace, meters: int, with_pandas: bool) -> dict[str, Any]:
    work = Path(args.work) / f"m{meters}"
    work.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {"meters": meters}
    if args.delivery_only:
        out["delivery"] = run_child("delivery", args, meters=meters, work=work)
        return out
    if args.replicate and meters > args.replicate:
        replicate_store(args, args.replicate, meters)
        out["replicated_from"] = args.replicate
    elif not (args.reuse and (work / "data").is_dir()):
        out["synth"] = run_child("synth", args, meters=meters, work=work)
        out["ingest"] = run_child("ingest", args, meters=meters, work=work)
    out["balance_duckdb"] = run_child("balance", args, meters=meters, work=work)
    if with_pandas:
        out["balance_pandas"] = run_child(
            "pandas", args, meters=meters, work=work, memory_limit=None
        )
        duck, pand = out["balance_duckdb"], out["balance_pandas"]
        if "error" not in duck and "error" not in pand:
            out["duckdb_vs_pandas_speedup"] = pand["seconds"] / duck["seconds"]
            out["duckdb_vs_pandas_cpu"] = pand["cpu_seconds"] / duck["cpu_seconds"]
            out["same_figures"] = all(
                abs(duck["city_year"][k] - pand["city_year"][k])
                <= 1e-6 * max(1.0, abs(pand["city_year"][k]))
                for k in duck["city_year"]
            )
    if args.spark:
        out["balance_spark"] = run_child("spark", args, meters=meters, work=work)
    if args.delivery:
        out["delivery"] = run_child("delivery", args, meters=meters, work=work)
    return out


def print_table(results: list[dict[str, Any]]) -> None:
    head = ("meters", "step", "rows", "seconds", "throughput", "CPU s", "peak MiB", "load")
    print(
        f"{head[0]:>8} {head[1]:<16} {head[2]:>12} {head[3]:>9} {head[4]:>18} "
        f"{head[5]:>7} {head[6]:>9} {head[7]:>10}"
    )
    for res in results:
        for step in ("synth", "ingest", "balance_duckdb", "balance_pandas", "balance_spark"):
            if step not in res:
                continue
            r = res[step]
            if "error" in r:
                print(f"{res['meters']:>8} {step:<16} {_rate(r)}")
                continue
            extra = ""
            if step == "balance_spark":
                extra = (
                    f"  (start-up {r['startup_seconds']:.1f} s, JVM peak "
                    f"{r['jvm_peak_mib']:.0f} MiB; from every reading "
                    f"{r['readings_seconds']:.1f} s, {r['readings_cpu_seconds']:.1f} CPU-s, "
                    f"same as from the cubes: {r['cube_equals_readings']})"
                )
            load = f"{r['load_before']:.1f}/{r['load_after']:.1f}"
            print(
                f"{res['meters']:>8} {step:<16} {r['rows']:>12,} {r['seconds']:>9.2f} "
                f"{_rate(r):>18} {r.get('cpu_seconds', 0.0):>7.1f} "
                f"{r['peak_rss_mib']:>9.0f} {load:>10}{extra}"
            )
        if "duckdb_vs_pandas_speedup" in res:
            print(
                f"{res['meters']:>8} DuckDB vs pandas: {res['duckdb_vs_pandas_speedup']:.1f}x "
                f"faster (wall clock), {res['duckdb_vs_pandas_cpu']:.1f}x less CPU time; "
                f"same city figures: {res['same_figures']}"
            )
        i = res.get("ingest") or {}
        if "first_file_checked_seconds" in i:
            ratio = i["first_file_checked_cpu_seconds"] / i["first_file_one_pass_cpu_seconds"]
            print(
                f"{res['meters']:>8} first file alone ({i['first_file_rows']:,} readings): "
                f"full row check {i['first_file_checked_seconds']:.2f} s, "
                f"{i['first_file_checked_cpu_seconds']:.2f} CPU-s; one pass "
                f"{i['first_file_one_pass_seconds']:.2f} s, "
                f"{i['first_file_one_pass_cpu_seconds']:.2f} CPU-s "
                f"({ratio:.1f}x less CPU)"
            )
        d = res.get("delivery")
        if d and "error" not in d:
            full = d["ingest_seconds"] + d["balance_from_readings_seconds"]
            print(
                f"{res['meters']:>8} a month's delivery ({d['rows']:,} readings) on "
                f"{d['store_rows']:,} (load {d['load_before']:.1f}/{d['load_after']:.1f}):\n"
                f"{'':>10}ingest + file cube + merged cube {d['ingest_seconds']:.2f} s, "
                f"balance updated for {d['years_updated']} {d['update_seconds']:.2f} s "
                f"= delivery to balance {d['seconds']:.2f} s\n"
                f"{'':>10}against ingest + full recompute from readings {full:.2f} s "
                f"({full / d['seconds']:.1f}x); balance alone: updated "
                f"{d['update_seconds']:.2f} s, all years from merged cubes "
                f"{d['balance_from_cubes_seconds']:.2f} s, from readings "
                f"{d['balance_from_readings_seconds']:.2f} s "
                f"({d['balance_from_readings_seconds'] / d['update_seconds']:.1f}x); "
                f"merged cube rows {d['merged_cube_rows']:,}; same figures: {d['same_figures']}\n"
                f"{'':>10}CPU s: ingest {d['ingest_cpu_seconds']:.2f}, update "
                f"{d['update_cpu_seconds']:.2f}, all years from merged cubes "
                f"{d['balance_from_cubes_cpu_seconds']:.2f}, from readings "
                f"{d['balance_from_readings_cpu_seconds']:.2f}"
            )
            if "checked_ingest_seconds" in d:
                print(
                    f"{'':>10}the same month through the full row-by-row check, just before: "
                    f"{d['checked_ingest_seconds']:.2f} s, "
                    f"{d['checked_ingest_cpu_seconds']:.2f} CPU-s; one pass "
                    f"{d['checked_ingest_seconds'] / d['ingest_seconds']:.1f}x sooner, "
                    f"{d['checked_ingest_cpu_seconds'] / d['ingest_cpu_seconds']:.1f}x less CPU"
                )
        elif d:
            print(f"{res['meters']:>8} delivery {d['error']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meters", type=int, default=10_000)
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--work", default=str(ROOT / "var" / "bench-energy"))
    parser.add_argument("--repeat", type=int, default=3, help="balance runs; median reported")
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory_limit, e.g. 1GB")
    parser.add_argument("--no-pandas", action="store_true")
    parser.add_argument("--spark", action="store_true", help="also run on Spark local mode")
    parser.add_argument("--spark-memory", default="4g")
    parser.add_argument("--scaling", default=None, help="comma-separated meter counts")
    parser.add_argument("--reuse", action="store_true", help="reuse generated data if present")
    parser.add_argument(
        "--replicate",
        type=int,
        default=None,
        help="build stores larger than this meter count by copying its store (balance only)",
    )
    parser.add_argument(
        "--delivery",
        action="store_true",
        help="also a month's delivery on top of the stored year: ingest + cube + balance",
    )
    parser.add_argument(
        "--delivery-only",
        action="store_true",
        help="only the month's delivery, into an empty store if no year was stored before",
    )
    parser.add_argument(
        "--side-by-side",
        action="store_true",
        help="also ingest the first input file alone both ways (full row check, one pass), "
        "and with --delivery(-only) the month through the full row check just before, "
        "into a copy of the store",
    )
    parser.add_argument("--json", default=None, help="write results to this JSON file")
    parser.add_argument("--child", choices=sorted(STEPS), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        result = STEPS[args.child](args)
        result["peak_rss_mib"] = _peak_rss_mib()
        print(json.dumps(result))
        return

    counts = [int(x) for x in args.scaling.split(",")] if args.scaling else [args.meters]
    results = []
    for meters in counts:
        # pandas only where it fits comfortably in memory (it needs ~1 GiB per 10 M rows).
        with_pandas = not args.no_pandas and meters <= 10_000
        results.append(bench_one(args, meters, with_pandas))
        print_table(results[-1:])
        sys.stdout.flush()
    report = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "command": " ".join([".venv/bin/python", "bench/energy.py", *sys.argv[1:]]),
        "results": results,
    }
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
