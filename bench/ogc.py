"""OGC API – Features: Urbis against pygeoapi on the same polygon collection, and the DCAT-AP
catalogue of many cities.

    .venv/bin/pip install -e '.[bench]'          # pygeoapi, for this benchmark only
    .venv/bin/python bench/ogc.py                 # both parts, defaults below
    .venv/bin/python bench/ogc.py --only ogc --polygons 5000 --workers 2 --seconds 10
    .venv/bin/python bench/ogc.py --only catalog --cities 50
    .venv/bin/python bench/ogc.py --postgres                      # the same on PostgreSQL
    git archive COMMIT src | tar -x -C /tmp/before               # an older Urbis, side by side:
    .venv/bin/python bench/ogc.py --baseline /tmp/before
    .venv/bin/python bench/ogc.py --only ogc --baseline /tmp/before --without-pygeoapi --case bbox

Databases: SQLite files by default. ``--postgres`` starts a throwaway PostgreSQL cluster with
``scripts/pg-test-cluster`` (and removes it after); ``--database-url postgres://…/NAME`` uses a
running server instead. On PostgreSQL the benchmark creates its own databases
(``urbis_bench_<part>…``) on that server and drops them when it ends.

``--baseline DIR`` also runs the Urbis found in ``DIR/src`` (e.g. the commit before a change):
in part 1 as a third server on the same database, in part 2 on a copy of the same database,
so a change is measured before and after in one run, under the same load.

Part 1 (``ogc``):

1. A throwaway SQLite database gets one city, ``bench``, whose neighbourhoods are the demo's
   real boundaries (Barcelona's 73 barris and Paris's 80 quartiers, as shipped in
   ``urbis/demo/boundaries``) replicated with new codes, each copy moved to its own cell of a
   grid so that copies do not overlap, until there are at least ``--polygons`` of them. They are
   imported by the product's own ``places.services.import_areas``.
2. The collection ``bench-neighbourhoods`` is read once from Urbis and written as one GeoJSON
   file: the features pygeoapi serves are exactly the ones Urbis serves (ids, properties,
   geometry rounded to 7 decimals). pygeoapi serves that file with its GeoJSON provider. (Its
   SQLite/GeoPackage provider needs SQLite's loadable extensions (SpatiaLite), which the
   project's Python is built without.)
3. Both run under gunicorn with the same number of sync workers, one after the other on the
   same machine, and the same client loads them: ``--concurrency`` threads, each opening a new
   connection per request (gunicorn's sync workers close it anyway), reading the whole body, for
   ``--seconds`` per case. Cases: a page of 10 features and a page of 1,000 (random offsets,
   the same sequence for both), and a bbox query (the same boxes for both, 100 features a page).
   Before timing, every case is checked to give the same ``numberMatched`` and feature ids on
   both servers.

Part 2 (``catalog``): another throwaway database with ``--cities`` cities, each with its
districts and neighbourhoods (Barcelona's boundaries) and every layer that applies to such a
city; ``/catalog``
(Turtle) is timed in-process (Django's test client, DEBUG off) cold (first request after a
change) and warm, and after a change to one city.

Figures and the command used: docs/PERFORMANCE.md, section "OGC API and catalogue".
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
BOUNDARIES = ROOT / "src" / "urbis" / "demo" / "boundaries"
SOURCES = (  # (file, code property, name property)
    (BOUNDARIES / "barcelona" / "barris.geojson", "BARRI", "NOM"),
    (BOUNDARIES / "paris" / "quartiers.geojson", "c_quinsee", "l_qu"),
)
COLLECTION = "bench-neighbourhoods"
CELL = (0.32, 0.22)  # degrees: wider and taller than either city


class Databases:
    """Where the benchmark's databases live: SQLite files in the work folder, or databases
    the benchmark creates (and drops) on a PostgreSQL server."""

    def __init__(self, server: str | None) -> None:
        self.server = server  # a postgres:// URL, or None for SQLite
        self.created: list[str] = []

    def _admin(self) -> Any:
        import psycopg

        assert self.server is not None
        parts = urlsplit(self.server)
        return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)

    def url(self, work: Path, name: str, template: str | None = None) -> str:
        """A new, empty database for ``name`` (or a copy of ``template``'s)."""
        if self.server is None:
            path = work / name / "urbis.sqlite3"
            path.parent.mkdir(parents=True, exist_ok=True)
            if template is not None:
                shutil.copyfile(work / template / "urbis.sqlite3", path)
            return f"sqlite:///{path}"

        database = f"urbis_bench_{name}".replace("-", "_")
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
            if template is not None:
                source = f"urbis_bench_{template}".replace("-", "_")
                conn.execute(f'CREATE DATABASE "{database}" TEMPLATE "{source}"')
            else:
                conn.execute(f'CREATE DATABASE "{database}"')
        self.created.append(database)
        return urlunsplit(urlsplit(self.server)._replace(path=f"/{database}"))

    def drop_all(self) -> None:
        if self.server is None or not self.created:
            return
        with self._admin() as conn:
            for database in reversed(self.created):
                conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


DATABASES = Databases(None)


def _env(work: Path, name: str, template: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "URBIS_DATA_DIR": str(work / name),
        "URBIS_DATABASE_URL": DATABASES.url(work, name, template),
        "URBIS_DEBUG": "0",
        "URBIS_SECURE_SSL_REDIRECT": "0",
        "URBIS_SECURE_COOKIES": "0",
        "DJANGO_SETTINGS_MODULE": "urbis.settings",
    })
    return env


def _migrate(env: dict[str, str]) -> None:
    Path(env["URBIS_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "urbis", "migrate", "--noinput"], env=env, check=True,
                   cwd=ROOT, stdout=subprocess.DEVNULL)


def _replicated(polygons: int, out: Path) -> tuple[int, int]:
    """Write the demo's neighbourhoods, copied onto a grid, as one GeoJSON file; returns the
    number of features and of source polygons."""
    import shapely
    from shapely.geometry import mapping, shape

    sources = []
    for path, code, name in SOURCES:
        data = json.loads(path.read_text())
        shapes = [(str(f["properties"][code]), str(f["properties"][name]),
                   shape(f["geometry"])) for f in data["features"]]
        bounds = shapely.total_bounds([s for _, _, s in shapes])
        sources.append((path.parent.name, shapes, bounds))
    per_copy = sum(len(s[1]) for s in sources)
    copies = -(-polygons // per_copy)
    columns = 12
    features = []
    cell = 0
    for copy in range(copies):
        for city, shapes, bounds in sources:
            col, row = cell % columns, cell // columns
            dx = 2.0 + col * CELL[0] - bounds[0]
            dy = 40.0 + row * CELL[1] - bounds[1]
            cell += 1
            for code, name, geom in shapes:
                moved = shapely.transform(geom, lambda xy, dx=dx, dy=dy: xy + (dx, dy))
                features.append({
                    "type": "Feature",
                    "properties": {"code": f"{city[:3]}{copy:03d}-{code}",
                                   "name": f"{name} ({copy + 1})"},
                    "geometry": mapping(moved),
                })
    out.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return len(features), per_copy


def _build_ogc(work: Path, polygons: int) -> tuple[dict[str, str], dict[str, Any]]:
    env = _env(work, "urbis")
    _migrate(env)
    source = work / "replicated.geojson"
    count, per_copy = _replicated(polygons, source)
    script = f"""
import django; django.setup()
from urbis.places import services
city = services.upsert_city(code="bench", name="Bench", country="ES")
services.import_areas({str(source)!r}, city=city, level="neighbourhood",
    source="Demo boundaries replicated for a benchmark (Ajuntament de Barcelona CC BY 4.0; "
           "Ville de Paris ODbL)")
"""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", script], env=env, check=True, cwd=ROOT)
    return env, {"polygons": count, "source_polygons": per_copy,
                 "import_s": round(time.perf_counter() - started, 1)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str, timeout: float = 120) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept": "application/geo+json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _wait(port: int, path: str, process: subprocess.Popen[bytes], name: str) -> None:
    deadline = time.time() + 120
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited with {process.returncode}")
        try:
            if _get(port, path, timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{name} did not answer on port {port}")


def _gunicorn(app: str, port: int, workers: int, env: dict[str, str],
              log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--timeout", "300"],
        env=env, cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _pygeoapi_config(work: Path, data: Path, port: int, bbox: list[float]) -> Path:
    """pygeoapi's configuration (its documented YAML: server, logging, metadata, resources),
    with one collection served by the GeoJSON provider and limits as high as Urbis's."""
    import yaml

    config = {
        "server": {
            "bind": {"host": "127.0.0.1", "port": port},
            "url": f"http://127.0.0.1:{port}",
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "languages": ["en-US"],
            "pretty_print": False,
            "limits": {"default_items": 10, "max_items": 10000},
            "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                    "attribution": "OpenStreetMap contributors"},
        },
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {"title": "bench", "description": "Urbis benchmark",
                               "keywords": ["bench"], "keywords_type": "theme",
                               "terms_of_service": "https://creativecommons.org/licenses/by/4.0/",
                               "url": "https://example.org"},
            "license": {"name": "CC-BY 4.0",
                        "url": "https://creativecommons.org/licenses/by/4.0/"},
            "provider": {"name": "Urbis", "url": "https://example.org"},
            "contact": {"name": "Bench", "email": "bench@example.org", "role": "pointOfContact"},
        },
        "resources": {
            COLLECTION: {
                "type": "collection",
                "title": "Neighbourhoods (replicated)",
                "description": "The demo's neighbourhoods replicated with new codes",
                "keywords": ["neighbourhoods"],
                "links": [],
                "extents": {"spatial": {
                    "bbox": bbox, "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
                "providers": [{"type": "feature", "name": "GeoJSON", "data": str(data),
                               "id_field": "code"}],
            }
        },
    }
    path = work / "pygeoapi.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


class Load:
    """``concurrency`` threads sending requests from ``paths`` (in turn) for ``seconds``."""

    def __init__(self, port: int, paths: list[str], concurrency: int, seconds: float) -> None:
        self.port, self.paths, self.concurrency, self.seconds = port, paths, concurrency, seconds
        self.latencies: list[float] = []
        self.errors = 0
        self.bytes = 0
        self._next = 0
        self._lock = threading.Lock()

    def _worker(self, stop_at: float) -> None:
        while time.perf_counter() < stop_at:
            with self._lock:
                path = self.paths[self._next % len(self.paths)]
                self._next += 1
            started = time.perf_counter()
            try:
                status, body = _get(self.port, path)
            except OSError:
                status, body = 0, b""
            elapsed = time.perf_counter() - started
            with self._lock:
                if status == 200:
                    self.latencies.append(elapsed)
                    self.bytes += len(body)
                else:
                    self.errors += 1

    def run(self) -> dict[str, Any]:
        started = time.perf_counter()
        stop_at = started + self.seconds
        threads = [threading.Thread(target=self._worker, args=(stop_at,))
                   for _ in range(self.concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        lat = sorted(self.latencies)

        def pct(p: float) -> float | None:
            if not lat:
                return None
            return round(1000 * lat[min(len(lat) - 1, int(round(p * (len(lat) - 1))))], 1)

        return {"requests": len(lat), "errors": self.errors, "wall_s": round(wall, 2),
                "rps": round(len(lat) / wall, 2), "p50_ms": pct(0.50), "p99_ms": pct(0.99),
                "mean_kb": round(self.bytes / max(1, len(lat)) / 1024, 1)}


def _cases(total: int, bbox: list[float], seed: int) -> dict[str, list[str]]:
    rng = random.Random(seed)
    base = f"/collections/{COLLECTION}/items"

    def page(limit: int) -> list[str]:
        return [f"{base}?{urlencode({'f': 'json', 'limit': limit, 'offset': o})}"
                for o in (rng.randrange(0, max(1, total - limit)) for _ in range(200))]

    boxes = []
    width, height = CELL[0] * 0.6, CELL[1] * 0.6
    for _ in range(50):
        x = rng.uniform(bbox[0], bbox[2] - width)
        y = rng.uniform(bbox[1], bbox[3] - height)
        box = ",".join(f"{v:.5f}" for v in (x, y, x + width, y + height))
        boxes.append(f"{base}?{urlencode({'f': 'json', 'limit': 100, 'bbox': box})}")
    return {"items, 10 a page": page(10), "items, 1,000 a page": page(1000),
            "bbox, 100 a page": boxes}


# Short names for --case.
CASES = {"items, 10 a page": "items10", "items, 1,000 a page": "items1000",
         "bbox, 100 a page": "bbox"}


def _same(servers: dict[str, tuple[int, str]], paths: list[str]) -> None:
    """The two servers answer these requests with the same features."""
    for path in paths:
        seen = {}
        for name, (port, prefix) in servers.items():
            status, body = _get(port, prefix + path)
            if status != 200:
                raise SystemExit(f"{name}: {path} answered {status}: {body[:300]!r}")
            data = json.loads(body)
            seen[name] = (data.get("numberMatched"),
                          [str(f["id"]) for f in data["features"]])
        if len(set(map(repr, seen.values()))) != 1:
            raise SystemExit(f"the servers differ on {path}: "
                             f"{ {k: (v[0], v[1][:5]) for k, v in seen.items()} }")


def _loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run_ogc(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    env, built = _build_ogc(work, args.polygons)
    print(f"built {built['polygons']} polygons ({built['source_polygons']} real ones "
          f"replicated) in {built['import_s']} s", flush=True)
    urbis_port, pg_port = _free_port(), _free_port()
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    urbis = _gunicorn("urbis.wsgi:application", urbis_port, args.workers, env,
                      logs / "urbis.log")
    pygeoapi = None
    baseline = None
    servers = {"urbis": (urbis_port, "/ogc")}
    if args.baseline is not None:
        base_port = _free_port()
        baseline = _gunicorn("urbis.wsgi:application", base_port, args.workers,
                             _baseline_env(env, args.baseline), logs / "urbis-baseline.log")
        servers["urbis-baseline"] = (base_port, "/ogc")
    try:
        _wait(urbis_port, "/ogc/", urbis, "urbis")
        if baseline is not None:
            _wait(servers["urbis-baseline"][0], "/ogc/", baseline, "urbis-baseline")
        status, body = _get(urbis_port, f"/ogc/collections/{COLLECTION}/items?f=json&limit=10000")
        assert status == 200, body[:300]
        collection = json.loads(body)
        features = [{"type": "Feature", "id": f["id"], "geometry": f["geometry"],
                     "properties": f["properties"]} for f in collection["features"]]
        data = work / "pygeoapi.geojson"
        data.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
        import shapely
        from shapely.geometry import shape

        bbox = [float(v) for v in shapely.total_bounds([shape(f["geometry"]) for f in features])]
        if not args.without_pygeoapi:
            config = _pygeoapi_config(work, data, pg_port, bbox)
            openapi = work / "pygeoapi-openapi.yml"
            pg_env = {**env, "PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi)}
            subprocess.run([str(Path(sys.executable).parent / "pygeoapi"), "openapi", "generate",
                            str(config), "--output-file", str(openapi)], env=pg_env, check=True,
                           stdout=subprocess.DEVNULL)
            pygeoapi = _gunicorn("pygeoapi.flask_app:APP", pg_port, args.workers, pg_env,
                                 logs / "pygeoapi.log")
            _wait(pg_port, "/conformance?f=json", pygeoapi, "pygeoapi")
            servers["pygeoapi"] = (pg_port, "")
        cases = {name: paths for name, paths in _cases(len(features), bbox, args.seed).items()
                 if args.case is None or CASES[name] in args.case}
        for paths in cases.values():
            _same(servers, paths[:1])
        results: dict[str, Any] = {}
        for case, paths in cases.items():
            results[case] = {}
            # Alternate who goes first, so neither always meets a warmer or busier machine.
            order = list(servers.items())
            if len(results) % 2 == 0:
                order.reverse()
            for name, (port, prefix) in order:
                full = [prefix + p for p in paths]
                Load(port, full, args.concurrency, min(3.0, args.seconds)).run()  # warm-up
                load = _loadavg()
                figures = Load(port, full, args.concurrency, args.seconds).run()
                figures["load_before"] = load
                results[case][name] = figures
                print(f"{case:22} {name:9} {figures['rps']:8.1f} req/s  p50 "
                      f"{figures['p50_ms']} ms  p99 {figures['p99_ms']} ms  "
                      f"n={figures['requests']} err={figures['errors']} "
                      f"({figures['mean_kb']} KiB)  load {load}", flush=True)
            u = results[case]["urbis"]
            if "pygeoapi" in results[case]:
                p = results[case]["pygeoapi"]
                results[case]["throughput_ratio"] = round(u["rps"] / p["rps"], 2) if p["rps"] \
                    else None
                print(f"{case:22} Urbis / pygeoapi throughput: "
                      f"{results[case]['throughput_ratio']}×", flush=True)
            if "urbis-baseline" in results[case]:
                b = results[case]["urbis-baseline"]
                results[case]["baseline_ratio"] = round(u["rps"] / b["rps"], 2) if b["rps"] \
                    else None
                print(f"{case:22} Urbis / baseline throughput: "
                      f"{results[case]['baseline_ratio']}×", flush=True)
        import pygeoapi as pygeoapi_module

        return {"built": built, "workers": args.workers, "concurrency": args.concurrency,
                "seconds": args.seconds, "pygeoapi": pygeoapi_module.__version__,
                "database": "postgresql" if DATABASES.server else "sqlite", "cases": results}
    finally:
        _stop(urbis)
        if baseline is not None:
            _stop(baseline)
        if pygeoapi is not None:
            _stop(pygeoapi)


CATALOG_BUILD = r"""
import sys, time
import django; django.setup()
from urbis.places import services
cities, areas_file, districts_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
started = time.perf_counter()
for i in range(cities):
    city = services.upsert_city(code=f"city{i:02d}", name=f"City {i:02d}", country="ES",
                                lau_code=f"{8000 + i:05d}")
    services.import_areas(districts_file, city=city, level="district",
        fields=services.AreaFields(code="DISTRICTE", name="NOM", code_prefix="D", code_width=2),
        source="Ajuntament de Barcelona, CC BY 4.0")
    services.import_areas(areas_file, city=city, level="neighbourhood",
        fields=services.AreaFields(code="BARRI", name="NOM", parent="DISTRICTE",
                                   code_prefix="N", parent_prefix="D", code_width=2),
        source="Ajuntament de Barcelona, CC BY 4.0")
print(round(time.perf_counter() - started, 1))
"""

# Timed on its own copy of the built database, by the Urbis under test (or the baseline).
CATALOG_SCRIPT = r"""
import json, statistics, sys, time
import django; django.setup()
from django.test import Client
from rdflib import Graph
from rdflib.namespace import DCAT, RDF
from urbis.places import services
from urbis.places.models import Area
cities, repeat = int(sys.argv[1]), int(sys.argv[2])
client = Client()
def timed(path):
    t = time.perf_counter()
    r = client.get(path)
    assert r.status_code == 200, r.status_code
    return 1000 * (time.perf_counter() - t), r.content
# The process's first request imports and loads what any request needs (URL patterns,
# translations, rdflib's plugins): timed apart, so that "cold" is the empty cache alone.
started = time.perf_counter()
client.get("/ogc/collections?f=json")
Graph().parse(data=Graph().serialize(format="turtle"), format="turtle")
first_ms = 1000 * (time.perf_counter() - started)
from django.core.cache import cache
cache.clear()
cold, body = timed("/catalog")
warm = sorted(timed("/catalog")[0] for _ in range(repeat))
graph = Graph().parse(data=body.decode(), format="turtle")
datasets = len(set(graph.subjects(RDF.type, DCAT.Dataset)))
# A change to one city's figures must show in the next catalogue (its dct:modified moves).
area = Area.objects.filter(city__code=f"city{7 % cities:02d}", level="neighbourhood").first()
services.set_population([{"code": area.code, "population": "12345", "households": "",
    "reference_date": "2025-01-01", "households_reference_date": "", "source": "bench"}],
    city=area.city)
# Figures are saved by a bulk update, which sends no model signal: the catalogue sees it once
# the per-layer dates are asked again (OPEN_DATA_CATALOG_RECHECK_SECONDS, 10 s by default).
from django.conf import settings
time.sleep(float(getattr(settings, "OPEN_DATA_CATALOG_RECHECK_SECONDS", 10)))
after_change, changed = timed("/catalog")
assert changed != body, "the catalogue did not change after a change"
warm_after = sorted(timed("/catalog")[0] for _ in range(repeat))
# A change that sends a model signal (an area saved): the facts are gathered again at once.
other = Area.objects.filter(city__code=f"city{11 % cities:02d}", level="district").first()
other.name = other.name + " (renamed)"
other.save()
after_signal, changed_again = timed("/catalog")
assert changed_again != changed, "the catalogue did not change after a saved area"
print(json.dumps({"cities": cities, "datasets": datasets, "triples": len(graph),
    "bytes": len(body), "first_request_ms": round(first_ms, 1), "cold_ms": round(cold, 1),
    "warm_p50_ms": round(statistics.median(warm), 1), "warm_max_ms": round(max(warm), 1),
    "after_change_ms": round(after_change, 1),
    "warm_after_change_p50_ms": round(statistics.median(warm_after), 1),
    "after_signal_ms": round(after_signal, 1)}))
"""


def _baseline_env(env: dict[str, str], baseline: Path) -> dict[str, str]:
    """``env`` running the Urbis in ``baseline/src`` instead of this checkout's."""
    return {**env, "PYTHONPATH": str(baseline.resolve() / "src")}


def run_catalog(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    env = _env(work, "catalog")
    _migrate(env)
    out = subprocess.run(
        [sys.executable, "-c", CATALOG_BUILD, str(args.cities),
         str(BOUNDARIES / "barcelona" / "barris.geojson"),
         str(BOUNDARIES / "barcelona" / "districtes.geojson")],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    )
    results: dict[str, Any] = {"build_s": float(out.stdout.strip().splitlines()[-1])}
    versions = [("urbis", None)]
    if args.baseline is not None:
        versions.insert(0, ("urbis-baseline", args.baseline))
    for name, baseline in versions:
        copy = _env(work, f"catalog-{name}", template="catalog")
        if baseline is not None:
            copy = _baseline_env(copy, baseline)
        load = _loadavg()
        out = subprocess.run([sys.executable, "-c", CATALOG_SCRIPT, str(args.cities),
                              str(args.repeat)],
                             env=copy, cwd=ROOT, check=True, capture_output=True, text=True)
        result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
        result["load_before"] = load
        results[name] = result
        print(f"/catalog {name:15} {result['cities']} cities: cold {result['cold_ms']} ms, warm "
              f"p50 {result['warm_p50_ms']} ms (max {result['warm_max_ms']}), after a change "
              f"(no signal) {result['after_change_ms']} ms, after a saved area "
              f"{result['after_signal_ms']} ms; {result['bytes'] // 1024} KiB Turtle; "
              f"load {load}", flush=True)
    results["database"] = "postgresql" if DATABASES.server else "sqlite"
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("ogc", "catalog"))
    parser.add_argument("--polygons", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--case", action="append", choices=sorted(CASES.values()),
                        help="part 1: time only this case (repeatable; default: all three)")
    parser.add_argument("--without-pygeoapi", action="store_true",
                        help="part 1: Urbis against --baseline only (pygeoapi's requests take "
                             "about a minute each on a busy machine)")
    parser.add_argument("--cities", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--work", type=Path, help="keep files here (default: a temporary dir)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--baseline", type=Path,
                        help="also run the Urbis in DIR/src (e.g. an older commit), side by side")
    database = parser.add_mutually_exclusive_group()
    database.add_argument("--postgres", action="store_true",
                          help="run on a throwaway PostgreSQL cluster (scripts/pg-test-cluster)")
    database.add_argument("--database-url",
                          help="run on this PostgreSQL server (postgres://user@host:port/any); "
                               "the benchmark creates and drops its own databases there")
    args = parser.parse_args()
    if args.baseline is not None and not (args.baseline / "src" / "urbis").is_dir():
        parser.error(f"--baseline {args.baseline}: no src/urbis in it")
    if args.without_pygeoapi and args.baseline is None:
        parser.error("--without-pygeoapi needs --baseline: Urbis would be compared with nothing")
    work = args.work or Path(tempfile.mkdtemp(prefix="urbis-ogc-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                              "cpus": os.cpu_count(), "load_start": _loadavg()}
    cluster = None
    if args.postgres:
        # Its own folder: the cluster's files belong to the postgres user when run as root.
        cluster = Path(tempfile.mkdtemp(prefix="urbis-ogc-bench-pg-"))
        DATABASES.server = subprocess.run(
            [str(ROOT / "scripts" / "pg-test-cluster"), "start", str(cluster)],
            check=True, capture_output=True, text=True).stdout.strip()
    elif args.database_url:
        DATABASES.server = args.database_url
    try:
        if args.only in (None, "ogc"):
            result["ogc"] = run_ogc(args, work)
        if args.only in (None, "catalog"):
            result["catalog"] = run_catalog(args, work)
    finally:
        DATABASES.drop_all()
        if cluster is not None:
            subprocess.run([str(ROOT / "scripts" / "pg-test-cluster"), "stop", str(cluster)],
                           check=False)
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    result["load_end"] = _loadavg()
    print(f"load average: start {result['load_start']}, end {result['load_end']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
