"""One rule for self-sufficiency: the map page, the JSON API, the GeoJSON map layer and the
area layer give the same figure, electricity's, whatever carrier is asked for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.energy.conftest import readings
from urbis.energy import engine, queries

pytestmark = pytest.mark.django_db


def _gas(hours: int = 24) -> str:
    lines = ["meter_id;timestamp;value;unit;flow;sector;carrier;area_code"]
    for h in range(hours):
        ts = f"2025-06-02T{h:02d}:00:00Z"
        lines.append(f"g1;{ts};2;kWh;consumption;residential;gas;B07")
    return "\n".join(lines) + "\n"


@pytest.fixture
def stored(barcelona: Any, energy_dir: Path, write_file: Any) -> None:
    call_command("energy", "ingest", str(write_file("e.csv", readings(3, 24))),
                 "--city", "barcelona", verbosity=0)
    call_command("energy", "ingest", str(write_file("g.csv", _gas())),
                 "--city", "barcelona", verbosity=0)
    engine.forget(barcelona)


def test_api_and_page_give_the_same_self_sufficiency(client: Any, barcelona: Any,
                                                     stored: None) -> None:
    electricity = {
        r["code"]: r["self_sufficiency"]
        for r in queries.balance_table(barcelona, level="neighbourhood", year=2025,
                                       carrier="electricity")
    }
    assert 0 < electricity["B07"] < 1
    page = client.get(reverse("energy:map", args=["barcelona"]),
                      {"measure": "self_sufficiency", "year": 2025})
    assert page.status_code == 200
    on_page = {r["code"]: r["self_sufficiency"] for r in page.context["rows"]}
    api_url = reverse("api-1:energy_balance", args=["barcelona"])
    items = client.get(api_url, {"year": 2025}).json()["items"]
    in_api = {r["code"]: r["self_sufficiency"] for r in items}
    layer = client.get(api_url, {"year": 2025, "measure": "self_sufficiency",
                                 "format": "geojson"}).json()
    in_layer = {f["id"]: f["properties"]["value"] for f in layer["features"]}
    assert on_page["B07"] == in_api["B07"] == in_layer["B07"] == electricity["B07"]
    assert on_page == in_api


def test_daily_self_sufficiency_is_the_engine_formula() -> None:
    profile = {
        "hours": ["2025-06-02T00:00+02:00", "2025-06-02T01:00+02:00", "2025-06-03T00:00+02:00"],
        "consumption_kwh": [2.0, 1.0, 0.0],
        "production_kwh": [0.5, 3.0, 1.0],
    }
    days = queries.daily_totals(profile)
    assert days[0]["self_sufficiency"] == pytest.approx((0.5 + 1.0) / 3.0)
    assert days[1]["self_sufficiency"] is None
