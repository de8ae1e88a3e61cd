"""The energy map reads how its figures were obtained once per page, not once per row of its
table (issue 16, page speed: each read checks that the cached provenance is current, with
queries and a listing of the store, which made the map 1 s at p50 with 73 neighbourhoods)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.energy.conftest import readings
from urbis.energy import measured

pytestmark = pytest.mark.django_db


def test_the_map_reads_provenance_once_for_all_its_rows(
    client: Any, barcelona: Any, energy_dir: Path, write_file: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.core.management import call_command

    call_command("energy", "ingest", str(write_file("a.csv", readings(4, 24))),
                 "--city", "barcelona", verbosity=0)
    url = "/cities/barcelona/energy/?level=neighbourhood&year=2025"
    assert client.get(url).status_code == 200  # warm: balance and provenance cached
    calls: list[str] = []
    real = measured.provenance

    def counting(city: Any, carrier: str = "all") -> Any:
        calls.append(city.code)
        return real(city, carrier)

    monkeypatch.setattr(measured, "provenance", counting)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="how-obtained"') >= 70  # one per row
    assert calls == ["barcelona"]
    assert len(queries.captured_queries) <= 40, len(queries.captured_queries)
