"""Energy at city scale: a 1,000,000-meter city from 100 replicated 10,000-meter cube sets.

The 10,000-meter year store is built with bench/energy.py's generator and ingest (or reused
with ``--reuse``). The 1,000,000-meter city is then made **by replication, not generated**:
the store's ten files (1,000 meters each) are linked 100 times under new file hashes and
catalogue records, as if 100 deliveries of 10,000 meters each had been stored for the same 40
areas (meter ids repeat across the copies; every sum of the city is exactly 100 times the
10,000-meter city's). Readings and file cubes are hard links, so the copies take no disk.

Then, each in its own child process with its peak RSS:

(a) ``merge``: the city's merged cube built as storing the deliveries one by one builds it
    (each delivery's ten file cubes added to the merged cube, which is written after each),
    and the last delivery again as the store commits it, file by file;
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
sys.path.insert(0, str(ROOT / "src"))


def _load_base() -> Any:
    """bench/energy.py (generator, ingest, timing helpers), loaded by path."""
    spec = importlib.util.spec_from_file_location("bench_energy", ROOT / "bench" / "energy.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_energy", module)
    spec.loader.exec_module(module)
    return module


base = _load_base()
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
    :func:`merge_deliveries`). Returns the new file hashes, one list per copy (delivery)."""
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


def merge_deliveries(
    data: str | os.PathLike[str], city: str, year: int, deliveries: list[list[str]]
) -> tuple[Any, list[float]]:
    """The merged cube of ``year`` built delivery by delivery, as storing them one after the
    other does: each delivery's file cubes read and added to the merged cube, which is
    written (atomically, at its key) after each. Returns the table and the seconds of each."""
    import pyarrow.parquet as pq

    from urbis.engines.energy import list_files
    from urbis.engines.energy.cube import merge_cubes
    from urbis.engines.energy.store import _write_atomically, cube_path, merged_key, merged_path

    records = {r.file_hash: r for r in list_files(data, city)}
    merged = merge_cubes([])
    stored: list[Any] = []
    seconds = []
    for hashes in deliveries:
        start = time.perf_counter()
        cubes = [pq.read_table(cube_path(data, city, year, h)) for h in hashes]
        merged = merge_cubes([merged, *cubes])
        stored += [records[h] for h in hashes]
        key = merged_key(stored, year)
        assert key is not None
        _write_atomically(merged, merged_path(data, city, year, key))
        if len(stored) < len(records):  # keep only the last, as commits prune the older
            merged_path(data, city, year, key).unlink()
        seconds.append(time.perf_counter() - start)
    return merged, seconds


# ------------------------------------------------------------------------- child steps


def _work(args: argparse.Namespace) -> tuple[Path, Path]:
    """The 10,000-meter store and the replicated city's store (its Urbis data dir too)."""
    return (
        Path(args.work) / f"m{SOURCE_METERS}" / "data",
        Path(args.work) / "city" / "data",
    )


def _timed(fn: Any) -> tuple[Any, float, float]:
    start, cpu0 = time.perf_counter(), base._cpu_seconds()
    value = fn()
    return value, time.perf_counter() - start, base._cpu_seconds() - cpu0


def step_merge(args: argparse.Namespace) -> dict[str, Any]:
    """(a) The merged cube: every delivery added in turn, then the last one again file by
    file as the store's commit adds it (``store._merged_after``)."""
    import pyarrow.parquet as pq

    from urbis.engines.energy import list_files
    from urbis.engines.energy.cube import merge_cubes
    from urbis.engines.energy.store import (
        _merged_after,
        _write_atomically,
        cube_path,
        cubes_root,
        merged_key,
        merged_path,
    )

    _, data = _work(args)
    shutil.rmtree(cubes_root(data), ignore_errors=True)
    deliveries = _deliveries(data, CITY)
    cpu0 = base._cpu_seconds()
    merged, seconds = merge_deliveries(data, CITY, args.year, deliveries)
    total_cpu = base._cpu_seconds() - cpu0
    # The last delivery again, as the store commits it: one file at a time onto the merged
    # cube of the files before it (read from disk), each result written at its key. Its
    # starting point, the merged cube of the first 99 deliveries, is the full one minus the
    # last delivery's cubes (what withdrawing them would write).
    records = list_files(data, CITY)
    last = [r for r in records if r.file_hash in set(deliveries[-1])]
    committed = [r for r in records if r.file_hash not in set(deliveries[-1])]
    full_path = merged_path(data, CITY, args.year, str(merged_key(records, args.year)))
    cubes = [pq.read_table(cube_path(data, CITY, args.year, r.file_hash)) for r in last]
    _write_atomically(
        merge_cubes([merged], cubes),
        merged_path(data, CITY, args.year, str(merged_key(committed, args.year))),
    )
    full_path.unlink()
    del cubes
    start, cpu0 = time.perf_counter(), base._cpu_seconds()
    for record in last:
        table = _merged_after(
            data, CITY, args.year, committed,
            add=pq.read_table(cube_path(data, CITY, args.year, record.file_hash)),
        )
        old = merged_path(data, CITY, args.year, str(merged_key(committed, args.year)))
        committed.append(record)
        _write_atomically(
            table, merged_path(data, CITY, args.year, str(merged_key(committed, args.year)))
        )
        old.unlink()
    file_by_file_s = time.perf_counter() - start
    file_by_file_cpu = base._cpu_seconds() - cpu0
    if not pq.read_table(full_path).equals(merged):
        raise SystemExit("the last delivery added file by file gave another merged cube")
    return {
        "deliveries": len(deliveries),
        "files": len(records),
        "merged_rows": merged.num_rows,
        "total_seconds": sum(seconds),
        "total_cpu_seconds": total_cpu,
        "first_delivery_seconds": seconds[0],
        "last_delivery_seconds": seconds[-1],
        "median_delivery_seconds": sorted(seconds)[len(seconds) // 2],
        "last_delivery_file_by_file_seconds": file_by_file_s,
        "last_delivery_file_by_file_cpu_seconds": file_by_file_cpu,
    }


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


def _balance_step(args: argparse.Namespace, data: Path, runner: Any, source: str) -> dict[str, Any]:
    from urbis.engines.energy import AreaIndex, energy_balance

    index = AreaIndex(base._areas())
    times, cpu = [], []
    result = None
    for _ in range(args.repeat):
        result, seconds, cpu_s = _timed(
            lambda: energy_balance(data, CITY, index, engine=runner, source=source)
        )
        times.append(seconds)
        cpu.append(cpu_s)
    assert result is not None
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
    out = _balance_step(args, data, _runner(args), "cube")
    out["merged_rows"] = sum(pl.scan_parquet(p).select(pl.len()).collect().item() for p in paths)
    return out


def step_files(args: argparse.Namespace) -> dict[str, Any]:
    """(c) The same balance from the 1,000 file cubes, without the merged cube."""
    import polars as pl

    from urbis.engines.energy.store import committed_cubes

    _, data = _work(args)
    temp = Path(args.work) / "duckdb-tmp"
    out = _balance_step(args, data, _file_cubes_runner(args.memory_limit, temp), "cube")
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
    return {"rows": big.height, "exact": True,
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
    (data / "urbis.sqlite3").unlink(missing_ok=True)
    shutil.rmtree(data / "energy" / "cache", ignore_errors=True)
    subprocess.run([sys.executable, "-m", "urbis", "migrate", "--noinput"], check=True,
                   cwd=ROOT, stdout=subprocess.DEVNULL, env=os.environ)
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
        "district": first.replace("neighbourhood", "district"),
        "city": first.replace("level=neighbourhood", "level=city"),
        "neighbourhood, self-sufficiency, March": first + "&measure=self_sufficiency&month=3",
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


def run_child(step: str, args: argparse.Namespace) -> dict[str, Any]:
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", step, "--work", args.work,
            "--year", str(args.year), "--repeat", str(args.repeat), "--copies", str(args.copies),
            "--requests", str(args.requests)]
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
    work = Path(args.work) / f"m{SOURCE_METERS}"
    if args.reuse and (work / "data").is_dir():
        return {"reused": str(work / "data")}
    work.mkdir(parents=True, exist_ok=True)
    options = argparse.Namespace(
        meters=SOURCE_METERS, year=args.year, work=str(work), repeat=1, spark_memory="4g",
        side_by_side=False, memory_limit=None,
    )
    return {"synth": base.run_child("synth", options), "ingest": base.run_child("ingest", options)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", default=str(ROOT / "var" / "bench-energy-scale"))
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--copies", type=int, default=100, help="deliveries of 10,000 meters")
    parser.add_argument("--repeat", type=int, default=3, help="balance runs; median reported")
    parser.add_argument("--requests", type=int, default=200, help="API requests per URL")
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory_limit, e.g. 1GB")
    parser.add_argument("--reuse", action="store_true", help="reuse the 10,000-meter store")
    parser.add_argument("--steps", default=",".join(STEPS), help="comma-separated steps to run")
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
        "source": build_source(args),
    }
    source, data = _work(args)
    if not (args.reuse and (data / "energy" / "readings" / "_catalogue").is_dir()):
        shutil.rmtree(data.parent, ignore_errors=True)
        _, seconds, _ = _timed(lambda: replicate_cube_sets(source, data, CITY, args.copies))
        report["replicate_seconds"] = seconds
    print(f"A {SOURCE_METERS * args.copies:,}-meter city REPLICATED from the {SOURCE_METERS:,}-"
          f"meter store: {args.copies} copies of its cube set (10 files each) under new names, "
          f"as if {args.copies} deliveries of {SOURCE_METERS:,} meters had been stored for the "
          "same 40 areas; every figure is exactly that multiple of the smaller city's.")
    for step in args.steps.split(","):
        report[step] = run_child(step, args)
        print(step, json.dumps(report[step]))
        sys.stdout.flush()
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
