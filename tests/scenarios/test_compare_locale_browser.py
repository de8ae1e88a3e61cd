"""The comparison charts write their numbers in the page's language, not the browser's: a
reader who chose German on an English browser reads 2.000.000 on the axes, as in the table."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scenarios.test_browser import places  # noqa: F401  (fixture)
from urbis.scenarios import services


def _run_scenarios(*slugs: str, insulation: bool = False) -> None:
    """Barcelona's test inventory and a run, published scenario per slug (with an insulation
    measure when asked)."""
    from tests.scenarios.conftest import CSV
    from urbis.places.models import City
    from urbis.scenarios.models import Scenario

    city = City.objects.get(code="barcelona")
    inv = services.import_inventory_csv(None, city, 2020, CSV, operator=True)
    for slug in slugs:
        sc = Scenario.objects.create(city=city, inventory=inv, slug=slug, title=slug.upper(),
                                     end_year=2030, is_published=True)
        if insulation:
            services.add_measure(None, sc, operator=True, name="Insulation", kind="efficiency",
                                 sector="residential_buildings", carrier="natural_gas",
                                 value=0.3, start_year=2022, ramp_years=4, capex_eur=5e7,
                                 lifetime_years=30)
        services.run_scenario(None, sc, samples=10, seed=1, operator=True)


def _reader_chose_german(page: Any, live_server: Any) -> None:
    """The browser is English (the page fixture); the reader chose German for the site."""
    page.context.add_cookies([{"name": "django_language", "value": "de",
                               "url": live_server.url}])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_comparison_charts_use_the_pages_number_format(
    places: None, page: Any, live_server: Any  # noqa: F811
) -> None:
    _run_scenarios("plan", "bau")
    _reader_chose_german(page, live_server)
    page.goto(f"{live_server.url}/cities/barcelona/scenarios/compare/?a=bau&b=plan")
    assert page.evaluate("() => document.documentElement.lang") == "de"
    page.locator("#compare-chart[data-drawn]").wait_for()
    page.locator("#compare-sectors-chart[data-drawn]").wait_for()
    ticks = page.evaluate("""() => ['compare-chart', 'compare-sectors-chart'].map(id => {
        const c = Chart.getChart(id);
        const axis = id === 'compare-chart' ? c.scales.y : c.scales.x;
        return axis.ticks.map(t => t.label).filter(l => Math.abs(Number(
            String(l).replace(/[.,\\s]/g, ''))) >= 1000);
    })""")
    for labels in ticks:
        assert labels, ticks
        assert all("." in str(label) and "," not in str(label) for label in labels), ticks


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_scenario_page_charts_use_the_pages_number_format(
    places: None, page: Any, live_server: Any  # noqa: F811
) -> None:
    _run_scenarios("plan", insulation=True)
    _reader_chose_german(page, live_server)
    page.goto(f"{live_server.url}/cities/barcelona/scenarios/plan/")
    page.locator("#wedge-chart[data-drawn]").wait_for()
    page.locator("#macc-chart[data-drawn]").wait_for()
    # The per-year band chart draws the one measure: its median line and its shaded band.
    assert page.locator("#wedge-band-chart[data-drawn='1']").count() == 1
    assert page.evaluate(
        "() => ['wedge-chart', 'macc-chart', 'wedge-band-chart']"
        ".map(id => Chart.getChart(id).options.locale)"
    ) == ["de", "de", "de"]
    assert page.evaluate(
        "() => Chart.getChart('wedge-band-chart').data.datasets.map(d => d.fill)"
    ) == [False, "-1", False]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_comparison_chart_is_readable_on_a_phone(
    places: None, page: Any, live_server: Any  # noqa: F811
) -> None:
    """At 390 px the three-entry legend left the yearly lines about 60 px of height."""
    _run_scenarios("plan", "bau")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/cities/barcelona/scenarios/compare/?a=bau&b=plan")
    page.locator("#compare-chart[data-drawn]").wait_for()
    plot_height = page.evaluate("() => Chart.getChart('compare-chart').chartArea.height")
    assert plot_height >= 200, plot_height
