"""In a real browser: an action page says whether PPP and citizen-driven were derived or set by
hand, the list filter finds a derived PPP, and neither page has a WCAG 2.1 A/AA violation."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_action_page_and_filter_show_derived_and_overridden_flags(
        page: Any, live_server: Any) -> None:
    from tests.a11y import axe_violations
    from tests.strategy.test_browser import _barcelona_with_strategy
    from urbis.people import services as people
    from urbis.strategy import services
    from urbis.strategy.models import Action

    city, target = _barcelona_with_strategy()
    company = people.upsert_organisation(name="Solar Coop SL", slug="b-solar-coop",
                                         kind="business", city=city)
    strategy = target.strategy
    ppp = services.save_action(
        by=None, strategy=strategy, title="Shared solar", is_citizen_driven=True,
        partners=[{"organisation": company, "role": "ppp", "agreement": "Concession 7"}])
    page.set_default_timeout(30_000)
    base = f"{live_server.url}/cities/barcelona/strategy/climate/actions/"
    page.goto(f"{base}{ppp.pk}/")
    ppp_entry = page.locator("#flag-ppp")
    assert ppp_entry.inner_text().startswith("yes")
    assert "derived from the data" in ppp_entry.inner_text()
    assert "Solar Coop SL (Concession 7)" in ppp_entry.inner_text()
    citizen_entry = page.locator("#flag-citizen_driven")
    assert "set by hand (override)" in citizen_entry.inner_text()
    assert "From the data alone: no" in citizen_entry.inner_text()
    found = {"action": axe_violations(page)}

    page.goto(base)
    page.get_by_label("Public-private partnership").select_option("yes")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**ppp=yes**")
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 1 and "Shared solar" in rows.first.inner_text()
    found["list"] = axe_violations(page)
    assert Action.objects.count() == 2
    assert {k: v for k, v in found.items() if v} == {}
