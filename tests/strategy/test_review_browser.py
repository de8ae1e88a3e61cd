"""Found in a page review, in Chromium: an action page and the network dashboard on a phone."""

from __future__ import annotations

from typing import Any

import pytest

WIDE = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_action_and_policy_pages_fit_a_phone(browser: Any, live_server: Any) -> None:
    import datetime as dt

    from tests.strategy.test_browser import _barcelona_with_strategy
    from urbis.strategy import services
    from urbis.strategy.models import Milestone

    city, target = _barcelona_with_strategy()
    action = services.save_action(by=None, strategy=target.strategy,
                                  title="Renovation of the municipal building stock")
    Milestone.objects.create(action=action, title="Energy audits of all school buildings",
                             due_date=dt.date(2026, 6, 30))
    # German words are long: the widest pages a reader meets.
    context = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.set_default_timeout(30_000)
    wide = {}
    for path in (f"/cities/barcelona/strategy/climate/actions/{action.pk}/", "/network/",
                 "/network/policy/", "/cities/barcelona/policy/"):
        page.goto(live_server.url + path)
        wide[path] = page.evaluate(WIDE)
    context.close()
    assert {p: w for p, w in wide.items() if w > 0} == {}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_target_chart_names_its_year_axis_in_the_readers_language(browser: Any,
                                                                   live_server: Any) -> None:
    from tests.strategy.test_browser import _barcelona_with_strategy

    city, target = _barcelona_with_strategy()
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/cities/barcelona/strategy/climate/")
    canvas = page.locator(f'canvas[data-target-chart="{target.pk}"]')
    canvas.wait_for()
    title = page.evaluate("(c) => Chart.getChart(c).options.scales.x.title.text",
                          canvas.element_handle())
    context.close()
    assert title == "Jahr"
