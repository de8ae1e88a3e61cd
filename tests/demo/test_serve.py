"""`urbis demo` serves on 127.0.0.1 with a job worker beside it, which loads the energy readings
after the first page; the demo stops both cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def workers(db: Path) -> int:
    """Workers alive in the demo's database (each keeps a heartbeat row while it runs)."""
    try:
        with sqlite3.connect(db, timeout=20) as con:
            return int(con.execute("SELECT COUNT(*) FROM jobs_worker").fetchone()[0])
    except sqlite3.OperationalError:  # not migrated yet
        return 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
@pytest.mark.database_independent
def test_demo_serves_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("URBIS_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for Playwright in this process only
    env["URBIS_DATA_DIR"] = str(tmp_path)
    server = subprocess.Popen(
        [sys.executable, "-m", "urbis", "demo", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
    )
    try:
        deadline = time.monotonic() + 240
        body = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                    body = answer.read().decode()
                    break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.5)
        assert "Barcelona" in body and "Paris" in body
        # The first page came before the energy readings: the worker loads them meanwhile,
        # and every page says so until they are stored.
        assert "The demo's energy readings" in body
        home = f"http://127.0.0.1:{port}/"
        load_deadline = time.monotonic() + 900
        while time.monotonic() < load_deadline and server.poll() is None:
            with urllib.request.urlopen(home, timeout=10) as answer:
                page = answer.read().decode()
            if "The demo's energy readings" not in page:
                break
            assert "failed" not in page, page
            time.sleep(2)
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/v1/energy/seasons", timeout=10
        ) as answer:
            seasons = json.load(answer)
        assert "energy-neutral-neighbourhoods-2025-26" in [s["slug"] for s in seasons], seasons
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/v1/cities/paris/areas?format=geojson", timeout=10
        ) as answer:
            assert answer.headers["Content-Type"] == "application/geo+json"
        db = tmp_path / "urbis.sqlite3"
        while workers(db) == 0 and server.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        assert workers(db) == 1, "no job worker runs beside the demo server"
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0, output
    assert "Demo admin: admin@urbis.demo" in output
    assert "Stopped." in output
    assert workers(tmp_path / "urbis.sqlite3") == 0  # the worker stopped with the server
