"""SQLite connections last across requests like PostgreSQL's (URBIS_DB_CONN_MAX_AGE).

Opening and closing the SQLite file on every request took about a fifth of a worker's time on
10-feature OGC items pages (docs/PERFORMANCE.md, "OGC API and catalogue"). The test database is
in memory, where Django never closes the connection, so these run a separate process on a file:
a copy of the test database (`VACUUM INTO`) served through Django's own WSGI handler, whose
request signals are what close or keep the connection."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.skipif(
        "sqlite" not in os.environ.get("URBIS_DATABASE_URL", "sqlite"),
        reason="SQLite's connection lifetime; PostgreSQL's was never forced",
    ),
    # Marked so that pytest-django creates the test database this module copies.
    pytest.mark.django_db,
]

# Three requests through the WSGI handler as gunicorn's sync worker makes them; the number of
# connections opened, the setting, and the journal mode the connection's PRAGMA set.
SCRIPT = r"""
import io, json, sys
import django
django.setup()
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.db.backends.signals import connection_created

opened = []
connection_created.connect(lambda sender, connection, **kw: opened.append(connection.alias))
app = WSGIHandler()
statuses = []
for path in sys.argv[1:]:
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "limit=10",
        "SERVER_NAME": "localhost", "SERVER_PORT": "80", "HTTP_HOST": "localhost",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
    }
    response = app(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(response)
    response.close()
requests_opened = len(opened)
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    mode = cursor.fetchone()[0]
print(json.dumps({
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "opened": requests_opened, "statuses": statuses, "journal_mode": mode,
}))
"""


@pytest.fixture(scope="module")
def database_file(tmp_path_factory: Any, django_db_setup: None, django_db_blocker: Any) -> Path:
    """The session's test database (migrated, with the demo cities) copied to a file; outside
    any test transaction, as VACUUM needs."""
    path = tmp_path_factory.mktemp("sqlite-connections") / "urbis.sqlite3"
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(path)])
    return path


def serve(database: Path, *paths: str, **env: str) -> dict[str, Any]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("URBIS_")}
    environ.update(
        DJANGO_SETTINGS_MODULE="urbis.settings", URBIS_DATABASE_URL=f"sqlite:///{database}",
        URBIS_DATA_DIR=str(database.parent), URBIS_DEBUG="1", **env,
    )
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *paths], env=environ, capture_output=True, text=True,
        timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


PAGES = ("/ogc/collections", "/ogc/collections/barcelona-neighbourhoods/items",
         "/ogc/collections/paris-neighbourhoods/items")


def test_sqlite_connection_is_kept_across_requests(database_file: Path) -> None:
    ran = serve(database_file, *PAGES)
    assert ran["statuses"] == ["200 OK"] * 3
    assert ran["conn_max_age"] == 60
    # One connection for three requests (before: one opened and closed per request).
    assert ran["opened"] == 1
    # The connection's init_command still ran: concurrent readers beside one writer.
    assert ran["journal_mode"] == "wal"


def test_sqlite_connection_lifetime_follows_the_setting(database_file: Path) -> None:
    ran = serve(database_file, *PAGES, URBIS_DB_CONN_MAX_AGE="0")
    assert ran["statuses"] == ["200 OK"] * 3
    assert ran["conn_max_age"] == 0
    assert ran["opened"] == 3
