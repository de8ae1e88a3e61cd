"""In a real browser: chart axes follow the data (issue 15), not Chart.js's own widening."""

from __future__ import annotations

from typing import Any

import pytest

from tests.strategy.test_browser import _barcelona_with_strategy

SCALES = (
    "(c) => { const chart = Chart.getChart(c); const s = chart.scales;"
    " const ys = chart.data.datasets.flatMap(d => d.data.map(p => p.y)).filter(y => y !== null);"
    " return {x: [s.x.min, s.x.max], y: [s.y.min, s.y.max],"
    " data: [Math.min(...ys), Math.max(...ys)]}; }"
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chart_axes_hold_the_data_with_room_around_it(page: Any, live_server: Any) -> None:
    from urbis.strategy import services
    from urbis.strategy.models import Indicator

    city, target = _barcelona_with_strategy()
    page.set_default_timeout(30_000)  # the machine may be busy with other suites
    # A target with no observation and no baseline: one point, in 2030.
    lone = services.save_target(
        by=None, strategy=target.strategy, title="Renovate 2 % of homes a year",
        kind="quantitative", target_value=2.0, target_year=2030,
        indicator=Indicator.objects.get(code="urbis-final-energy-consumption"),
    )
    page.goto(f"{live_server.url}{lone.get_absolute_url()}")
    canvas = page.locator(f'canvas[data-target-chart="{lone.pk}"]')
    scales = page.evaluate(SCALES, canvas.element_handle())
    assert scales["x"] == [2029, 2031]  # Chart.js alone drew 1900–2150
    assert scales["y"][0] < 2.0 < scales["y"][1]
    page.screenshot(path="/tmp/issue15-target-chart.png", full_page=True)

    # Observed 3.6 … 3.0 against the path 4.0 (2010) → 2.0 (2030): the highest value is
    # inside the plot, not on its top edge.
    page.goto(f"{live_server.url}{target.get_absolute_url()}")
    canvas = page.locator(f'canvas[data-target-chart="{target.pk}"]')
    scales = page.evaluate(SCALES, canvas.element_handle())
    assert scales["x"] == [2009, 2031]
    assert scales["y"][1] > 4.0 and scales["y"][0] < 2.0

    page.goto(f"{live_server.url}/compare/indicators/urbis-ghg-emissions/")
    canvas = page.locator("canvas[data-compare-chart]")
    scales = page.evaluate(SCALES, canvas.element_handle())
    assert scales["x"][0] < 2015 and scales["x"][1] > 2020
    assert scales["x"][1] - scales["x"][0] <= 8
    assert scales["y"][0] < scales["data"][0] and scales["y"][1] > scales["data"][1]
    page.screenshot(path="/tmp/issue15-compare-chart.png", full_page=True)
