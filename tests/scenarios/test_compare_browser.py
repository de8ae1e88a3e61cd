"""The per-sector comparison of two scenarios is drawn as a chart (Chart.js, like the page's
other charts) beside its table."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scenarios.test_browser import places  # noqa: F401  (fixture)
from urbis.scenarios import services


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_per_sector_comparison_chart_draws_both_scenarios(
    places: None, page: Any, live_server: Any  # noqa: F811
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
    services.add_measure(None, plan, operator=True, name="Insulation", kind="efficiency",
                         sector="residential_buildings", carrier="natural_gas", value=0.3,
                         start_year=2022, ramp_years=4)
    for sc in Scenario.objects.filter(city=city):
        services.run_scenario(None, sc, samples=20, seed=1, operator=True)
    page.goto(f"{live_server.url}/cities/barcelona/scenarios/compare/?a=bau&b=plan")
    page.locator("#compare-sectors-chart[data-drawn]").wait_for()
    drawn = page.evaluate("""() => {
        const c = Chart.getChart('compare-sectors-chart');
        return {labels: c.data.labels, sets: c.data.datasets.map(d => [d.label, d.data])};
    }""")
    assert [s[0] for s in drawn["sets"]] == ["BAU", "Plan"]
    homes = drawn["labels"].index("Residential buildings")
    # 2050: insulation cuts 30 % of the homes' gas (1,000,000 MWh × 0.202 t/MWh) in the plan.
    assert drawn["sets"][0][1][homes] - drawn["sets"][1][1][homes] == pytest.approx(
        0.3 * 1_000_000 * 0.202, abs=1)
    assert axe_violations(page) == []
