"""The participation charts on the network dashboard in Chromium: one Chart.js chart per
measure, drawn beside the policy section's charts (both sections load Chart.js; neither hides
the other's charts), no script error, and no WCAG 2.1 A/AA violation (axe-core)."""

from __future__ import annotations

from typing import Any

import pytest

from urbis.insight.queries import PARTICIPATION_SERIES


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_network_dashboard_draws_participation_charts(
    places: None, page: Any, live_server: Any
) -> None:
    from tests.a11y import axe_violations
    from tests.policy.test_browser import _demo as policy_demo
    from urbis.insight import demo

    policy_demo()
    for _label, step in demo.steps():
        step()
    page.set_default_navigation_timeout(60_000)  # a shared, busy test machine
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/network/")
    page.wait_for_selector("canvas[data-participation-series][data-drawn]")
    drawn = page.evaluate(
        "Array.from(document.querySelectorAll('canvas[data-participation-series]'))"
        ".filter((c) => Chart.getChart(c)).map((c) => c.dataset.drawn)")
    # Every measure is a chart, one line per visible city (the two demo cities at least).
    assert len(drawn) == len(PARTICIPATION_SERIES)
    assert all(int(n) >= 2 for n in drawn)
    # The policy section's charts are still reachable through the page's Chart.js.
    assert page.evaluate(
        "Array.from(document.querySelectorAll('section.policy-figures canvas'))"
        ".filter((c) => Chart.getChart(c)).length") == 5
    assert page.get_by_text("Includes simulated survey responses").count() >= 1
    assert errors == []
    assert axe_violations(page) == []
