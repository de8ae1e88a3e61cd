"""The insight pages in a real browser: the comparison chart draws without a script error, and
the comparison, results and toolbox pages pass axe-core (WCAG 2.1 A and AA)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_comparison_chart_draws_and_pages_are_accessible(
    places: None, page: Any, live_server: Any
) -> None:
    from tests.web.test_accessibility import axe_violations
    from urbis.insight import demo

    for _label, step in demo.steps():
        step()
    page.set_default_navigation_timeout(60_000)  # a shared, busy test machine
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/insight/comparisons/energy-concern.v1/")
    chart = page.locator("#comparison-chart[data-drawn]")
    chart.wait_for()
    assert chart.get_attribute("data-drawn") == "3"
    assert errors == []
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/insight/participation/")
    drawn = page.locator("#participation-chart[data-drawn]")
    drawn.wait_for()
    assert int(drawn.get_attribute("data-drawn") or 0) >= 2 and errors == []
    for url in ("/cities/paris/surveys/attitudes-2026/results/", "/insight/methods/?goal=test",
                "/cities/barcelona/insight/", "/insight/participation/",
                "/insight/case-studies/barcelona-superblocks/"):
        page.goto(f"{live_server.url}{url}")
        assert axe_violations(page) == [], url
