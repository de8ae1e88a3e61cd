"""Benchmark of CSV ingestion: one file through the full row check vs the one-pass route.

The same synthetic year of hourly readings (bench/energy.py's city, ``--meters`` meters, one
file) is written as CSV (and, with ``--parquet`` or ``--kinds``, gzipped, with a decimal
comma or as typed Parquet), then ingested into an empty store by each route in turn, each in
its own child process so that its peak memory (ru_maxrss) is its own. Both stores are
compared row for row at the end.

    .venv/bin/python bench/energy_csv.py --meters 300             # CSV: full check vs one pass
    .venv/bin/python bench/energy_csv.py --meters 300 --parquet   # ... + the Parquet file
    .venv/bin/python bench/energy_csv.py --meters 1000 --parquet --stages  # ... and each step timed
    .venv/bin/python bench/energy_csv.py --meters 1000 --parquet --routes one_pass  # one route
    .venv/bin/python bench/energy_csv.py --meters 1000 --kinds csv.gz,csv-comma  # gzip, comma

Results and the commands used are recorded in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from energy import CITY, ROOT, _areas, _cpu_seconds  # noqa: E402


def _peak_rss_mib() -> float:
    """This process's peak resident memory (VmHWM): unlike ru_maxrss, which Linux keeps
    across exec, it does not start at the parent's peak (the parent reads both stores)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")

ROUTES = ("checked", "one_pass")


def _inputs(args: argparse.Namespace) -> dict[str, Path]:
    work = Path(args.work)
    return {
        "csv": work / f"m{args.meters}.csv",
        "csv.gz": work / f"m{args.meters}.csv.gz",
        "csv-comma": work / f"m{args.meters}-comma.csv",
        "parquet": work / f"m{args.meters}.parquet",
    }


#: The files each run can ingest: the CSV as a meter data system exports it, the same text
#: gzipped, the same with ``;`` between cells and a decimal comma (as Spanish and French
#: exports write it), and typed Parquet.
KINDS = ("csv", "csv.gz", "csv-comma", "parquet")


def make_inputs(args: argparse.Namespace) -> None:
    import polars as pl

    paths = _inputs(args)
    if not (paths["csv"].is_file() and paths["parquet"].is_file()):
        _make_csv_and_parquet(args, paths)
    if not paths["csv.gz"].is_file():
        with paths["csv"].open("rb") as plain, gzip.open(paths["csv.gz"], "wb", 1) as packed:
            shutil.copyfileobj(plain, packed, 1 << 22)
    if not paths["csv-comma"].is_file():
        pl.read_parquet(paths["parquet"]).write_csv(
            paths["csv-comma"], separator=";", decimal_comma=True,
            datetime_format="%Y-%m-%dT%H:%M:%SZ",
        )


def _make_csv_and_parquet(args: argparse.Namespace, paths: dict[str, Path]) -> None:
    import polars as pl

    from urbis.engines.energy.synth import synth

    tmp = Path(args.work) / "synth"
    shutil.rmtree(tmp, ignore_errors=True)
    (source,) = synth(
        args.meters, args.year, out_dir=tmp, city=CITY, areas=_areas(), seed=1,
        meters_per_file=args.meters,
    )
    shutil.move(source, paths["parquet"])
    # As a meter data system exports it: ISO 8601 UTC times, a decimal point, no quotes.
    pl.read_parquet(paths["parquet"]).write_csv(
        paths["csv"], datetime_format="%Y-%m-%dT%H:%M:%SZ"
    )
    shutil.rmtree(tmp, ignore_errors=True)


#: With ``--stages``: the ingest's steps timed on their own, as (module, attribute) — the
#: file's hash, its UTF-8 check, the CSV route's look for quotes and lone carriage returns
#: and its read into Arrow, the one-pass route's screen of the group rows, its sorted write
#: (inside it: the streamed rows checked and written), the file cube summed, and the commit
#: (inside it: the merged cube).
STAGES = (
    ("store", "content_hash"),
    ("ingest", "utf8_problem"),
    ("onepass", "_plain_text"),
    ("onepass", "_read_csv_table"),
    ("onepass", "_screen"),
    ("onepass", "_write_parts"),
    ("onepass", "_write_checked"),
    ("onepass", "_Text.cube"),
    ("store", "PendingFile.commit"),
    ("store", "merge_cubes"),
)


def _time_stages() -> dict[str, list[float]]:
    """Wrap the functions of :data:`STAGES` so each call adds its wall and CPU seconds."""
    from urbis.engines.energy import ingest, onepass, store

    modules = {"onepass": onepass, "store": store, "ingest": ingest}
    times: dict[str, list[float]] = {}
    for module_name, dotted in STAGES:
        owner: Any = modules[module_name]
        *parents, name = dotted.split(".")
        for parent in parents:
            owner = getattr(owner, parent)
        real = getattr(owner, name)

        def timed(*a: Any, _real: Any = real, _key: str = dotted, **k: Any) -> Any:
            wall, cpu = time.perf_counter(), _cpu_seconds()
            try:
                return _real(*a, **k)
            finally:
                spent = times.setdefault(_key, [0.0, 0.0])
                spent[0] += time.perf_counter() - wall
                spent[1] += _cpu_seconds() - cpu

        setattr(owner, name, timed)
    return times


def child(args: argparse.Namespace) -> dict[str, Any]:
    from urbis.engines.energy import AreaIndex, ingest_file

    stages = _time_stages() if args.stages else {}
    index = AreaIndex(_areas())
    path = _inputs(args)[args.kind]
    data = Path(args.work) / f"data-{args.kind}-{args.route}"
    shutil.rmtree(data, ignore_errors=True)
    start, cpu0 = time.perf_counter(), _cpu_seconds()
    report = ingest_file(
        path, city=CITY, areas=index, data_dir=data, one_pass=args.route == "one_pass"
    )
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu0
    if report.status != "stored":
        raise SystemExit(f"ingest failed: {report.errors[:5]}")
    return {"rows": report.rows, "seconds": seconds, "cpu_seconds": cpu, "stages": stages}


def run_child(args: argparse.Namespace, kind: str, route: str) -> dict[str, Any]:
    argv = [
        sys.executable, str(Path(__file__).resolve()), "--child", "--kind", kind,
        "--route", route, "--meters", str(args.meters), "--year", str(args.year),
        "--work", args.work, *(["--stages"] if args.stages else []),
    ]
    load_before = os.getloadavg()[0]
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit((proc.stderr or proc.stdout).strip())
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    # The 1-minute load average before and after (2 = both cores busy) says how busy the
    # shared machine was.
    result["load"] = (round(load_before, 1), round(os.getloadavg()[0], 1))
    return result


def same_store(args: argparse.Namespace, kind: str) -> bool:
    import polars as pl

    def rows(route: str) -> pl.DataFrame:
        root = Path(args.work) / f"data-{kind}-{route}" / "energy" / "readings"
        parts = sorted(p for p in root.rglob("*.parquet") if "cube" not in p.name)
        frames = [
            pl.read_parquet(p).with_columns(pl.col(pl.Categorical, pl.Enum).cast(pl.String))
            for p in parts
        ]
        return pl.concat(frames).sort("meter_id", "flow", "ts")

    return rows("checked").equals(rows("one_pass"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meters", type=int, default=300)
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--work", default=str(ROOT / "var" / "bench-energy-csv"))
    parser.add_argument("--parquet", action="store_true", help="also the same data as Parquet")
    parser.add_argument(
        "--stages", action="store_true",
        help="also time the ingest's steps (screen, sorted write, file cube, commit, merged cube)",
    )
    parser.add_argument(
        "--routes", default=",".join(ROUTES), help=f"comma-separated, of {', '.join(ROUTES)}"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--kinds", default=None,
        help=f"comma-separated files to ingest, of {', '.join(KINDS)} (default: csv, and "
        "parquet with --parquet)",
    )
    parser.add_argument("--kind", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--route", choices=ROUTES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = child(args)
        result["peak_rss_mib"] = _peak_rss_mib()
        print(json.dumps(result))
        return

    Path(args.work).mkdir(parents=True, exist_ok=True)
    make_inputs(args)
    if args.kinds:
        kinds = tuple(kind for kind in KINDS if kind in args.kinds.split(","))
    else:
        kinds = ("csv", "parquet") if args.parquet else ("csv",)
    routes = [route for route in ROUTES if route in args.routes.split(",")]
    print(f"{'file':<10} {'route':<9} {'rows':>10} {'s':>7} {'CPU-s':>7} {'M rows/s':>9} "
          f"{'M rows/CPU-s':>13} {'peak MiB':>9} {'load':>11}")
    results: dict[str, Any] = {}
    for kind in kinds:
        for route in routes:
            r = run_child(args, kind, route)
            results[f"{kind}_{route}"] = r
            print(
                f"{kind:<10} {route:<9} {r['rows']:>10,} {r['seconds']:>7.2f} "
                f"{r['cpu_seconds']:>7.2f} {r['rows'] / r['seconds'] / 1e6:>9.2f} "
                f"{r['rows'] / r['cpu_seconds'] / 1e6:>13.2f} {r['peak_rss_mib']:>9.0f} "
                f"{r['load'][0]:>5} {r['load'][1]:>5}"
            )
            for stage, (wall, cpu) in r["stages"].items():
                print(f"{'':<21} {stage:<21} {wall:>7.2f} {cpu:>7.2f}")
            sys.stdout.flush()
        if routes == list(ROUTES):
            old, new = results[f"{kind}_checked"], results[f"{kind}_one_pass"]
            print(
                f"{kind}: one pass / full check: {old['seconds'] / new['seconds']:.1f}x wall, "
                f"{old['cpu_seconds'] / new['cpu_seconds']:.1f}x CPU; "
                f"same stored rows: {same_store(args, kind)}"
            )
        for route in routes:
            shutil.rmtree(Path(args.work) / f"data-{kind}-{route}", ignore_errors=True)


if __name__ == "__main__":
    main()
