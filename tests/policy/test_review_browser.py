"""Found in a page review, in Chromium: the policy charts' axes say what they count."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_policy_charts_name_their_axes(page: Any, live_server: Any) -> None:
    from tests.policy.test_browser import _demo

    _demo()
    page.goto(f"{live_server.url}/cities/paris/fitness-checks/demo-fitness-check/")
    page.locator("#check-chart").wait_for()
    title = page.evaluate("() => Chart.getChart('check-chart').options.scales.x.title")
    assert title["display"] and title["text"] == "Number of rules"
    page.goto(f"{live_server.url}/network/policy/")
    # Each drawn series names its unit on the y axis (its legend is hidden).
    titles = page.evaluate(
        "() => Array.from(document.querySelectorAll('canvas[data-series]'))"
        ".map((c) => Chart.getChart(c)).filter((c) => c)"
        ".map((c) => c.options.scales.y.title.display ? c.options.scales.y.title.text : '')")
    assert titles and "" not in titles
    assert "cities" in titles
