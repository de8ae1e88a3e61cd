"""Engagement pages checked in Chromium by axe-core (WCAG 2.0/2.1 A and AA)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.a11y import pages_with_violations
from urbis.engagement import demo
from urbis.engagement.models import Idea, Study, Workshop


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_engagement_pages_have_no_wcag_violations(
    page: Any, live_server: Any, login_page: Callable[..., Any],
    make_user: Callable[..., Any], barcelona: Any, paris: Any,
) -> None:
    for _label, step in demo.steps():
        step()
    idea = Idea.objects.get(title="Plaques solars a les cobertes de les escoles")
    workshop = Workshop.objects.filter(city=barcelona).first()
    study = Study.objects.get(city=barcelona, kind="usability")
    concept = Study.objects.get(city=paris, kind="concept")
    assert workshop is not None
    login_page(make_user("admin", barcelona))
    found = pages_with_violations(page, live_server.url, [
        "/cities/barcelona/engagement/",
        "/cities/barcelona/engagement/p/barris-en-transicio/?sort=fair",
        "/cities/barcelona/engagement/p/barris-en-transicio/new/",
        f"/cities/barcelona/ideas/{idea.pk}/",
        "/cities/barcelona/engagement/moderation/",
        f"/cities/barcelona/workshops/{workshop.pk}/",
        f"/cities/barcelona/studies/{study.pk}/",
        f"/cities/paris/studies/{concept.pk}/",
        "/notifications/",
        "/accounts/privacy/",
        "/cities/barcelona/engagement/new-process/",
        "/cities/barcelona/engagement/new-study/",
    ])
    assert found == {}
