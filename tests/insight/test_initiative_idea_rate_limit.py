"""The web form that turns a hack-day initiative into an idea, when the editor is over
engagement's idea limit: the form again with the reason in the reader's language, status 429
with Retry-After (as the API answers), nothing stored; not the generic 403 page."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import ngettext

from urbis.engagement.models import RateCounter

from .test_hack_day_ideas import FORM, _process, _state
from .test_hack_day_ideas import initiative as initiative  # the fixture

pytestmark = pytest.mark.django_db


def _refusal(minutes: int) -> str:
    return ngettext(
        "You have done this too often for now. Please wait %(minutes)d minute and try again.",
        "You have done this too often for now. Please wait %(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


@pytest.mark.parametrize("limit", ["idea:user", "idea:ip"])
def test_over_the_idea_limit_the_form_says_why_with_429_and_stores_nothing(
    limit: str, initiative: Any, barcelona: Any, make_user: Callable[..., Any],
    client_for: Callable[..., Any], settings: Any,
) -> None:
    settings.URBIS_RATE_LIMITS = {limit: (1, 3600)}
    process = _process(barcelona)
    client = client_for(make_user("editor", barcelona))
    own = "/api/v1/cities/barcelona/processes/ideas/ideas"
    assert client.post(own, FORM, content_type="application/json").status_code == 201
    before = _state()
    form_url = f"/cities/barcelona/hack-days/energy-hack/initiatives/{initiative.pk}/idea/"
    answer = client.post(form_url, {**FORM, "title": "Heat-pump map of the district",
                                    "process": str(process.pk)},
                         HTTP_ACCEPT_LANGUAGE="de")
    assert answer.status_code == 429, answer.content[:500]
    retry = int(answer["Retry-After"])
    assert 0 < retry <= 3600
    page = html.unescape(answer.content.decode())
    with translation.override("de"):
        assert _refusal(-(-retry // 60)) in page
    # the form is shown again with what was typed
    assert 'name="title"' in page and "Heat-pump map of the district" in page
    assert _state() == before
    # the address's limit counts the form's posts too, as engagement's own form does
    assert RateCounter.objects.filter(key__startswith="idea:ip:").exists()


def test_the_form_still_refuses_a_user_without_the_role(
    initiative: Any, barcelona: Any, make_user: Callable[..., Any],
    client_for: Callable[..., Any],
) -> None:
    process = _process(barcelona)
    form_url = f"/cities/barcelona/hack-days/energy-hack/initiatives/{initiative.pk}/idea/"
    answer = client_for(make_user()).post(form_url, {**FORM, "process": str(process.pk)})
    assert answer.status_code == 403
    assert _state()[0] == 0
