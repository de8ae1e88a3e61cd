"""A person opens a city page in a real browser, sees the neighbourhoods on the map and follows
one to its own page."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_city_map_draws_every_neighbourhood_and_links_to_it(page: Any, live_server: Any) -> None:
    from urbis.demo import loader

    for _label, step in loader.place_steps():  # a transactional test starts from empty tables
        step()
    page.goto(f"{live_server.url}/cities/barcelona/")
    page.wait_for_selector("#map[data-loaded]")
    assert page.get_attribute("#map", "data-loaded") == "73"
    shapes = page.locator("#map path.leaflet-interactive")
    assert shapes.count() == 73
    assert page.locator(".legend").is_visible()

    # Clicking the Raval on the map opens its page.
    page.locator('#map path[data-code="B01"]').click()
    page.wait_for_url(f"{live_server.url}/cities/barcelona/areas/B01/")
    assert page.get_by_role("heading", level=1).inner_text() == "el Raval"
    page.wait_for_selector("#map[data-loaded]")
    assert page.locator("#map path.leaflet-interactive").count() == 1

    # The same place is reachable by keyboard through the table.
    page.goto(f"{live_server.url}/cities/barcelona/")
    link = page.get_by_role("link", name="la Barceloneta")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/cities/barcelona/areas/B03/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_language_switcher_translates_the_page(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_label("Language").select_option("de")
    page.get_by_role("button", name="Change").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("link", name="Anmelden").count() == 1
