"""The Smart Energy Map in a real browser: switch measure and level, see features drawn, and
open a neighbourhood's hourly profile chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.energy.conftest import readings


@pytest.fixture
def places() -> None:
    """Transactional tests empty the database when they end; put the demo cities back."""
    from urbis.demo import loader
    from urbis.places.models import City

    if not City.objects.filter(code="barcelona").exists():
        for _label, step in loader.place_steps():
            step()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_energy_map_measures_levels_and_profile(
    page: Any, live_server: Any, energy_dir: Path, write_file: Any, places: None
) -> None:
    call_command("energy", "ingest", str(write_file("a.csv", readings())), "--city",
                 "barcelona", verbosity=0)
    page.goto(f"{live_server.url}/cities/barcelona/energy/")
    area_map = page.locator("#energy-map")
    area_map.and_(page.locator("[data-loaded]")).wait_for()
    assert int(area_map.get_attribute("data-loaded")) == 73
    assert page.locator("#energy-map path.leaflet-interactive").count() == 73
    assert page.locator("#energy-legend").is_visible()

    page.get_by_label("Measure").select_option("self_sufficiency")
    page.wait_for_url("**measure=self_sufficiency**")
    page.locator("#energy-map[data-loaded]").wait_for()
    assert "Self-sufficiency" in page.locator("#map-heading").inner_text()

    page.get_by_label("Level").select_option("street")
    page.wait_for_url("**level=street**")
    page.locator("#energy-map[data-loaded]").wait_for()
    assert int(page.locator("#energy-map").get_attribute("data-loaded")) == 1
    assert page.locator("#energy-map path.leaflet-interactive").count() == 1
    assert "13" in page.locator("#energy-table tbody").inner_text()

    page.get_by_label("Level").select_option("district")
    page.wait_for_url("**level=district**")
    page.locator("#energy-map[data-loaded]").wait_for()
    assert page.locator("#energy-map path.leaflet-interactive").count() == 10

    page.get_by_label("Level").select_option("neighbourhood")
    page.wait_for_url("**level=neighbourhood**")
    page.locator("#energy-map[data-loaded]").wait_for()
    page.locator('#energy-map path[data-code="B07"]').click()
    page.wait_for_url("**/energy/areas/B07/**")
    page.get_by_label("Week", exact=True).select_option("23")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**week=23**")
    chart = page.locator("#profile-chart[data-drawn]")
    chart.wait_for()
    assert chart.get_attribute("data-drawn") == "168"
    assert page.locator("#profile-days tbody tr").count() == 7


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_energy_pages_have_no_wcag_a_or_aa_violations(
    page: Any, live_server: Any, login_page: Any, energy_dir: Path, write_file: Any,
    places: None,
) -> None:
    import datetime as dt

    from tests.a11y import pages_with_violations
    from urbis.energy import services
    from urbis.people.models import Role, User
    from urbis.people.services import grant_role
    from urbis.places.models import Area, City

    call_command("energy", "ingest", str(write_file("a.csv", readings())), "--city",
                 "barcelona", verbosity=0)
    barcelona = City.objects.get(code="barcelona")
    season = services.save_season(
        None, slug="a11y", name="A11y season", cities=[barcelona],
        starts_on=dt.date(2025, 1, 1), ends_on=dt.date.today() + dt.timedelta(days=9),
        baseline_year=2024, scoring_year=2025,
    )
    entry = services.enter(None, season, Area.objects.get(city=barcelona, code="B07"),
                           team_name="Team", households=100)
    services.add_initiative(None, entry, kind="solar", title="Roofs", description="Panels")
    services.publish_best_practice(None, season, kind="solar", title="Roofs", summary="S",
                                   entry=entry)
    editor = User.objects.create_user("energy-a11y@example.org", "pass-word-123")
    grant_role(by=None, user=editor, city=barcelona, role=Role.EDITOR)
    login_page(editor)
    from urbis.engines.energy import list_files

    stored = list_files(energy_dir, "barcelona")[0].file_hash
    found = pages_with_violations(page, live_server.url, (
        f"/cities/barcelona/energy/files/{stored}/withdraw/",
        "/cities/barcelona/energy/pv/",
        "/cities/barcelona/energy/",
        "/cities/barcelona/energy/?level=street&measure=balance",
        "/cities/barcelona/energy/areas/B07/?year=2025&week=23",
        "/cities/barcelona/energy/upload/",
        "/energy/competition/",
        "/energy/competition/a11y/",
        f"/energy/competition/a11y/entries/{entry.pk}/",
        "/energy/competition/a11y/enter/",
        "/energy/competition/best-practices/",
    ), maps=["#energy-map"])
    assert found == {}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editor_withdraws_a_stored_file_in_the_browser(
    page: Any, live_server: Any, login_page: Any, energy_dir: Path, write_file: Any,
    places: None,
) -> None:
    from urbis.engines.energy import list_files
    from urbis.people.models import Role, User
    from urbis.people.services import grant_role
    from urbis.places.models import City

    call_command("energy", "ingest", str(write_file("june.csv", readings(3, 24))), "--city",
                 "barcelona", verbosity=0)
    editor = User.objects.create_user("energy-withdraw@example.org", "pass-word-123")
    grant_role(by=None, user=editor, city=City.objects.get(code="barcelona"), role=Role.EDITOR)
    login_page(editor)
    page.goto(f"{live_server.url}/cities/barcelona/energy/upload/")
    row = page.locator("#stored-files-table tbody tr", has_text="june.csv")
    assert "96" in row.inner_text()  # 3 consumption meters and 1 PV meter × 24 h
    row.get_by_role("link", name="Withdraw…").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Withdraw june.csv?"
    page.get_by_role("button", name="Withdraw the file").click()
    page.wait_for_url("**/energy/upload/")
    assert "june.csv was withdrawn" in page.locator(".messages").inner_text()
    assert "No readings are stored yet." in page.locator("#stored-files-table").inner_text()
    assert "Withdrawn" in page.locator("table", has_text="Ingestion log").inner_text()
    assert list_files(energy_dir, "barcelona") == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_legend_tells_close_class_bounds_apart(
    page: Any, live_server: Any, energy_dir: Path, write_file: Any, places: None
) -> None:
    """Self-sufficiency of a few tenths of a percent gave a legend of '0.1 % – 0.1 %': the
    map now shows as many decimals as it takes. The layer's classes are replaced by close
    ones on their way to the real page and script."""
    import json
    import re

    call_command("energy", "ingest", str(write_file("a.csv", readings())), "--city",
                 "barcelona", verbosity=0)

    def close_classes(route: Any) -> None:
        layer = route.fetch().json()
        layer["properties"]["classes"] = [0.0006, 0.0009, 0.0014, 0.0025, 0.008]
        route.fulfill(status=200, content_type="application/geo+json", body=json.dumps(layer))

    page.route(re.compile(r"/energy/balance\?.*format=geojson"), close_classes)
    page.goto(f"{live_server.url}/cities/barcelona/energy/?measure=self_sufficiency")
    page.locator("#energy-map[data-loaded]").wait_for()
    rows = [r.strip() for r in page.locator("#energy-legend").inner_text().splitlines()[1:6]]
    assert rows == [
        "≤ 0.06 %", "0.06 % – 0.09 %", "0.09 % – 0.14 %", "0.14 % – 0.25 %", "0.25 % – 0.8 %",
    ]
