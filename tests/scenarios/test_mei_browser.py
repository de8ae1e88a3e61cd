"""In a real browser: the scenario chart draws the monitoring inventories as one more series, the
inventories page and the driver form with its periods table pass axe, and the run's CSV link
downloads the export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from urbis.scenarios import services

from .test_browser import places  # noqa: F401 (a fixture)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_mei_on_the_chart_inventories_and_periods_pages(
    places: None, page: Any, live_server: Any, make_user: Any,  # noqa: F811
    login_page: Any
) -> None:
    from tests.a11y import axe_violations
    from tests.scenarios.conftest import CSV
    from urbis.places.models import City
    from urbis.scenarios.models import EmissionFactor, Scenario

    city = City.objects.get(code="barcelona")
    editor = make_user("editor", city)
    inv = services.import_inventory_csv(None, city, 2020, CSV, operator=True)
    EmissionFactor.objects.create(city=city, carrier="electricity", t_co2_per_mwh=0.2,
                                  source="test value")
    sc = Scenario.objects.create(city=city, inventory=inv, slug="s", title="S", end_year=2035,
                                 is_published=True)
    services.add_measure(None, sc, operator=True, name="Insulation", kind="efficiency",
                         sector="residential_buildings", carrier="natural_gas", value=0.3,
                         start_year=2022, ramp_years=4)
    services.run_scenario(None, sc, samples=50, seed=1, operator=True)
    services.save_inventory(editor, city, kind="mei", year=2023, is_published=True,
                            source="MEI 2023",
                            rows=[{"sector": "residential_buildings", "carrier": "natural_gas",
                                   "energy_mwh": 950000.0, "source": "test"}])
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    found = {}
    page.goto(f"{live_server.url}/cities/barcelona/scenarios/s/")
    # scenario line, 1 wedge, business as usual, two band edges and the MEI points.
    assert page.locator("#wedge-chart[data-drawn]").get_attribute("data-drawn") == "6"
    assert page.locator("#mei-table").is_visible()
    found["detail"] = axe_violations(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("city,scenario,run_id,run_at,inventory_year,inventory_origin,")
    page.goto(f"{live_server.url}/cities/barcelona/scenarios/inventories/")
    assert page.locator('#inventories tr[data-kind="mei"]').count() == 1
    found["inventories"] = axe_violations(page)
    login_page(editor)
    page.goto(f"{live_server.url}/cities/barcelona/scenarios/s/drivers/new/")
    assert page.locator("#driver-periods").is_visible()
    found["driver form"] = axe_violations(page)
    assert errors == []
    assert {k: v for k, v in found.items() if v} == {}
