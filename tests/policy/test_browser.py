"""The policy pages in Chromium: the ranked barriers page and its filters, the zone map, the
charts, the barrier form's refusal, and no WCAG 2.1 A/AA violation (axe-core)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from urbis.people.models import User


def _demo() -> None:
    from urbis.demo import loader
    from urbis.policy import demo
    from urbis.strategy import demo as strategy_demo

    for _label, step in loader.place_steps():
        step()
    loader._load_organisations()
    strategy_demo._load_organisations()
    for _label, step in demo.steps():
        step()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_barriers_and_zone_map_pages(page: Any, live_server: Any) -> None:
    from tests.a11y import axe_violations

    _demo()
    page.goto(f"{live_server.url}/barriers/")
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 3
    # The EU rule two cities raised comes first.
    assert "Renewable energy communities" in rows.first.inner_text()
    page.get_by_label("Level").select_option("national")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/barriers/?level=national**")
    assert page.locator("table.data tbody tr").count() == 2
    found = {"/barriers/?level=national": axe_violations(page)}

    page.goto(f"{live_server.url}/cities/barcelona/innovation-zones/")
    page.wait_for_selector("#zone-map[data-loaded='1']")
    assert page.locator("#zone-map [data-code='superilla-poblenou']").count() == 1
    assert page.get_by_text("Illustrative: not a published figure").count() >= 1
    found["/cities/barcelona/innovation-zones/"] = axe_violations(page)

    for path in ("/barriers/eu-renewable-energy-communities/",
                 "/cities/barcelona/innovation-zones/superilla-poblenou/",
                 "/cities/paris/policy/", "/cities/paris/fitness-checks/demo-fitness-check/",
                 "/cities/barcelona/commitments/climate-emergency-declaration/",
                 "/network/", "/network/policy/"):
        page.goto(f"{live_server.url}{path}")
        if page.locator("#zone-map").count():
            page.wait_for_selector("#zone-map[data-loaded]")
        found[path] = axe_violations(page)
        if path == "/network/":
            # The strategy dashboard drew policy's five series, each a Chart.js chart (other
            # apps' sections may draw charts of their own on the page).
            assert page.evaluate(
                "Array.from(document.querySelectorAll('section.policy-figures canvas'))"
                ".filter((c) => Chart.getChart(c)).length") == 5
    # The network page drew a chart for the figures that have a point.
    assert page.locator("canvas[data-series]").count() >= 10
    assert {k: v for k, v in found.items() if v} == {}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editor_raises_a_barrier_through_the_form(
        login_page: Callable[[User], Any], live_server: Any) -> None:
    from tests.a11y import axe_violations, pages_with_violations
    from urbis.demo import loader
    from urbis.people import services as people
    from urbis.places.models import City
    from urbis.policy.models import Barrier

    for _label, step in loader.place_steps():
        step()
    editor = User.objects.create_user("policy-editor@example.org", "pass-word-123")
    people.grant_role(by=None, user=editor, city=City.objects.get(code="paris"), role="editor")
    page = login_page(editor)
    page.goto(f"{live_server.url}/cities/paris/policy/")
    page.get_by_role("link", name="Raise a barrier").click()
    page.get_by_label("Title of the rule").fill("Heritage permits for rooftop solar")
    page.get_by_label("Jurisdiction").fill("FR")
    page.get_by_label("What it blocks or fosters").fill("Slow permits in protected areas.")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("alert").filter(has_text="needs a level").count() == 1
    assert Barrier.objects.count() == 0
    assert axe_violations(page) == []
    page.get_by_label("Level", exact=True).select_option("national")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/barriers/heritage-permits-for-rooftop-solar/")
    assert Barrier.objects.get().city_links.get().city.code == "paris"
    # The other editing pages meet WCAG 2.1 A and AA too.
    found = pages_with_violations(page, live_server.url, (
        "/cities/paris/commitments/new/", "/cities/paris/innovation-zones/new/",
        "/cities/paris/fitness-checks/new/", "/cities/paris/one-stop-shops/new/",
        "/cities/paris/project-bundles/new/", "/cities/paris/policy/"))
    assert found == {}
