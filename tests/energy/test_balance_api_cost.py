"""What one request of the balance API costs once the city's balance is cached: a fixed
number of small database queries, no area geometry decoded, no query on the store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.energy.conftest import readings
from urbis.energy import engine

pytestmark = pytest.mark.django_db


def test_a_cached_balance_request_reads_no_geometry_and_runs_no_engine_query(
    client: Any, barcelona: Any, energy_dir: Path, write_file: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.core.management import call_command

    call_command("energy", "ingest", str(write_file("a.csv", readings(4, 24))),
                 "--city", "barcelona", verbosity=0)
    url = "/api/v1/cities/barcelona/energy/balance?level=neighbourhood"
    assert client.get(url).status_code == 200  # warm: the balance is cached
    runs: list[str] = []
    real = engine.runner()

    class Counting:
        name = real.name

        def run(self, sql: str, *args: Any, **kwargs: Any) -> Any:
            runs.append(sql)
            return real.run(sql, *args, **kwargs)

    monkeypatch.setattr(engine, "runner", lambda: Counting())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.json()["items"]) == 73
    assert runs == []
    # Area geometries are large JSON documents: the table needs none of them (it once
    # decoded every district's, through the neighbourhoods' parents, on every request).
    selected = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in selected if '"geometry"' in sql.split(" FROM ")[0]]
    assert len(selected) <= 10, selected
