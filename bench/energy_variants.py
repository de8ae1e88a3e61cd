"""Where the energy balance spends its time: the product's query beside variants of it.

Runs on a store that ``bench/energy.py`` built (``--work DIR`` of that run) and prints, for
each variant, the best wall-clock and CPU time of ``--repeat`` runs in this process. The
variants are probes, not alternatives the product offers: each drops or changes one part
of the query to show what that part costs.

    .venv/bin/python bench/energy_variants.py --work /tmp/et/bench2/m10000

Results are recorded in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

CITY = "bench"


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _variants(sql: str, tz_sql: str) -> dict[str, Callable[[], str]]:
    hourly = "date_trunc('hour', ts)"
    sums = (
        "sum(CASE WHEN flow = 'consumption' THEN kwh ELSE 0 END) AS c, "
        "sum(CASE WHEN flow = 'production' THEN kwh ELSE 0 END) AS p"
    )
    first_pass = (
        "SELECT count(*), sum(c), sum(p) FROM ("
        "SELECT area_code, sector, carrier, date_trunc('hour', ts) AS h, "
        "sum(CASE WHEN flow = 'consumption' THEN kwh ELSE 0 END) AS c, "
        "sum(CASE WHEN flow = 'production' THEN kwh ELSE 0 END) AS p "
        "FROM hourly_readings GROUP BY ALL)"
    )
    return {
        "balance (the product's query)": lambda: sql,
        "balance, years and months by Europe/Madrid": lambda: tz_sql,
        "scan: sum(kwh) over all rows": lambda: "SELECT sum(kwh), count(*) FROM readings",
        "first pass only (leaf area x sector x carrier x hour)": lambda: first_pass,
        "first pass testing each row's resolution (before the split)": lambda: first_pass.replace(
            "FROM hourly_readings",
            "FROM readings WHERE resolution IN ('15min', 'hourly')",
        ),
        "first pass with the estimated-production sum (before)": lambda: first_pass.replace(
            sums,
            sums + ", sum(CASE WHEN flow = 'production' AND estimate THEN kwh ELSE 0 END) AS e",
        ),
        "first pass, hour as epoch_us(ts) // 3600000000": lambda: first_pass.replace(
            hourly, "epoch_us(ts) // 3600000000"
        ),
        "first pass, area and hour keys only": lambda: first_pass.replace(
            "area_code, sector, carrier,", "area_code,"
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--work", required=True, help="the m<N> folder inside a bench/energy.py work directory"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()

    from urbis.engines.energy import AreaIndex, committed_paths, synthetic_areas
    from urbis.engines.energy.engines import DuckDBRunner
    from urbis.engines.energy.queries import balance_sql

    data = Path(args.work) / "data"
    paths = committed_paths(data, CITY)
    if not paths:
        raise SystemExit(f"no stored readings under {data}; run bench/energy.py first")
    areas = AreaIndex(synthetic_areas(CITY, districts=5, neighbourhoods_per_district=8))
    runner = DuckDBRunner(threads=args.threads)
    con = runner.prepare(data, CITY, None, {"area_units": areas.units_table()})
    print(f"{len(paths)} files, load average {os.getloadavg()[0]:.1f}")
    variants = _variants(
        balance_sql(CITY, dialect="duckdb"), balance_sql(CITY, dialect="duckdb", tz="Europe/Madrid")
    )
    for name, make_sql in variants.items():
        walls, cpus = [], []
        for _ in range(args.repeat):
            cpu0, start = _cpu_seconds(), time.perf_counter()
            con.sql(make_sql()).fetchall()
            walls.append(time.perf_counter() - start)
            cpus.append(_cpu_seconds() - cpu0)
        print(f"{name:56s} wall {min(walls):6.2f} s   CPU {min(cpus):6.2f} s", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
