"""Energy at city scale: a 1,000,000-meter city from 100 replicated 10,000-meter cube sets.

The 10,000-meter year store is built with bench/energy.py's generator and ingest (or reused
with ``--reuse``). The 1,000,000-meter city is then made **by replication, not generated**:
the store's ten files (1,000 meters each) are linked 100 times under new file hashes and
catalogue records, as if 100 deliveries of 10,000 meters each had been stored for the same 40
areas (meter ids repeat across the copies; every sum of the city is exactly 100 times the
10,000-meter city's). Readings and file cubes are hard links, so the copies take no disk.

Then, each in its own child process with its peak RSS:

(a) ``merge``: the city's merged cube as storing the deliveries one by one builds it, file
    by file as the store's commit adds a cube: the first delivery and the last one (onto the
    99 before it) measured, the total extrapolated from them (or measured: ``--merge-all``);
(b) ``merged``: the balance of every level, sector, month and year from the merged cube;
(c) ``files``: the same balance from the 1,000 file cubes, without the merged cube;
(d) ``readings``: the balance of ONE 10,000-meter set from its raw readings, times 100
    (extrapolated, not run on the million meters);
(e) ``check``: the million-meter balance's integer mWh sums equal exactly 100 times the
    10,000-meter city's (hours and keys equal); the run fails otherwise;
(f) ``api``: the map's API (``GET /api/v1/cities/{code}/energy/balance?format=geojson``) on a
    throwaway Urbis data directory holding the city, in process with Django's test client and
    DEBUG off: p50/p95 of 200 requests after a warm-up, CPU time beside wall time.

    .venv/bin/python bench/energy_scale.py --work /tmp/scale            # build + everything
    .venv/bin/python bench/energy_scale.py --work /tmp/scale --reuse    # reuse the 10,000 store

Results and the command are recorded in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# --src: the Urbis sources a child step runs (the API step of another tree, side by side).
SRC = Path(sys.argv[sys.argv.index("--src") + 1]) if "--src" in sys.argv else ROOT / "src"
sys.path.insert(0, str(SRC))


def _load_base() -> Any:
    """bench/energy.py (generator, ingest, timing helpers), loaded by path."""
    spec = importlib.util.spec_from_file_location("bench_energy", ROOT / "bench" / "energy.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_energy", module)
    spec.loader.exec_module(module)
    return module


base = _load_base()
sys.path.insert(0, str(SRC))  # bench/energy.py put this tree's src first
CITY: str = base.CITY
SOURCE_METERS = 10_000


# ------------------------------------------------------------------------- replication


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system: a copy costs disk but gives the same store
        shutil.copyfile(source, target)


def replica_hash(file_hash: str, copy: int) -> str:
    """The file hash of copy ``copy`` of a stored file."""
    import hashlib

    return hashlib.sha256(f"{file_hash}-delivery{copy}".encode()).hexdigest()


def replicate_cube_sets(
    source: str | os.PathLike[str], target: str | os.PathLike[str], city: str, copies: int
) -> list[list[str]]:
    """Store ``copies`` copies of every committed file of ``city`` in ``source`` into the empty
    store ``target``: readings parts and file cubes linked under new file hashes, one new
    catalogue record each (the same areas, readings and meter ids; ``source_name`` says which
    copy). No merged cube is written (the store builds it on first read, or see
    :func:`commit_cubes`). Returns the new file hashes, one list per copy (delivery)."""
    from urbis.engines.energy import list_files
    from urbis.engines.energy.store import (
        _catalogue_dir,
        cube_path,
        part_path,
        record_parts,
        record_years,
    )

    if list_files(target, city):
        raise SystemExit(f"{target} already holds files of {city}")
    deliveries: list[list[str]] = []
    records = list_files(source, city)
    for copy in range(copies):
        hashes = []
        for record in records:
            new = replica_hash(record.file_hash, copy)
            for year, kind in record_parts(record):
                _link(
                    part_path(source, city, year, record.file_hash, kind),
                    part_path(target, city, year, new, kind),
                )
            for year in record_years(record):
                _link(cube_path(source, city, year, record.file_hash),
                      cube_path(target, city, year, new))
            payload = json.loads(
                (_catalogue_dir(source, city) / f"{record.file_hash}.json").read_text()
            )
            payload.update(file_hash=new, source_name=f"{record.source_name}#delivery{copy + 1}")
            folder = _catalogue_dir(target, city)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{new}.json").write_text(json.dumps(payload))
            hashes.append(new)
        deliveries.append(hashes)
    return deliveries


def _deliveries(data: Path, city: str) -> list[list[str]]:
    """The replicated store's file hashes grouped by delivery (from ``source_name``)."""
    from urbis.engines.energy import list_files

    groups: dict[int, list[str]] = {}
    for record in list_files(data, city):
        copy = int(record.source_name.rsplit("#delivery", 1)[1])
        groups.setdefault(copy, []).append(record.file_hash)
    return [groups[k] for k in sorted(groups)]


def commit_cubes(
    data: str | os.PathLike[str], city: str, year: int, committed: list[Any], adding: list[Any]
) -> tuple[list[float], float]:
    """Add the cubes of the files ``adding`` to the merged cube of ``committed`` one file at
    a time, as the store's commit does (``store._merged_after``: the merged cube read from
    disk, the file's cube added, the result written at its new key, the old one removed).
    Returns each file's seconds and the CPU seconds of all."""
    import pyarrow.parquet as pq

    from urbis.engines.energy.store import (
        _merged_after,
        _write_atomically,
        cube_path,
        merged_key,
        merged_path,
    )

    seconds = []
    cpu0 = base._cpu_seconds()
    for record in adding:
        start = time.perf_counter()
        key = merged_key(committed, year)
        table = _merged_after(
            data, city, year, committed, add=pq.read_table(cube_path(data, city, year,
                                                                       record.file_hash))
        )
        committed.append(record)
        _write_atomically(table, merged_path(data, city, year, str(merged_key(committed, year))))
        if key is not None:
            merged_path(data, city, year, key).unlink()
        seconds.append(time.perf_counter() - start)
    return seconds, base._cpu_seconds() - cpu0


def repeated_sum(table: Any, times: int) -> Any:
    """``times`` copies of a merged cube added together with :func:`.cube.merge_cubes`, by
    doubling (log2(times) additions instead of ``times``)."""
    from urbis.engines.energy.cube import merge_cubes

    total, power = None, table
    while times:
        if times & 1:
            total = power if total is None else merge_cubes([total, power])
        times >>= 1
        if times:
            power = merge_cubes([power, power])
    assert total is not None
    return total


# ------------------------------------------------------------------------- child steps


def _work(args: argparse.Namespace) -> tuple[Path, Path]:
    """The 10,000-meter store and the replicated city's store (its Urbis data dir too)."""
    return (
        Path(args.work) / f"m{args.meters}" / "data",
        Path(args.work) / "city" / "data",
    )


def _timed(fn: Any) -> tuple[Any, float, float]:
    start, cpu0 = time.perf_counter(), base._cpu_seconds()
    value = fn()
    return value, time.perf_counter() - start, base._cpu_seconds() - cpu0


def step_merge(args: argparse.Namespace) -> dict[str, Any]:
    """(a) The city's merged cube. Measured: the first delivery and the last one (onto the
    merged cube of the 99 before it), each file by file as the store commits it. With
    ``--merge-all`` every delivery is committed so (long); otherwise the 99 deliveries'
    merged cube is one delivery's added to itself by doubling (the same sums, stated) and
    the total is extrapolated: after the first delivery the merged cube has all its rows, so
    each later delivery costs what the last one does."""
    import pyarrow.parquet as pq

    from urbis.engines.energy import list_files
    from urbis.engines.energy.store import _write_atomically, cubes_root, merged_key, merged_path

    _, data = _work(args)
    shutil.rmtree(cubes_root(data), ignore_errors=True)
    year = args.year
    records = list_files(data, CITY)
    by_hash = {r.file_hash: r for r in records}
    deliveries = [[by_hash[h] for h in hashes] for hashes in _deliveries(data, CITY)]
    out: dict[str, Any] = {"deliveries": len(deliveries), "files": len(records)}
    committed: list[Any] = []
    first, first_cpu = commit_cubes(data, CITY, year, committed, deliveries[0])
    out.update(first_delivery_seconds=sum(first), first_delivery_cpu_seconds=first_cpu)
    if args.merge_all:
        seconds, cpu = list(first), first_cpu
        for delivery in deliveries[1:-1]:
            more, more_cpu = commit_cubes(data, CITY, year, committed, delivery)
            seconds += more
            cpu += more_cpu
        out.update(middle_deliveries_seconds=sum(seconds) - sum(first),
                   middle_deliveries_cpu_seconds=cpu - first_cpu)
    else:
        one = merged_path(data, CITY, year, str(merged_key(committed, year)))
        start, cpu0 = time.perf_counter(), base._cpu_seconds()
        table = repeated_sum(pq.read_table(one), len(deliveries) - 1)
        one.unlink()
        committed = [r for d in deliveries[:-1] for r in d]
        _write_atomically(table, merged_path(data, CITY, year, str(merged_key(committed, year))))
        out.update(doubling_seconds=time.perf_counter() - start,
                   doubling_cpu_seconds=base._cpu_seconds() - cpu0)
        del table
    last, last_cpu = commit_cubes(data, CITY, year, committed, deliveries[-1])
    out.update(last_delivery_seconds=sum(last), last_delivery_cpu_seconds=last_cpu,
               last_delivery_file_seconds=last)
    if args.merge_all:
        out["total_seconds"] = sum(seconds) + sum(last)
        out["total_cpu_seconds"] = cpu + last_cpu
    else:  # extrapolated, labelled so in the output
        out["total_seconds_extrapolated"] = sum(first) + (len(deliveries) - 1) * sum(last)
        out["total_cpu_seconds_extrapolated"] = first_cpu + (len(deliveries) - 1) * last_cpu
    final = merged_path(data, CITY, year, str(merged_key(records, year)))
    out["merged_rows"] = pq.read_metadata(final).num_rows
    return out


def _file_cubes_runner(memory_limit: str | None, temp_dir: Path | None) -> Any:
    """A DuckDB runner whose ``cube`` view is every committed file's cube instead of the
    city's merged cube (the balance SQL sums cube rows per area and hour either way)."""
    from urbis.engines.energy import DuckDBRunner
    from urbis.engines.energy.cube import empty_cube
    from urbis.engines.energy.store import committed_cubes

    class Runner(DuckDBRunner):
        def prepare(self, data_dir, city, years, tables, sql=None):  # type: ignore[no-untyped-def]
            con = self.connect()
            for name, estimates in (("cube", None), ("estimated_cube", True)):
                paths = [p.as_posix() for p in committed_cubes(data_dir, city, years,
                                                               estimates=estimates)]
                if paths:
                    con.register(name, con.read_parquet(paths, hive_partitioning=True))
                else:
                    con.register(name, empty_cube())
            for name, table in tables.items():
                con.register(name, table)
            return con

    return Runner(memory_limit=memory_limit, temp_dir=temp_dir)


def _balance_step(
    args: argparse.Namespace, data: Path, runner: Any, source: str, keep: Path | None = None
) -> dict[str, Any]:
    from urbis.engines.energy import AreaIndex, energy_balance

    index = AreaIndex(base._areas())
    times, cpu = [], []
    result = None
    for _ in range(1 if source == "files" else args.repeat):
        result, seconds, cpu_s = _timed(
            lambda: energy_balance(
                data, CITY, index, engine=runner, source="readings" if source == "readings"
                else "cube"
            )
        )
        times.append(seconds)
        cpu.append(cpu_s)
    assert result is not None
    if keep is not None:  # for the check step to compare
        result.to_polars().write_parquet(keep)
    return {
        "seconds": sorted(times)[len(times) // 2],
        "all_seconds": times,
        "cpu_seconds": sorted(cpu)[len(cpu) // 2],
        "result_rows": len(result),
        "levels": sorted(set(result.to_polars()["level"].to_list())),
        "city_year": base._balance_summary(result.to_polars()),
    }


def _runner(args: argparse.Namespace) -> Any:
    from urbis.engines.energy import DuckDBRunner

    temp = Path(args.work) / "duckdb-tmp"
    return DuckDBRunner(
        memory_limit=args.memory_limit, temp_dir=temp if args.memory_limit else None
    )


def step_merged(args: argparse.Namespace) -> dict[str, Any]:
    """(b) Every level's balance of the million-meter city from its merged cube."""
    import polars as pl

    from urbis.engines.energy.store import merged_cubes

    _, data = _work(args)
    paths = merged_cubes(data, CITY)  # built by the merge step: only looked up here
    out = _balance_step(args, data, _runner(args), "cube", data.parent / "balance-merged.parquet")
    out["merged_rows"] = sum(pl.scan_parquet(p).select(pl.len()).collect().item() for p in paths)
    return out


def step_files(args: argparse.Namespace) -> dict[str, Any]:
    """(c) The same balance from the 1,000 file cubes, without the merged cube."""
    import polars as pl

    from urbis.engines.energy.store import committed_cubes

    _, data = _work(args)
    temp = Path(args.work) / "duckdb-tmp"
    out = _balance_step(
        args, data, _file_cubes_runner(args.memory_limit, temp), "files",
        data.parent / "balance-files.parquet",
    )
    paths = committed_cubes(data, CITY)
    out["file_cubes"] = len(paths)
    out["file_cube_rows"] = sum(
        pl.scan_parquet(p).select(pl.len()).collect().item() for p in paths
    )
    return out


def step_readings(args: argparse.Namespace) -> dict[str, Any]:
    """(d) ONE 10,000-meter set's balance from its raw readings (×100 is extrapolated)."""
    source, _ = _work(args)
    out = _balance_step(args, source, _runner(args), "readings")
    out["readings"] = base._store_rows(source)
    return out


def raw_sums(data: str | os.PathLike[str], city: str, areas: Any, **options: Any) -> Any:
    """The balance's integer sums (mWh, hours) as the engine returns them, before kWh."""
    import polars as pl

    from urbis.engines.energy import AreaIndex, make_runner
    from urbis.engines.energy.queries import balance_sql

    index = areas if isinstance(areas, AreaIndex) else AreaIndex(areas)
    runner = make_runner(options.pop("engine", "duckdb"))
    raw = runner.run(balance_sql(city, None, dialect=runner.name, **options), data, city, None,
                     {"area_units": index.units_table()})
    frame = pl.from_arrow(raw)
    assert isinstance(frame, pl.DataFrame)
    return frame


#: The balance's integer columns that are sums or maxima of mWh (scale with the meters).
ENERGY_COLUMNS = (
    "hourly_consumption", "hourly_production", "estimated_production", "matched",
    "peak_import", "peak_export", "coarse_consumption", "coarse_production",
)


def scaled_difference(big: Any, small: Any, factor: int) -> Any:
    """Rows where ``big`` is not exactly ``factor`` × ``small`` (energy columns) with the same
    keys and hours; empty when the replication law holds."""
    import polars as pl

    keys = ["level", "area_code", "sector", "carrier", "year", "month"]
    scaled = small.with_columns(pl.col(c) * factor for c in ENERGY_COLUMNS)
    joined = big.join(scaled, on=keys, how="full", suffix="_x", nulls_equal=True)
    same = pl.lit(True)
    for column in [*ENERGY_COLUMNS, "hours"]:
        same = same & pl.col(column).eq_missing(pl.col(f"{column}_x"))
    return joined.filter(~same | pl.col("level").is_null() | pl.col("level_x").is_null())


def step_check(args: argparse.Namespace) -> dict[str, Any]:
    """(e) The million-meter balance = 100 × the 10,000-meter balance, in integer mWh."""
    source, data = _work(args)
    areas = base._areas()
    small = raw_sums(source, CITY, areas)
    big = raw_sums(data, CITY, areas)
    wrong = scaled_difference(big, small, args.copies)
    if wrong.height or big.height != small.height:
        raise SystemExit(f"the million-meter balance is not {args.copies}x: {wrong.head(5)}")
    import polars as pl

    kept = [data.parent / f"balance-{name}.parquet" for name in ("merged", "files")]
    same = None
    if all(p.is_file() for p in kept):
        same = pl.read_parquet(kept[0]).equals(pl.read_parquet(kept[1]))
        if not same:
            raise SystemExit("the balances from the merged cube and the file cubes differ")
    return {"rows": big.height, "exact": True, "merged_equals_file_cubes": same,
            "city_consumption_mwh": int(big.filter(
                (big["level"] == "city") & (big["sector"] == "all") & (big["month"] == 0)
            )["hourly_consumption"].sum())}


def _django(data: Path) -> Any:
    os.environ["URBIS_DATA_DIR"] = str(data)
    os.environ["URBIS_DATABASE_URL"] = f"sqlite:///{data / 'urbis.sqlite3'}"
    os.environ["URBIS_DEBUG"] = "0"
    os.environ["URBIS_SECURE_SSL_REDIRECT"] = "0"
    os.environ["URBIS_SECURE_COOKIES"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "urbis.settings"
    for name in ("urbis.sqlite3", "urbis.sqlite3-wal", "urbis.sqlite3-shm"):
        (data / name).unlink(missing_ok=True)
    shutil.rmtree(data / "energy" / "cache", ignore_errors=True)
    subprocess.run([sys.executable, "-m", "urbis", "migrate", "--noinput"], check=True,
                   cwd=ROOT, stdout=subprocess.DEVNULL,
                   env={**os.environ, "PYTHONPATH": str(SRC)})
    import django

    django.setup()


def _load_city() -> None:
    """The synthetic city's 40 neighbourhoods and 5 districts as Urbis areas (districts and
    city outlined by their neighbourhoods), published, by the ORM: a throwaway data dir."""
    import shapely

    from urbis.places.models import Area, City

    areas = base._areas()
    shapes = {a.code: shapely.from_wkb(a.geometry) for a in areas if a.geometry}
    for a in areas:
        if a.level != "neighbourhood":
            shapes[a.code] = shapely.union_all(
                [g for code, g in shapes.items() if code.startswith(f"{a.code}-")]
            )

    def geo(shape: Any) -> Any:
        return json.loads(shapely.to_geojson(shape))

    root = next(a for a in areas if a.level == "city")
    city = City.objects.create(code=CITY, name="Bench city", country="ES", time_zone="UTC",
                               boundary=geo(shapes[root.code]),
                               bbox=list(shapes[root.code].bounds))
    made: dict[str, Any] = {}
    for a in areas:
        if a.level == "city":
            continue
        made[a.code] = Area.objects.create(
            city=city, level=a.level, code=a.code, name=a.name or a.code,
            parent=made.get(a.parent_code or ""), households=a.households,
            floor_area_m2=a.floor_area_m2, geometry=geo(shapes[a.code]),
            bbox=list(shapes[a.code].bounds),
        )


def step_api(args: argparse.Namespace) -> dict[str, Any]:
    """(f) The map's API on the million-meter city: p50/p95 in process, DEBUG off."""
    _, data = _work(args)
    _django(data)
    _load_city()
    from django.test import Client

    client = Client()
    out: dict[str, Any] = {}
    first = f"/api/v1/cities/{CITY}/energy/balance?format=geojson&level=neighbourhood"
    response, seconds, cpu_s = _timed(lambda: client.get(first))
    assert response.status_code == 200, response.content[:500]
    out["first_request_seconds"] = seconds  # computes and caches the city's balance
    out["first_request_cpu_seconds"] = cpu_s
    urls = {
        "neighbourhood": first,
        "city": first.replace("level=neighbourhood", "level=city"),
        "balance table (JSON)": f"/api/v1/cities/{CITY}/energy/balance?level=neighbourhood",
    }
    for label, url in urls.items():
        for _ in range(20):
            assert client.get(url).status_code == 200
        wall, cpu = [], []
        for _ in range(args.requests):
            response, seconds, cpu_s = _timed(lambda u=url: client.get(u))
            assert response.status_code == 200
            wall.append(seconds * 1000)
            cpu.append(cpu_s * 1000)
        wall.sort()
        cpu.sort()
        body = response.json()
        out[label] = {
            "url": url,
            "p50_ms": wall[len(wall) // 2],
            "p95_ms": wall[int(len(wall) * 0.95) - 1],
            "cpu_p50_ms": cpu[len(cpu) // 2],
            "cpu_p95_ms": cpu[int(len(cpu) * 0.95) - 1],
            "features": len(body.get("features", body.get("items", []))),
        }
    out["requests"] = args.requests
    import urbis

    out["urbis_sources"] = str(Path(urbis.__file__).parent)
    return out


STEPS = {
    "merge": step_merge,
    "merged": step_merged,
    "files": step_files,
    "readings": step_readings,
    "check": step_check,
    "api": step_api,
}


# ------------------------------------------------------------------------- parent


def run_child(step: str, args: argparse.Namespace, src: str | None = None) -> dict[str, Any]:
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", step, "--work", args.work,
            "--year", str(args.year), "--meters", str(args.meters), "--repeat", str(args.repeat),
            "--copies", str(args.copies), "--requests", str(args.requests)]
    if args.merge_all:
        argv.append("--merge-all")
    if src:
        argv += ["--src", src]
    if args.memory_limit:
        argv += ["--memory-limit", args.memory_limit]
    load = os.getloadavg()[0]
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"step {step} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["load"] = [round(load, 2), round(os.getloadavg()[0], 2)]
    return result


def build_source(args: argparse.Namespace) -> dict[str, Any]:
    """The 10,000-meter year store, with bench/energy.py's own child steps."""
    work = Path(args.work) / f"m{args.meters}"
    if args.reuse and (work / "data").is_dir():
        return {"reused": str(work / "data")}
    work.mkdir(parents=True, exist_ok=True)
    options = argparse.Namespace(
        meters=args.meters, year=args.year, work=str(work), repeat=1, spark_memory="4g",
        side_by_side=False, memory_limit=None,
    )
    return {"synth": base.run_child("synth", options), "ingest": base.run_child("ingest", options)}


def summary(report: dict[str, Any], args: argparse.Namespace) -> None:
    """The figures side by side, wall and CPU seconds, peak RSS and load."""
    n = args.copies

    def line(label: str, r: dict[str, Any], wall: str, cpu: str, note: str = "") -> None:
        print(f"  {label:<58} {r[wall]:>8.2f} s {r[cpu]:>8.2f} CPU-s "
              f"{r['peak_rss_mib']:>6.0f} MiB  load {r['load'][0]:.1f}/{r['load'][1]:.1f}{note}")

    print(f"\n{args.meters * n:,} meters ({n} replicated sets of {args.meters:,}):")
    m = report.get("merge")
    if m:
        line("(a) merged cube: first delivery, file by file", m, "first_delivery_seconds",
             "first_delivery_cpu_seconds")
        line("(a) merged cube: last delivery onto the 99 before it", m, "last_delivery_seconds",
             "last_delivery_cpu_seconds")
        if "total_seconds" in m:
            line("(a) merged cube: all deliveries one by one", m, "total_seconds",
                 "total_cpu_seconds")
        else:
            line("(a) all deliveries one by one (EXTRAPOLATED: first + 99 x last)", m,
                 "total_seconds_extrapolated", "total_cpu_seconds_extrapolated")
    for step, label in (("merged", "(b) balance, every level, from the merged cube"),
                        ("files", "(c) the same from the file cubes, no merged cube")):
        if step in report:
            line(label, report[step], "seconds", "cpu_seconds")
    r = report.get("readings")
    if r:
        line(f"(d) ONE {args.meters:,}-meter set from raw readings", r, "seconds", "cpu_seconds")
        print(f"  (d) x{n}, EXTRAPOLATED, not run: {r['seconds'] * n:.1f} s, "
              f"{r['cpu_seconds'] * n:.1f} CPU-s")
    if "check" in report:
        print(f"  (e) balance = {n} x the {args.meters:,}-meter balance, integer mWh: exact; "
              f"merged = file cubes: {report['check']['merged_equals_file_cubes']}")
    for name in ("api_before", "api"):
        api = report.get(name)
        if not api:
            continue
        which = f" BEFORE ({args.api_before})" if name == "api_before" else ""
        print(f"  (f) map API{which}, first request (computes the balance): "
              f"{api['first_request_seconds']:.2f} s; then {api['requests']} requests each, "
              f"load {api['load'][0]:.1f}/{api['load'][1]:.1f}:")
        for label, v in api.items():
            if isinstance(v, dict):
                print(f"      {label:<42} p50 {v['p50_ms']:6.1f} ms p95 {v['p95_ms']:6.1f} ms"
                      f" (CPU p50 {v['cpu_p50_ms']:.1f}, p95 {v['cpu_p95_ms']:.1f} ms),"
                      f" {v['features']} features")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", default=str(ROOT / "var" / "bench-energy-scale"))
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--meters", type=int, default=SOURCE_METERS, help="meters of one set")
    parser.add_argument("--copies", type=int, default=100, help="deliveries of --meters each")
    parser.add_argument("--repeat", type=int, default=3, help="balance runs; median reported")
    parser.add_argument("--requests", type=int, default=200, help="API requests per URL")
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory_limit, e.g. 1GB")
    parser.add_argument("--reuse", action="store_true", help="reuse the 10,000-meter store")
    parser.add_argument(
        "--merge-all", action="store_true",
        help="commit every delivery's cubes into the merged cube (else first, last, doubling)",
    )
    parser.add_argument("--steps", default=",".join(STEPS), help="comma-separated steps to run")
    parser.add_argument(
        "--api-before", default=None,
        help="also run the API step on the Urbis sources in this folder first (side by side)",
    )
    parser.add_argument("--src", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--json", default=None, help="write results to this JSON file")
    parser.add_argument("--child", choices=sorted(STEPS), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        result = STEPS[args.child](args)
        result["peak_rss_mib"] = base._peak_rss_mib()
        print(json.dumps(result))
        return

    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "command": " ".join([".venv/bin/python", "bench/energy_scale.py", *sys.argv[1:]]),
    }
    source, data = _work(args)
    replicated = args.reuse and (data / "energy" / "readings" / "_catalogue").is_dir()
    if not replicated or {"readings", "check"} & set(args.steps.split(",")):
        report["source"] = build_source(args)
    if not replicated:
        shutil.rmtree(data.parent, ignore_errors=True)
        _, seconds, _ = _timed(lambda: replicate_cube_sets(source, data, CITY, args.copies))
        report["replicate_seconds"] = seconds
    files = len(_deliveries(data, CITY)[0])
    print(f"A {args.meters * args.copies:,}-meter city REPLICATED from the {args.meters:,}-"
          f"meter store: {args.copies} copies of its cube set ({files} files each) under new "
          "names, "
          f"as if {args.copies} deliveries of {args.meters:,} meters had been stored for the "
          "same 40 areas; every figure is exactly that multiple of the smaller city's.")
    for step in args.steps.split(","):
        if step == "api" and args.api_before:
            report["api_before"] = run_child(step, args, src=args.api_before)
            print("api_before", json.dumps(report["api_before"]))
        report[step] = run_child(step, args)
        print(step, json.dumps(report[step]))
        sys.stdout.flush()
    summary(report, args)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
