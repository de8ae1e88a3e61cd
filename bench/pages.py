"""Every page of the demo and every API list, timed: p50 and p95 per URL on SQLite or PostgreSQL.

    .venv/bin/python bench/pages.py                         # SQLite in a temporary data directory
    .venv/bin/python bench/pages.py --postgres              # a throwaway PostgreSQL cluster
    .venv/bin/python bench/pages.py --repeat 30 --json bench/results/pages-sqlite.json
    .venv/bin/python bench/pages.py --keep /tmp/demo             # keep the loaded demo, then
    .venv/bin/python bench/pages.py --reuse /tmp/demo --gc-freeze  # time again on the same data

What it does:

1. loads the real demo (``urbis demo --no-serve``) into a fresh data directory and database, and
   collects the static files as a deployment does;
2. crawls the site as an anonymous visitor from ``/``, following every same-site link of every
   HTML page (up to ``--max-pages``), and collects the API's list endpoints from
   ``/api/v1/openapi.json`` (every GET whose only path parameter is a city code, for each demo
   city);
3. requests each URL ``--repeat`` times after one warm-up request and reports p50/p95 per URL,
   then the pages whose p95 is over the goal (150 ms for pages, 100 ms for API lists).

Each request's CPU time in this process (``time.process_time``) is recorded beside its wall
time, and the load average before and after the run is printed: on a shared machine, a page
whose wall time is far above its CPU time (plus its database's time) was waiting for a core,
not working.

Requests go through Django's full request path (middleware, views, templates, database) in this
process with ``DEBUG`` off; there is no network or server process in the figures, so they are the
application's own time. Goals and results: docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

ROOT = Path(__file__).resolve().parents[1]
PAGE_GOAL_MS = 150.0
API_GOAL_MS = 100.0
SKIP_PREFIXES = ("/admin/", "/static/", "/media/", "/i18n/", "/api/v1/docs", "/accounts/logout")
# Downloads are not pages; they are timed by their own benchmarks.
SKIP_SUFFIXES = (".pdf", ".csv", ".json", ".parquet", ".zip", ".gpkg", ".geojson", ".ttl")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def _same_site_path(href: str) -> str | None:
    href, _ = urldefrag(href)
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(SKIP_PREFIXES) or parts.path.endswith(SKIP_SUFFIXES):
        return None
    if "format=" in parts.query:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _setup(data_dir: Path, database_url: str, *, load: bool = True) -> None:
    os.environ["URBIS_DATA_DIR"] = str(data_dir)
    os.environ["URBIS_DATABASE_URL"] = database_url
    os.environ["URBIS_DEBUG"] = "0"
    os.environ["URBIS_SECURE_SSL_REDIRECT"] = "0"
    os.environ["URBIS_SECURE_COOKIES"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "urbis.settings"
    # The demo is loaded by the real command in a child process, as a user would. A reused demo
    # is only brought up to the code's migrations.
    commands = ([["demo", "--no-serve"], ["collectstatic", "--noinput"]] if load
                else [["migrate", "--noinput"], ["collectstatic", "--noinput"]])
    for command in commands:
        subprocess.run(
            [sys.executable, "-m", "urbis", *command], check=True, cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
    import django

    django.setup()


def _crawl(client: Any, max_pages: int) -> list[str]:
    seen = {"/"}
    queue = deque(["/"])
    pages: list[str] = []
    while queue and len(pages) < max_pages:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code >= 500:
            print(f"  server error {response.status_code}: {url}")
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages.append(url)
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.links:
            path = _same_site_path(href)
            if path and path not in seen:
                seen.add(path)
                queue.append(path)
    return pages


def _api_lists(client: Any, cities: list[str]) -> list[str]:
    schema = client.get("/api/v1/openapi.json").json()
    urls = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        params = get.get("parameters", [])
        in_path = [p["name"] for p in params if p["in"] == "path"]
        required_query = [p for p in params if p["in"] == "query" and p.get("required")]
        if required_query or len(in_path) > 1:
            continue
        if not in_path:
            urls.append(path)
        elif in_path[0] in {"code", "city", "city_code"}:
            urls.extend(path.replace("{" + in_path[0] + "}", city) for city in cities)
    return urls


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))], 1)


class _FullCollections:
    """CPU time of Python's full (generation 2) garbage collections, to tell a request that
    was slow by its own work from one that ran a collection of the whole heap."""

    def __init__(self) -> None:
        self.ms = 0.0
        self._start = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._start = time.process_time()
        else:
            self.ms += (time.process_time() - self._start) * 1000

    def take(self) -> float:
        ms, self.ms = self.ms, 0.0
        return ms


_FULL_GC = _FullCollections()


def _time(client: Any, url: str, repeat: int) -> dict[str, Any]:
    client.get(url)  # warm-up: the first request of a URL may fill a cache
    times = []
    cpu = []
    full_gc = []
    status = 0
    for _ in range(repeat):
        _FULL_GC.take()
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        full_gc.append(_FULL_GC.take())
        status = response.status_code
    slowest = max(range(repeat), key=times.__getitem__)
    return {
        "url": url,
        "status": status,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": _p95(times),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "cpu_p95_ms": _p95(cpu),
        # The slowest request's full garbage collections (ms of CPU), and how many of the
        # requests ran one.
        "slowest_full_gc_ms": round(full_gc[slowest], 1),
        "requests_with_full_gc": sum(ms > 0 for ms in full_gc),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", action="store_true", help="run on a throwaway PostgreSQL")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--max-pages", type=int, default=400)
    parser.add_argument("--json", type=Path, help="write every URL's figures here")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep the loaded demo (SQLite) in DIR for --reuse")
    parser.add_argument("--reuse", type=Path, metavar="DIR",
                        help="time the demo kept in DIR by --keep instead of loading one")
    parser.add_argument("--gc-freeze", action="store_true",
                        help="freeze the loaded heap as `urbis serve` does (urbis.wsgi)")
    args = parser.parse_args()
    if args.reuse and args.postgres:
        parser.error("--reuse works with SQLite only")

    work = args.reuse or Path(tempfile.mkdtemp(prefix="urbis-bench-pages-"))
    # Run as root, the cluster belongs to the 'postgres' user, who must reach its directory.
    work.chmod(0o755)
    pg_dir = work / "pg"
    database_url = f"sqlite:///{work / 'urbis.sqlite3'}"
    if args.postgres:
        pg_dir.mkdir()
        database_url = subprocess.run(
            [str(ROOT / "scripts" / "pg-test-cluster"), "start", str(pg_dir)],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
        # The throwaway cluster has only its maintenance database; the demo needs its own.
        import psycopg

        server, _, name = database_url.rpartition("/")
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    try:
        _setup(work / "data", database_url, load=args.reuse is None)
        if args.gc_freeze:
            from urbis.wsgi import freeze_loaded_heap  # importing it freezes, as a worker does

            assert freeze_loaded_heap
        from django.test import Client

        # A page that fails is reported with its status, not allowed to stop the crawl.
        client = Client(raise_request_exception=False)
        load_before = os.getloadavg()
        started = time.perf_counter()
        pages = _crawl(client, args.max_pages)
        apis = _api_lists(client, ["barcelona", "paris"])
        results = {
            "pages": [_time(client, url, args.repeat) for url in pages],
            "api": [_time(client, url, args.repeat) for url in apis],
        }
        elapsed = time.perf_counter() - started
        load_after = os.getloadavg()
    finally:
        if args.postgres:
            subprocess.run([str(ROOT / "scripts" / "pg-test-cluster"), "stop", str(pg_dir)],
                           check=False)
        # A run leaves a demo's data directory of a few hundred MB; --json keeps the figures.
        if args.keep and not args.reuse:
            shutil.move(work, args.keep)
        elif not args.reuse:
            shutil.rmtree(work, ignore_errors=True)

    engine = ("PostgreSQL" if args.postgres else "SQLite") + (", heap frozen" * args.gc_freeze)
    print(f"{engine}: {len(pages)} pages and {len(apis)} API lists, {args.repeat} requests "
          f"each, in {elapsed:.0f} s; load average (1, 5, 15 min) "
          f"{'/'.join(f'{x:.1f}' for x in load_before)} before, "
          f"{'/'.join(f'{x:.1f}' for x in load_after)} after")
    for kind, goal in (("pages", PAGE_GOAL_MS), ("api", API_GOAL_MS)):
        rows = results[kind]
        p95s = sorted(r["p95_ms"] for r in rows)
        cpu_p95s = sorted(r["cpu_p95_ms"] for r in rows)
        over = sorted((r for r in rows if r["p95_ms"] > goal), key=lambda r: -r["p95_ms"])
        cpu_over = [r for r in rows if r["cpu_p95_ms"] > goal]
        if p95s:
            print(f"  {kind}: worst p95 {p95s[-1]} ms, median p95 {statistics.median(p95s)} ms; "
                  f"{len(over)} of {len(rows)} over {goal:.0f} ms")
            print(f"  {kind}, CPU time of this process: worst p95 {cpu_p95s[-1]} ms, median p95 "
                  f"{statistics.median(cpu_p95s)} ms; {len(cpu_over)} of {len(rows)} over "
                  f"{goal:.0f} ms")
        if over:
            in_gc = sum(r["slowest_full_gc_ms"] > 0 for r in over)
            print(f"  {kind} over {goal:.0f} ms whose slowest request ran a full garbage "
                  f"collection: {in_gc} of {len(over)}")
        for row in over[:25]:
            print(f"    {row['p95_ms']:>7} ms  p50 {row['p50_ms']:>7} ms  "
                  f"CPU p95 {row['cpu_p95_ms']:>7} ms  full GC in slowest "
                  f"{row['slowest_full_gc_ms']:>6} ms  {row['url']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "engine": engine, "load_before": load_before, "load_after": load_after, **results,
        }, indent=1))


if __name__ == "__main__":
    main()
