"""Every write endpoint and every editing page refuses a person without an editing role, and
stores nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from urbis.places.models import City
from urbis.strategy.models import (
    Action,
    Change,
    Indicator,
    Milestone,
    Observation,
    ProgressReport,
    Strategy,
    Target,
    Theme,
)

API = "/api/v1/cities/barcelona"
S = API + "/strategies/climate"
PAGE = "/cities/barcelona/strategy/climate/"


def _snapshot() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Strategy, Theme, Target, Action, Milestone,
                                              Observation, ProgressReport, Indicator, Change))


def _api_writes(target: Target, action: Action) -> list[tuple[str, str, dict[str, Any] | list]]:
    milestone = action.milestones.first()
    assert milestone is not None
    return [
        ("post", API + "/strategies", {"title": "Mine", "start_year": 2020, "end_year": 2030}),
        ("patch", S, {"vision": "Changed"}),
        ("post", S + "/themes", {"name": "Energia", "kind": "energy"}),
        ("post", S + "/targets", {"title": "T", "kind": "qualitative"}),
        ("patch", S + f"/targets/{target.pk}", {"title": "Changed"}),
        ("post", S + "/actions", {"title": "A"}),
        ("patch", S + f"/actions/{action.pk}", {"title": "Changed"}),
        ("post", S + f"/actions/{action.pk}/milestones", {"title": "M", "due_date": "2030-01-01"}),
        ("patch", S + f"/actions/{action.pk}/milestones/{milestone.pk}", {"done_on": "2021-01-01"}),
        ("post", S + "/reports", {"period_start": "2020-01-01", "period_end": "2020-12-31"}),
        ("post", API + "/indicators", {"code": "roofs", "name": "Roofs", "unit": "%",
                                       "direction": "up", "theme": "energy"}),
        ("post", API + "/observations", [{"indicator": "urbis-ghg-emissions", "date": "2020",
                                          "value": 1}]),
    ]


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("member", 403), ("moderator", 403)])
def test_api_writes_are_refused(
    role: str | None, status: int, target: Target, action: Action,
    make_user: Callable[..., Any], barcelona: City, client_for: Callable[..., Any],
) -> None:
    client = client_for(make_user(role, barcelona) if role else None)
    before = _snapshot()
    for method, url, body in _api_writes(target, action):
        response = getattr(client, method)(url, json.dumps(body),
                                           content_type="application/json")
        assert response.status_code == status, (method, url, response.content)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("o.csv", b"indicator,year,value\nurbis-ghg-emissions,2020,1\n")
    assert client.post(API + "/observations/csv", {"file": upload}).status_code == status
    assert _snapshot() == before
    assert Target.objects.get(pk=target.pk).title == "Halve emissions by 2030"


def test_an_editor_of_another_city_is_refused_everywhere(
    target: Target, action: Action, make_user: Callable[..., Any], paris: City,
    client_for: Callable[..., Any],
) -> None:
    client = client_for(make_user("editor", paris))
    before = _snapshot()
    for method, url, body in _api_writes(target, action):
        response = getattr(client, method)(url, json.dumps(body),
                                           content_type="application/json")
        assert response.status_code == 403, (method, url)
    assert _snapshot() == before


def test_editing_pages_refuse_members(
    target: Target, action: Action, make_user: Callable[..., Any], barcelona: City,
    client_for: Callable[..., Any],
) -> None:
    member = client_for(make_user("member", barcelona))
    anonymous = client_for(None)
    milestone = action.milestones.get(title="Build")  # not done yet
    posts = [
        ("/cities/barcelona/strategy/new/", {"title": "Mine", "start_year": "2020",
                                             "end_year": "2030"}),
        (PAGE + "edit/", {"title": "Changed", "start_year": "2018", "end_year": "2030"}),
        (PAGE + "themes/", {"name": "Energia", "kind": "energy", "order": "0"}),
        (PAGE + "targets/new/", {"title": "T", "kind": "qualitative", "direction": "down"}),
        (PAGE + f"targets/{target.pk}/edit/", {"title": "Changed"}),
        (PAGE + "actions/new/", {"title": "A", "horizon": "short", "status": "planned",
                                 "currency": "EUR"}),
        (PAGE + f"actions/{action.pk}/edit/", {"title": "Changed"}),
        (PAGE + f"actions/{action.pk}/milestones/", {"title": "M", "due_date": "2030-01-01"}),
        (PAGE + f"actions/{action.pk}/milestones/{milestone.pk}/done/", {}),
        (PAGE + "reports/", {"period_start": "2020-01-01", "period_end": "2020-12-31"}),
        ("/cities/barcelona/indicators/", {"code": "roofs", "name": "Roofs", "unit": "%",
                                           "direction": "up", "theme": "energy"}),
    ]
    before = _snapshot()
    for url, data in posts:
        assert member.post(url, data).status_code == 403, url
        response = anonymous.post(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert _snapshot() == before
    assert Milestone.objects.get(pk=milestone.pk).done_on is None
