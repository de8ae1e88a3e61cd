"""Found in a page review, in Chromium: the scenario pages on a phone, and the charts' axes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scenarios.test_browser import places  # noqa: F401  (fixture)
from urbis.scenarios import services

WIDE = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_scenario_pages_fit_a_phone_and_years_read_as_years(
    places: None, page: Any, live_server: Any, make_user: Any, login_page: Any  # noqa: F811
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
    Scenario.objects.create(city=city, inventory=inv, slug="bau", title="BAU", end_year=2050,
                            is_published=True)
    services.add_measure(None, plan, operator=True, name="Insulation of the housing stock",
                         kind="efficiency", sector="residential_buildings",
                         carrier="natural_gas", value=0.3, value_low=0.2, value_high=0.4,
                         start_year=2022, ramp_years=4, capex_eur=4e8)
    for sc in Scenario.objects.filter(city=city):
        services.run_scenario(None, sc, samples=50, seed=1, operator=True)
    page.set_viewport_size({"width": 390, "height": 800})
    login_page(make_user("editor", city))
    base = f"{live_server.url}/cities/barcelona/scenarios/"
    wide = {}
    for path in ("plan/", "plan/edit/", "compare/?a=bau&b=plan", f"inventories/{inv.pk}/"):
        page.goto(base + path)
        wide[path] = page.evaluate(WIDE)
    page.goto(f"{live_server.url}/network/")
    wide["/network/"] = page.evaluate(WIDE)
    # German compounds ("Grenzvermeidungskostenkurve") are longer than a phone is wide.
    german = page.context.browser.new_context(locale="de-DE",
                                              viewport={"width": 390, "height": 800})
    de_page = german.new_page()
    de_page.goto(base + "plan/")
    wide["plan/ (de)"] = de_page.evaluate(WIDE)
    german.close()
    assert {p: w for p, w in wide.items() if w > 0} == {}

    page.goto(base + "plan/")
    page.locator("#wedge-chart[data-drawn]").wait_for()
    ticks = page.evaluate("() => Chart.getChart('wedge-chart').scales.x.ticks.map(t => t.label)")
    assert "2030" in ticks and not [t for t in ticks if "," in t]
    legend = page.evaluate(
        "() => Chart.getChart('wedge-chart').legend.legendItems.map(i => i.text)")
    assert legend.count("5–95 % of runs") == 1
    # On a phone the plot is taller than wide, so the lines are not a sliver under the legend.
    box = page.locator("#wedge-chart").bounding_box()
    assert box["height"] > box["width"]
    assert axe_violations(page) == []
    page.goto(base + "compare/?a=bau&b=plan")
    page.locator("#compare-chart[data-drawn]").wait_for()
    ticks = page.evaluate("() => Chart.getChart('compare-chart').scales.x.ticks.map(t => t.label)")
    assert "2030" in ticks and not [t for t in ticks if "," in t]
