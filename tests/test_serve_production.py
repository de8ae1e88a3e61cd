"""The production server as deployed: ``urbis serve`` (gunicorn, WhiteNoise, DEBUG off) on
PostgreSQL, spoken to over real HTTP on a free loopback port.

It runs once, in the PostgreSQL pass of scripts/test (``postgres_only``), against the test
database, whose demo cities were committed when the session began."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

HTTPS = {"X-Forwarded-Proto": "https"}  # what the reverse proxy in front of it sends


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, Any, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


@pytest.mark.postgres
@pytest.mark.slow
def test_urbis_serve_in_production_over_http(postgres_only: None, tmp_path: Path) -> None:
    from django.db import connection

    db = connection.settings_dict
    url = (
        f"postgres://{quote(db['USER'] or '')}:{quote(str(db['PASSWORD'] or ''))}"
        f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("URBIS_", "DJANGO_"))}
    env.update(
        URBIS_DATA_DIR=str(tmp_path), URBIS_DATABASE_URL=url, URBIS_DEBUG="0",
        URBIS_SECRET_KEY="production-test-" + "k" * 50, URBIS_ALLOWED_HOSTS="127.0.0.1",
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "urbis", "serve", "--bind", f"127.0.0.1:{port}",
         "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
            try:
                status, headers, _ = get(port, "/")
                break
            except OSError:
                assert time.monotonic() < deadline, "urbis serve did not answer in 180 s"
                time.sleep(0.5)

        # Production settings are on: plain HTTP is sent to HTTPS.
        assert status == 301 and headers["Location"] == f"https://127.0.0.1:{port}/"

        status, headers, body = get(port, "/", HTTPS)
        html = body.decode()
        assert status == 200 and "Barcelona" in html
        assert "max-age=31536000" in headers["Strict-Transport-Security"]
        # Pages link static files by their hashed names, which WhiteNoise serves compressed
        # and cacheable for ever.
        css = re.search(r'/static/urbis/urbis\.[0-9a-f]{12}\.css', html)
        assert css, "the page does not link the hashed stylesheet"
        status, headers, body = get(port, css.group(0), {**HTTPS, "Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Type"].startswith("text/css")
        assert "immutable" in headers["Cache-Control"]
        assert headers["Content-Encoding"] == "gzip" and b"{" in gzip.decompress(body)
        manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
        assert manifest["paths"]["urbis/urbis.css"] == css.group(0).removeprefix("/static/")

        status, _, body = get(port, "/cities/barcelona/", HTTPS)
        assert status == 200 and "Barcelona" in body.decode()

        status, headers, body = get(port, "/api/v1/cities", HTTPS)
        assert status == 200 and headers["Content-Type"].startswith("application/json")
        cities = json.loads(body)
        cities = cities["items"] if isinstance(cities, dict) else cities
        assert {"barcelona", "paris"} <= {c["code"] for c in cities}

        # DEBUG is off: an unknown page is a plain 404, no debug page with settings in it.
        status, _, body = get(port, "/no-such-page/", HTTPS)
        assert status == 404 and b"DEBUG = True" not in body and b"Traceback" not in body
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
        if server.stdout is not None:
            server.stdout.close()
