"""Pages checked in Chromium by axe-core against WCAG 2.0 / 2.1 levels A and AA."""

from __future__ import annotations

from typing import Any

import pytest

# Other apps' browser tests import the check from here.
from tests.a11y import axe_violations, pages_with_violations

__all__ = ["axe_violations"]

PAGES = [
    "/",
    "/cities/barcelona/",
    "/cities/paris/?level=district",
    "/cities/barcelona/areas/B01/",
    "/accounts/login/",
    "/accounts/signup/",
    "/data-sources/",
    "/accounts/tokens/",
    "/cities/barcelona/members/",
]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_core_pages_have_no_wcag_a_or_aa_violations(
    page: Any, live_server: Any, login_page: Any
) -> None:
    from urbis.demo import loader

    for _label, step in loader.place_steps():
        step()
    from urbis.people.models import Role, User
    from urbis.people.services import grant_role
    from urbis.places.models import City

    admin = User.objects.create_user("a11y@example.org", "pass-word-123")
    grant_role(by=None, user=admin, city=City.objects.get(code="barcelona"), role=Role.ADMIN)
    # The token page needs a signed-in account; the pages before it are seen anonymously.
    tokens = PAGES.index("/accounts/tokens/")
    found = pages_with_violations(page, live_server.url, PAGES[:tokens], maps=["#map"])
    login_page(admin)
    found |= pages_with_violations(page, live_server.url, PAGES[tokens:], maps=["#map"])
    assert found == {}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_skip_link_is_the_first_stop_and_reaches_main(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
