"""The scenario page in a real browser: the wedge chart draws every series without a script error
(the page's Content-Security-Policy allows no inline script)."""

from __future__ import annotations

from typing import Any

import pytest

from urbis.scenarios import services


@pytest.fixture
def places() -> None:
    """Transactional tests empty the database when they end; put the demo cities back."""
    from urbis.demo import loader
    from urbis.places.models import City

    if not City.objects.filter(code="barcelona").exists():
        for _label, step in loader.place_steps():
            step()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_wedge_chart_draws(places: None, page: Any, live_server: Any) -> None:
    from tests.scenarios.conftest import CSV
    from urbis.places.models import City
    from urbis.scenarios.models import EmissionFactor, Scenario

    city = City.objects.get(code="barcelona")
    inv = services.import_inventory_csv(None, city, 2020, CSV, operator=True)
    EmissionFactor.objects.create(city=city, carrier="electricity", t_co2_per_mwh=0.2,
                                  source="test value")
    sc = Scenario.objects.create(city=city, inventory=inv, slug="s", title="S", end_year=2035,
                                 is_published=True)
    services.add_measure(None, sc, operator=True, name="Insulation", kind="efficiency",
                         sector="residential_buildings", carrier="natural_gas", value=0.3,
                         value_low=0.2, value_high=0.4, start_year=2022, ramp_years=4)
    services.add_measure(None, sc, operator=True, name="PV", kind="local_production",
                         value=50_000, start_year=2021, ramp_years=5)
    services.run_scenario(None, sc, samples=200, seed=1, operator=True)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/cities/barcelona/scenarios/s/")
    chart = page.locator("#wedge-chart[data-drawn]")
    chart.wait_for()
    # scenario line, 2 wedges, business as usual, two band edges; no targets (no strategy).
    assert chart.get_attribute("data-drawn") == "6"
    assert page.locator("#macc-chart[data-drawn]").get_attribute("data-drawn") == "2"
    assert errors == []
    assert page.get_by_role("table").first.is_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_builder_comparison_and_network_pages_draw_and_pass_axe(
    places: None, page: Any, live_server: Any, make_user: Any, login_page: Any
) -> None:
    from tests.a11y import axe_violations
    from tests.scenarios.conftest import CSV
    from urbis.places.models import City
    from urbis.scenarios.models import EmissionFactor, Scenario

    city = City.objects.get(code="barcelona")
    inv = services.import_inventory_csv(None, city, 2020, CSV, operator=True)
    EmissionFactor.objects.create(city=city, carrier="electricity", t_co2_per_mwh=0.2,
                                  source="test value")
    plan = Scenario.objects.create(city=city, inventory=inv, slug="plan", title="Plan",
                                   end_year=2050, is_published=True)
    bau = Scenario.objects.create(city=city, inventory=inv, slug="bau", title="BAU",
                                  end_year=2050, is_published=True)
    measure = services.add_measure(None, plan, operator=True, name="Insulation",
                                   kind="efficiency", sector="residential_buildings",
                                   carrier="natural_gas", value=0.3, start_year=2022,
                                   ramp_years=4)
    for sc in (plan, bau):
        services.run_scenario(None, sc, samples=50, seed=1, operator=True)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    found = {}
    page.goto(f"{live_server.url}/cities/barcelona/scenarios/compare/?a=bau&b=plan")
    assert page.locator("#compare-chart[data-drawn]").get_attribute("data-drawn") == "3"
    found["compare"] = axe_violations(page)
    page.goto(f"{live_server.url}/network/")
    assert page.locator("#network-scenarios-chart[data-drawn]").get_attribute(
        "data-drawn") == "2"
    found["network"] = axe_violations(page)
    login_page(make_user("editor", city))
    for path in ("plan/edit/", f"plan/measures/{measure.pk}/", "new/",
                 f"inventories/{inv.pk}/"):
        page.goto(f"{live_server.url}/cities/barcelona/scenarios/{path}")
        found[path] = axe_violations(page)
    # A refused measure shows its error beside the field.
    page.goto(f"{live_server.url}/cities/barcelona/scenarios/plan/measures/{measure.pk}/")
    page.get_by_label("Value", exact=True).fill("1.5")
    page.get_by_role("button", name="Save the measure").click()
    assert page.get_by_text("A share: at most 1 (100 %).").is_visible()
    found["measure refused"] = axe_violations(page)
    assert errors == []
    assert {k: v for k, v in found.items() if v} == {}
