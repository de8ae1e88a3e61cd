"""An inventory pre-filled from the energy app's measured balance: the demo's published daily
electricity consumption of Barcelona per postcode (Open Data BCN), 2019."""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from urbis.demo.loader import DATA
from urbis.energy import engine, measured
from urbis.scenarios import services
from urbis.scenarios.models import Inventory, InventoryRow

pytestmark = pytest.mark.django_db
REPO_FILE = DATA / "barcelona" / "electricity_by_postcode_daily_2019_2020.csv.gz"


@pytest.fixture
def measured_2019(barcelona: Any, settings: Any, tmp_path: Path) -> dict[str, float]:
    """The 2019 file stored through the energy app; returns the file's own MWh per sector."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    with engine._lock:
        engine._memo.clear()
    measured.ingest(barcelona, REPO_FILE, measured.BARCELONA_ELECTRICITY, years=[2019])
    engine.forget(barcelona)
    totals: dict[str, float] = {}
    with gzip.open(REPO_FILE, "rt") as handle:
        for line in handle.read().splitlines()[1:]:
            day, _pc, sector, kwh = line.split(",")
            if day.startswith("2019"):
                totals[sector] = totals.get(sector, 0.0) + float(kwh) / 1000
    return totals


def test_prefill_takes_the_measured_2019_electricity_by_sector(
    barcelona: Any, measured_2019: dict[str, float], client_for: Any, make_user: Any
) -> None:
    inv = Inventory.objects.create(city=barcelona, year=2019, source="test")
    InventoryRow.objects.create(inventory=inv, sector="transport_private_commercial",
                                carrier="diesel", energy_mwh=123, source="kept")
    editor = client_for(make_user("editor", barcelona))
    response = editor.post(f"/cities/barcelona/scenarios/inventories/{inv.pk}/prefill")
    assert response.status_code == 302
    rows = {(r.sector, r.carrier): r for r in inv.rows.all()}
    # Open Data BCN's sectors: residential, industry, services (→ tertiary buildings).
    expected = {("residential_buildings", "electricity"): measured_2019["residential"],
                ("industry", "electricity"): measured_2019["industry"],
                ("tertiary_buildings", "electricity"): measured_2019["services"]}
    for key, mwh in expected.items():
        assert rows[key].energy_mwh == pytest.approx(mwh, abs=0.01)
        assert rows[key].source.startswith("from measured data, Ajuntament de Barcelona, "
                                           "Open Data BCN")
        assert rows[key].source.endswith(", 2019")
    total = sum(rows[k].energy_mwh for k in expected)
    assert 6.94e6 < total < 6.95e6  # 6.944 TWh, the data set's published 2019 total
    assert rows[("transport_private_commercial", "diesel")].energy_mwh == 123  # kept
    page = editor.get(f"/cities/barcelona/scenarios/inventories/{inv.pk}/").content.decode()
    assert "from measured data, Ajuntament de Barcelona" in page


def test_prefill_refuses_a_year_without_measured_data_and_changes_nothing(
    barcelona: Any, measured_2019: Any
) -> None:
    inv = Inventory.objects.create(city=barcelona, year=2017, source="test")
    with pytest.raises(ValidationError) as err:
        services.prefill_from_energy(None, inv, operator=True)
    assert "has no year 2017 (years: 2019)" in err.value.messages[0]
    assert not inv.rows.exists()


def test_prefill_refused_without_the_role(barcelona: Any, client_for: Any,
                                          make_user: Any) -> None:
    inv = Inventory.objects.create(city=barcelona, year=2019, source="test")
    for user in (None, make_user("member", barcelona)):
        response = client_for(user).post(
            f"/cities/barcelona/scenarios/inventories/{inv.pk}/prefill")
        assert response.status_code == (302 if user is None else 403)
        if user is None:
            assert "login" in response["Location"]
    assert not inv.rows.exists()


def test_prefill_from_the_command_line(barcelona: Any, measured_2019: Any) -> None:
    out = io.StringIO()
    call_command("scenario", "prefill", "barcelona", "2019", stdout=out)
    assert "3 rows of inventory" in out.getvalue()
    assert Inventory.objects.get(year=2019).rows.count() == 3
    with pytest.raises(CommandError, match="no year 2018"):
        call_command("scenario", "prefill", "barcelona", "2018", stdout=io.StringIO())
    assert not Inventory.objects.filter(year=2018).exists()  # nothing half-written


def test_estimated_oil_leaves_the_measured_electricity_to_prefill(
    barcelona: Any, measured_2019: dict[str, float], tmp_path: Path
) -> None:
    from urbis.energy import services as energy_services

    (tmp_path / "i.csv").write_text("sector,carrier,kwh_per_m2,reference_year,source\n"
                                    "residential,oil,20,2019,Published table\n")
    (tmp_path / "f.csv").write_text("code,sector,floor_area_m2,reference_date,source\n"
                                    "B07,residential,1000,2019-01-01,Cadastre\n")
    energy_services.import_intensities(None, barcelona, tmp_path / "i.csv")
    energy_services.import_floor_area_by_use(None, barcelona, tmp_path / "f.csv")
    assert measured.provenance(barcelona)[2019]["barcelona"] == ["estimated", "measured"]
    assert measured.provenance(barcelona, "electricity")[2019]["barcelona"] == ["measured"]
    assert measured.provenance(barcelona, "oil")[2019]["barcelona"] == ["estimated"]
    inv = Inventory.objects.create(city=barcelona, year=2019, source="test")
    services.prefill_from_energy(None, inv, operator=True)
    assert {r.carrier for r in inv.rows.all()} == {"electricity"}
    assert inv.rows.count() == 3
