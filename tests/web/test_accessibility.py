"""Pages checked in Chromium by axe-core against WCAG 2.0 / 2.1 levels A and AA."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js"
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


def axe_violations(page: Any) -> list[dict[str, Any]]:
    # Evaluated through the browser's debugging protocol, not added as a <script> tag: the
    # Content-Security-Policy refuses inline scripts, which is what add_script_tag makes.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {
               runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
           })"""
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
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
    found = {}
    for path in PAGES:
        if path == "/accounts/tokens/":
            login_page(admin)
        page.goto(f"{live_server.url}{path}")
        if page.locator("#map").count():
            page.wait_for_selector("#map[data-loaded]")
        violations = axe_violations(page)
        if violations:
            found[path] = violations
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
