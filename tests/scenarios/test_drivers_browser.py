"""The driver form and the emission factor page in Chromium: an editor fills a path, and both
pages pass axe."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scenarios.test_browser import places  # noqa: F401  (fixture)
from urbis.scenarios import services


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editor_sets_a_driver_path_and_the_factor_page_is_accessible(
    places: None, page: Any, live_server: Any, make_user: Any, login_page: Any  # noqa: F811
) -> None:
    from tests.a11y import axe_violations
    from tests.scenarios.conftest import CSV
    from urbis.places.models import City
    from urbis.scenarios.models import Driver, EmissionFactor, Scenario

    city = City.objects.get(code="barcelona")
    inv = services.import_inventory_csv(None, city, 2020, CSV, operator=True)
    EmissionFactor.objects.create(city=city, carrier="electricity", t_co2_per_mwh=0.2,
                                  source="test value")
    Scenario.objects.create(city=city, inventory=inv, slug="plan", title="Plan", end_year=2050,
                            is_published=True)
    page.set_default_timeout(60_000)  # the machine is shared; the first page can be slow
    login_page(make_user("editor", city))
    base = f"{live_server.url}/cities/barcelona/scenarios/"
    page.goto(base + "plan/drivers/new/")
    assert axe_violations(page) == []
    page.select_option("#id_kind", "population")
    page.select_option("#id_sectors", ["residential_buildings"])
    page.fill("#id_points-0-year", "2020")
    page.fill("#id_points-0-value", "1600000")
    page.fill("#id_points-1-year", "2030")
    page.fill("#id_points-1-value", "1700000")
    page.get_by_role("button", name="Save the driver").click()
    page.wait_for_url(base + "plan/edit/")
    driver = Driver.objects.get()
    assert list(driver.points.values_list("year", "value")) == [(2020, 1.6e6), (2030, 1.7e6)]
    page.goto(base + "factors/")
    assert page.locator('tr[data-carrier="electricity"][data-origin="city"]').count() == 1
    assert axe_violations(page) == []
