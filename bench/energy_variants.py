"""Where the energy balance spends its time: the product's query beside variants of it.

Runs on a store that ``bench/energy.py`` built (``--work DIR`` of that run) and prints, for
each variant, the best wall-clock and CPU time of ``--repeat`` runs in this process. The
variants are probes, not alternatives the product offers: each drops or changes one part
of the query to show what that part costs.

    .venv/bin/python bench/energy_variants.py --work /tmp/et/bench2/m10000
    .venv/bin/python bench/energy_variants.py --work /tmp/et/bench2/m10000 --key-probes

``--against OTHER`` instead runs the product's balance query on this store and on another
one (e.g. written by an older version), interleaved round by round, and prints the medians.
``--key-probes`` instead rewrites the hour-by-hour readings into copies whose group keys are
integer codes, and times the pass over every reading on DuckDB and on pandas for each copy:
what coding the keys would buy on either side. Results are recorded in docs/PERFORMANCE.md.
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
        "balance, first pass as one (area x hour) pass per sector and carrier": lambda: (
            _split_first_pass(sql)
        ),
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
        "first pass, hour key only (8,760 groups)": lambda: first_pass.replace(
            "area_code, sector, carrier,", ""
        ),
    }


def _split_first_pass(sql: str) -> str:
    """The balance with its pass over every reading split by (sector, carrier) into one
    ``GROUP BY area, hour`` each, glued with UNION ALL: fewer keys per hash probe, one scan
    per pair (Parquet statistics can skip row groups without the pair)."""
    from urbis.engines.energy.model import CARRIERS, SECTORS

    start = sql.index("hourly_leaf AS MATERIALIZED (")
    end = sql.index("leaf_all AS")
    where = sql[start:end].split("WHERE ", 1)[1].split("\n", 1)[0]
    passes = [
        f"SELECT area_code, '{sector}' AS sector, '{carrier}' AS carrier, "  # noqa: S608
        "date_trunc('hour', ts) AS hour, "
        "CAST(round(sum(CASE WHEN flow = 'consumption' THEN kwh ELSE 0 END) * 1e6) AS BIGINT) "
        "AS c, "
        "CAST(round(sum(CASE WHEN flow = 'production' THEN kwh ELSE 0 END) * 1e6) AS BIGINT) "
        f"AS p FROM hourly_readings WHERE {where} AND sector = '{sector}' "
        f"AND carrier = '{carrier}' GROUP BY area_code, date_trunc('hour', ts)"
        for sector in SECTORS
        for carrier in CARRIERS
    ]
    leaf = "hourly_leaf AS MATERIALIZED (\n" + "\nUNION ALL\n".join(passes) + "\n),\n"
    return sql[:start] + leaf + sql[end:]


_FIRST_PASS = {
    "text (the store)": (
        "area_code, sector, carrier",
        "CASE WHEN flow = 'consumption' THEN kwh ELSE 0 END",
        "CASE WHEN flow = 'production' THEN kwh ELSE 0 END",
    ),
    "integer codes": (
        "area_id, sector_id, carrier_id",
        "CASE WHEN NOT is_production THEN kwh ELSE 0 END",
        "CASE WHEN is_production THEN kwh ELSE 0 END",
    ),
    "one series code": (
        "series",
        "CASE WHEN NOT is_production THEN kwh ELSE 0 END",
        "CASE WHEN is_production THEN kwh ELSE 0 END",
    ),
}


def _coded_copies(paths: list[str], target: Path) -> dict[str, list[str]]:
    """The store's hour-by-hour files as they are, and rewritten in the same row order with
    each key as a small integer code, and with (area, sector, carrier) as one 16-bit series
    code. Row order matters to pandas' group-by, so every copy keeps the store's."""
    import duckdb

    con = duckdb.connect()
    con.sql(f"CREATE VIEW r AS SELECT * FROM read_parquet({paths!r})")  # noqa: S608
    for key in ("area_code", "sector", "carrier"):
        con.sql(
            f"CREATE TABLE code_{key} AS SELECT {key}, "  # noqa: S608
            f"CAST(row_number() OVER (ORDER BY {key}) - 1 AS INTEGER) AS {key}_id "
            f"FROM (SELECT DISTINCT {key} FROM r)"
        )
    selects = {
        "integer codes": (
            "CAST(area_code_id AS UTINYINT) AS area_id, CAST(sector_id AS UTINYINT) AS sector_id, "
            "CAST(carrier_id AS UTINYINT) AS carrier_id, flow = 'production' AS is_production, "
            "ts, kwh"
        ),
        "one series code": (
            "CAST(area_code_id * 64 + sector_id * 4 + carrier_id AS USMALLINT) AS series, "
            "flow = 'production' AS is_production, ts, kwh"
        ),
    }
    copies: dict[str, list[str]] = {"text (the store)": paths}
    for name, select in selects.items():
        copies[name] = []
        for i, path in enumerate(paths):
            out = target / f"{name.replace(' ', '-')}-{i}.parquet"
            con.sql(
                f"COPY (SELECT {select} "  # noqa: S608
                f"FROM read_parquet('{path}', file_row_number = true) "
                "JOIN code_area_code USING (area_code) JOIN code_sector USING (sector) "
                "JOIN code_carrier USING (carrier) ORDER BY file_row_number) "
                f"TO '{out}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 1048576)"
            )
            copies[name].append(str(out))
    return copies


def key_probes(paths: list[str], repeat: int, threads: int | None) -> None:
    """The pass over every reading on DuckDB and on pandas, for each coding of the keys."""
    import tempfile

    import duckdb
    import pandas as pd

    with tempfile.TemporaryDirectory(prefix="urbis-key-probes-") as tmp:
        copies = _coded_copies(paths, Path(tmp))
        for name, files in copies.items():
            keys, consumption, production = _FIRST_PASS[name]
            con = duckdb.connect()
            if threads:
                con.sql(f"SET threads = {int(threads)}")
            sql = (
                "SELECT count(*), sum(c), sum(p) FROM ("  # noqa: S608
                f"SELECT {keys}, date_trunc('hour', ts) AS h, sum({consumption}) AS c, "
                f"sum({production}) AS p FROM read_parquet({files!r}) GROUP BY ALL)"
            )
            walls, cpus = [], []
            for _ in range(repeat):
                cpu0, start = _cpu_seconds(), time.perf_counter()
                groups = con.sql(sql).fetchall()[0][0]
                walls.append(time.perf_counter() - start)
                cpus.append(_cpu_seconds() - cpu0)
            con.close()
            cpu0, start = _cpu_seconds(), time.perf_counter()
            flow = "flow" if name.startswith("text") else "is_production"
            frame = pd.read_parquet(files, columns=[*keys.split(", "), flow, "ts", "kwh"])
            frame["hour"] = frame["ts"].dt.floor("h")
            summed = (
                frame.groupby([*keys.split(", "), "hour", flow], observed=True)["kwh"]
                .sum()
                .unstack(flow, fill_value=0.0)
            )
            pandas_wall, pandas_cpu = time.perf_counter() - start, _cpu_seconds() - cpu0
            del frame
            print(
                f"keys as {name:16s} {groups:>10,} groups   DuckDB wall {min(walls):5.2f} s "
                f"CPU {min(cpus):5.2f} s   pandas wall {pandas_wall:6.2f} s CPU "
                f"{pandas_cpu:6.2f} s   ({len(summed):,} groups)",
                flush=True,
            )


def compare_stores(works: list[Path], repeat: int, threads: int | None) -> None:
    """The product's balance query on two stores of the same readings, interleaved."""
    import statistics

    from urbis.engines.energy import AreaIndex, synthetic_areas
    from urbis.engines.energy.engines import DuckDBRunner
    from urbis.engines.energy.queries import balance_sql

    areas = AreaIndex(synthetic_areas(CITY, districts=5, neighbourhoods_per_district=8))
    sql = balance_sql(CITY, dialect="duckdb")
    cons = {
        work: DuckDBRunner(threads=threads).prepare(
            work / "data", CITY, None, {"area_units": areas.units_table()}
        )
        for work in works
    }
    runs: dict[Path, list[tuple[float, float, int]]] = {work: [] for work in works}
    for _ in range(repeat):
        for work, con in cons.items():
            cpu0, start = _cpu_seconds(), time.perf_counter()
            rows = len(con.sql(sql).fetchall())
            runs[work].append((time.perf_counter() - start, _cpu_seconds() - cpu0, rows))
    for work, measured in runs.items():
        walls = [m[0] for m in measured]
        cpus = [m[1] for m in measured]
        print(
            f"{str(work):40s} {measured[0][2]:,} rows   "
            f"wall median {statistics.median(walls):.2f} s"
            f" (min {min(walls):.2f})   CPU median {statistics.median(cpus):.2f} s"
            f" (min {min(cpus):.2f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--work", required=True, help="the m<N> folder inside a bench/energy.py work directory"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument(
        "--against", default=None, help="the m<N> folder of another store to compare with"
    )
    parser.add_argument(
        "--key-probes", action="store_true", help="time integer-coded copies of the keys instead"
    )
    args = parser.parse_args()

    from urbis.engines.energy import AreaIndex, committed_paths, synthetic_areas
    from urbis.engines.energy.engines import DuckDBRunner
    from urbis.engines.energy.queries import balance_sql
    from urbis.engines.energy.store import committed_parts

    if args.against:
        print(f"load average {os.getloadavg()[0]:.1f}")
        compare_stores([Path(args.work), Path(args.against)], args.repeat, args.threads)
        print(f"load average {os.getloadavg()[0]:.1f}")
        return
    data = Path(args.work) / "data"
    paths = committed_paths(data, CITY)
    if not paths:
        raise SystemExit(f"no stored readings under {data}; run bench/energy.py first")
    if args.key_probes:
        print(f"load average {os.getloadavg()[0]:.1f}")
        hourly = [str(path) for path, kind in committed_parts(data, CITY) if kind == "hourly"]
        key_probes(hourly, args.repeat, args.threads)
        print(f"load average {os.getloadavg()[0]:.1f}")
        return
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
