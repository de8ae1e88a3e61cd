"""In a real browser: the strategy page with its charts, and an editor changing a target."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from urbis.people.models import User


def _barcelona_with_strategy() -> tuple[Any, Any]:
    from tests.strategy.conftest import observe
    from urbis.demo import loader
    from urbis.people import services as people
    from urbis.places.models import City
    from urbis.strategy import services
    from urbis.strategy.models import Indicator

    # A transactional test starts from empty tables; the strategy pages need the city only.
    for label, step in loader.place_steps():
        if label == "Barcelona: city":
            step()
    city = City.objects.get(code="barcelona")
    services.load_catalogue()
    department = people.upsert_organisation(name="Energy department", slug="b-energy",
                                            kind="city_department", city=city)
    strategy = services.save_strategy(by=None, city=city, title="Climate plan", slug="climate",
                                      start_year=2018, end_year=2030, is_published=True)
    theme = services.save_theme(by=None, strategy=strategy, name="Mitigation",
                                kind="environment")
    target = services.save_target(
        by=None, strategy=strategy, theme=theme, title="Halve emissions by 2030",
        kind="quantitative", indicator=Indicator.objects.get(code="urbis-ghg-emissions"),
        baseline_value=4.0, baseline_year=2010, target_value=2.0, target_year=2030,
        direction="down", departments=[department],
    )
    for year, value in ((2015, 3.6), (2018, 3.3), (2020, 3.0)):
        observe(city, "urbis-ghg-emissions", year, value)
    services.save_action(by=None, strategy=strategy, title="Solar roofs", theme=theme,
                         responsible_department=department)
    return city, target


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_strategy_page_draws_each_target_against_its_path(page: Any, live_server: Any) -> None:
    city, target = _barcelona_with_strategy()
    page.set_default_timeout(30_000)  # the machine may be busy with other suites
    page.goto(f"{live_server.url}/cities/barcelona/")
    page.get_by_role("link", name="Strategy: Climate plan").click()
    page.wait_for_url(f"{live_server.url}/cities/barcelona/strategy/climate/")
    assert page.get_by_role("heading", level=1).inner_text() == "Climate plan"
    heading = page.get_by_role("heading", name="Halve emissions by 2030")
    assert "On track" in heading.inner_text()
    canvas = page.locator(f'canvas[data-target-chart="{target.pk}"]')
    canvas.wait_for()
    drawn = page.evaluate(
        "(c) => { const chart = Chart.getChart(c); return chart ? "
        "chart.data.datasets.map(d => d.data.length) : null; }",
        canvas.element_handle(),
    )
    assert drawn == [3, 2]  # three observations, the path from baseline to target
    assert page.get_by_role("table", name="Figures for “Halve emissions by 2030”").count() == 1
    page.screenshot(path="/tmp/strategy-page.png", full_page=True)
    page.get_by_role("link", name="1 action").click()
    page.get_by_label("Public-private partnership").select_option("no")
    page.get_by_role("button", name="Filter").click()
    assert page.get_by_role("link", name="Solar roofs").count() == 1

    # The strategy's public pages meet WCAG 2.1 A and AA (axe-core).
    from tests.a11y import pages_with_violations

    action = target.strategy.actions.get()
    found = pages_with_violations(page, live_server.url, [
        target.strategy.get_absolute_url(), target.get_absolute_url(),
        action.get_absolute_url(), f"{target.strategy.get_absolute_url()}actions/",
        "/network/", "/indicators/", "/compare/indicators/urbis-ghg-emissions/",
        "/cities/barcelona/indicators/",
    ])
    assert found == {}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editor_edits_a_target_and_sees_it_in_the_history(
    login_page: Callable[[User], Any], live_server: Any
) -> None:
    from urbis.people import services as people

    city, target = _barcelona_with_strategy()
    editor = User.objects.create_user("editor@example.org", "pass-word-123",
                                      display_name="Editor Núria")
    people.grant_role(by=None, user=editor, city=city, role="editor")
    page = login_page(editor)
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}{target.get_absolute_url()}")
    page.get_by_role("link", name="Edit this target").click()
    page.get_by_label("Target value").fill("9")  # above the baseline: refused
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("alert").filter(has_text="above the baseline").count() == 1
    page.get_by_label("Target value").fill("1.8")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server.url}{target.get_absolute_url()}")
    assert page.get_by_text("Target saved.").count() == 1
    history = page.get_by_role("table", name="Who changed what, and when")
    # The history names the field by its label in the reader's language, not its column name.
    row = history.locator("tr", has_text="target value").filter(has_text="Editor Núria")
    assert "Editor Núria" in row.inner_text()
    assert "2" in row.inner_text() and "1.8" in row.inner_text()

    # The editing pages meet WCAG 2.1 A and AA too.
    from tests.a11y import pages_with_violations

    strategy = target.strategy
    found = pages_with_violations(page, live_server.url, [
        f"{target.get_absolute_url()}edit/", f"{strategy.get_absolute_url()}edit/",
        f"{strategy.get_absolute_url()}actions/new/",
        f"{strategy.get_absolute_url()}reports/", "/cities/barcelona/indicators/",
    ])
    assert found == {}
