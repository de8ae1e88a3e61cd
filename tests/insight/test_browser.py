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
    from tests.a11y import axe_violations
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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_record_pages_work_in_the_browser_and_are_accessible(
    places: None, page: Any, live_server: Any, make_user: Any, login_page: Any
) -> None:
    """An editor records a hack day, adds an initiative, starts a pilot from it and sees the
    lineage; every form (also with its errors shown) and the new pages pass axe-core."""
    import datetime as dt

    from tests.a11y import axe_violations
    from urbis.insight import demo, services
    from urbis.insight.models import Pilot
    from urbis.places.models import Area, City
    from urbis.strategy.models import Indicator, Observation

    for _label, step in demo.steps()[:1]:
        step()
    barcelona = City.objects.get(code="barcelona")
    area, other = Area.objects.filter(city=barcelona).order_by("code")[:2]
    indicator = Indicator.objects.create(code="browser-no2", name="NO2", unit="µg/m³",
                                         direction="down", theme="environment")
    for where, values in ((area, (40, 30)), (other, (41, 40))):
        for year, value in zip((2021, 2024), values, strict=True):
            Observation.objects.create(indicator=indicator, city=barcelona, area=where,
                                       date=dt.date(year, 12, 31), value=value)
    services.save_pilot(
        by=None, operator=True, city=barcelona, pilot=Pilot.objects.get(
            city=barcelona, slug="poblenou-superblock"), slug="poblenou-superblock",
        title="Poblenou superblock", theme="mobility", goals="G", source="s",
        evaluation_indicator=indicator, evaluation_area=area, comparison_areas=[other],
        before_start=dt.date(2021, 1, 1), before_end=dt.date(2021, 12, 31),
        after_start=dt.date(2024, 1, 1), after_end=dt.date(2024, 12, 31))
    editor = make_user("editor", barcelona)
    page.set_default_navigation_timeout(60_000)
    login_page(editor)
    base = live_server.url
    page.goto(f"{base}/cities/barcelona/hack-days/new/")
    assert axe_violations(page) == []
    page.get_by_label("Short name", exact=True).fill("energy-hack")
    page.get_by_label("Theme", exact=True).fill("Energy data")
    page.get_by_label("Number of participants", exact=True).fill("-1")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector(".error")
    assert axe_violations(page) == []  # the form with its errors
    page.get_by_label("Date", exact=True).fill("2026-03-14")
    page.get_by_label("Number of participants", exact=True).fill("42")
    page.get_by_label("Living lab", exact=True).select_option(label="Barcelona Urban Lab")
    page.get_by_label("Illustrative (not a documented event)", exact=True).check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{base}/cities/barcelona/hack-days/energy-hack/")
    page.get_by_label("Initiative", exact=True).fill("Heat-pump map")
    page.get_by_role("button", name="Add").click()
    page.get_by_role("link", name="Start a pilot from this initiative").click()
    assert axe_violations(page) == []  # the pilot form with its evaluation fields
    page.get_by_label("Short name", exact=True).fill("heat-pump-map")
    page.get_by_label("Title", exact=True).fill("Heat-pump map")
    page.get_by_label("Theme", exact=True).fill("energy")
    page.get_by_label("Goals", exact=True).fill("Show where heat pumps fit")
    page.get_by_label("Illustrative (not a documented pilot)", exact=True).check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{base}/cities/barcelona/pilots/heat-pump-map/")
    assert "Heat-pump map" in page.locator("#lineage-heading + ul").inner_text()
    assert axe_violations(page) == []
    for url in ("/cities/barcelona/pilots/poblenou-superblock/",
                "/cities/barcelona/labs/urban-lab/",
                "/cities/barcelona/hack-days/energy-hack/",
                "/cities/barcelona/case-studies/new/",
                "/cities/barcelona/partnerships/new/",
                "/insight/case-studies/barcelona-superblocks/edit/",
                "/cities/barcelona/insight/"):
        page.goto(f"{base}{url}")
        assert axe_violations(page) == [], url
    page.goto(f"{base}/cities/barcelona/pilots/poblenou-superblock/")
    assert "Difference-in-differences: -9.00" in page.content()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_initiative_becomes_an_idea_in_the_browser(
    places: None, page: Any, live_server: Any, make_user: Any, login_page: Any
) -> None:
    """An editor turns a hack-day initiative into an engagement idea from the hack-day page; the
    form (also with its errors), the idea page naming the hack day and a case study read in a
    language it has no summary in pass axe-core."""
    import datetime as dt

    from tests.a11y import axe_violations
    from urbis.engagement import services as engagement
    from urbis.engagement.models import Idea
    from urbis.insight import services
    from urbis.places.models import City

    barcelona = City.objects.get(code="barcelona")
    now = dt.datetime.now(dt.UTC)
    engagement.create_process(
        by=None, city=barcelona, slug="ideas", title="Ideas for Barcelona",
        collecting_starts=now - dt.timedelta(days=1), collecting_ends=now + dt.timedelta(days=9),
        voting_starts=now, voting_ends=now + dt.timedelta(days=10),
        closes=now + dt.timedelta(days=20))
    hack = services.save_hack_day(by=None, operator=True, city=barcelona, slug="energy-hack",
                                  theme="Energy data", held_on=dt.date(2026, 3, 14),
                                  participants=42, is_illustrative=True)
    services.add_initiative(by=None, operator=True, hack_day=hack, title="Heat-pump map",
                            summary="Where heat pumps fit")
    services.create_case_study(
        by=None, operator=True, city=barcelona, slug="superblocks", title="Superblocks",
        place_name="Barcelona", theme="mobility", problem="P", what_was_done="W", results="R",
        sources=[{"title": "City report", "url": ""}],
        summaries={"es": "Las supermanzanas devuelven la calle a los vecinos."},
        summary_language="es")
    login_page(make_user("editor", barcelona))
    page.set_default_navigation_timeout(60_000)
    base = live_server.url
    page.goto(f"{base}/cities/barcelona/hack-days/energy-hack/")
    page.get_by_role("link", name="Turn into an engagement idea").click()
    assert axe_violations(page) == []
    page.get_by_label("Engagement process", exact=True).select_option(label="Ideas for Barcelona")
    page.get_by_label("Description", exact=True).fill("Too short")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector(".error")
    assert axe_violations(page) == []
    assert not Idea.objects.exists()
    page.get_by_label("Description", exact=True).fill(
        "Sensors on school roofs show where heat pumps would fit best.")
    page.get_by_label("Category", exact=True).select_option(value="energy")
    page.get_by_role("button", name="Save").click()
    idea = Idea.objects.get()
    page.wait_for_url(f"{base}{idea.get_absolute_url()}")
    origin = page.locator("#hack-day-origin-heading + p")
    assert "Energy data" in origin.inner_text()
    assert axe_violations(page) == []
    page.goto(f"{base}/insight/case-studies/superblocks/")
    assert page.locator('p[lang="es"]').count() == 1
    assert axe_violations(page) == []
