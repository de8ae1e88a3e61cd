"""Public and private pages, filters, the action page's plug-in sections, and the API."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from urbis.places.models import City
from urbis.strategy import queries, services
from urbis.strategy.models import Action, Change, Strategy, Target

BASE = "/cities/barcelona/strategy/climate/"


def test_unpublished_strategy_is_private(
    strategy: Strategy, target: Target, make_user: Callable[..., Any], barcelona: City,
    client_for: Callable[..., Any],
) -> None:
    services.save_strategy(by=None, city=barcelona, strategy=strategy, is_published=False)
    anonymous = client_for(None)
    assert anonymous.get(BASE).status_code == 404
    assert anonymous.get(BASE + f"targets/{target.pk}/").status_code == 404
    assert anonymous.get("/api/v1/cities/barcelona/strategies/climate").status_code == 404
    assert anonymous.get("/api/v1/strategies").json()["count"] == 0
    editor = client_for(make_user("editor", barcelona))
    page = editor.get(BASE)
    assert page.status_code == 200 and "Not published" in page.content.decode()


def test_strategy_page_shows_targets_status_and_chart(
    strategy: Strategy, target: Target, action: Action, client_for: Callable[..., Any]
) -> None:
    page = client_for(None).get(BASE).content.decode()
    assert "Halve emissions by 2030" in page
    assert "status-no_data" in page
    assert f'data-target-chart="{target.pk}"' in page
    assert 'id="strategy-charts"' in page


def test_action_list_filters(
    strategy: Strategy, action: Action, departments: list[Any], client_for: Callable[..., Any]
) -> None:
    services.save_action(by=None, strategy=strategy, title="Superblocks",
                         is_citizen_driven=True, status="planned",
                         responsible_department=departments[1])
    client = client_for(None)

    def titles(query: str) -> list[str]:
        return [a.title for a in queries.actions(strategy, dict(
            part.split("=") for part in query.split("&") if part))]

    assert titles("ppp=yes") == ["Solar roofs"]
    assert titles("citizen=yes") == ["Superblocks"]
    assert titles("status=planned") == ["Superblocks"]
    assert titles("department=t-energy") == ["Solar roofs"]
    assert titles("") == ["Solar roofs", "Superblocks"]
    page = client.get(BASE + "actions/?citizen=yes").content.decode()
    assert "Superblocks" in page and "Solar roofs" not in page
    api = client.get("/api/v1/cities/barcelona/strategies/climate/actions?ppp=true").json()
    assert [a["title"] for a in api["items"]] == ["Solar roofs"]


def test_action_page_includes_other_apps_sections(
    monkeypatch: Any, action: Action, client_for: Callable[..., Any]
) -> None:
    seen = []

    def sections(page: str, request: Any, obj: Any) -> list[dict[str, Any]]:
        seen.append((page, obj))
        return [{"template": "strategy/_status.html",
                 "status": {"status": "achieved", "status_label": "PLUGGED-IN"}}]

    monkeypatch.setattr("urbis.web.sections.page_sections", sections)
    page = client_for(None).get(BASE + f"actions/{action.pk}/").content.decode()
    assert seen == [("action", action)]
    assert "PLUGGED-IN" in page
    assert "Survey" in page and "late" in page


def test_pages_refuse_editing_without_a_role(
    strategy: Strategy, target: Target, action: Action, make_user: Callable[..., Any],
    barcelona: City, client_for: Callable[..., Any],
) -> None:
    member = client_for(make_user("member", barcelona))
    for url in (BASE + f"targets/{target.pk}/edit/", BASE + f"actions/{action.pk}/edit/",
                BASE + "targets/new/", BASE + "edit/"):
        assert member.get(url).status_code == 403
        assert client_for(None).get(url).status_code == 302
    response = member.post(BASE + f"targets/{target.pk}/edit/", {"title": "Hijacked"})
    assert response.status_code == 403
    assert member.post(BASE + f"actions/{action.pk}/milestones/",
                       {"title": "x", "due_date": "2030-01-01"}).status_code == 403
    assert Target.objects.get(pk=target.pk).title == "Halve emissions by 2030"


def test_editor_edits_a_target_through_the_form(
    strategy: Strategy, target: Target, departments: list[Any], make_user: Callable[..., Any],
    barcelona: City, client_for: Callable[..., Any],
) -> None:
    editor = client_for(make_user("editor", barcelona))
    form = {
        "title": "Halve emissions by 2030", "kind": "quantitative",
        "indicator": str(target.indicator_id), "baseline_value": "4", "baseline_year": "2010",
        "target_value": "1.8", "target_year": "2030", "direction": "down",
        "departments": [str(departments[0].pk)],
    }
    bad = editor.post(BASE + f"targets/{target.pk}/edit/", {**form, "target_value": "9"})
    assert bad.status_code == 200 and "above the baseline" in bad.content.decode()
    assert editor.post(BASE + f"targets/{target.pk}/edit/", form).status_code == 302
    assert Target.objects.get(pk=target.pk).target_value == 1.8
    history = editor.get(f"/api/v1/cities/barcelona/strategies/climate/targets/{target.pk}"
                         "/history").json()
    assert {h["field"] for h in history} >= {"target_value", "departments"}


def test_api_writes_need_a_role_and_record_history(
    strategy: Strategy, target: Target, action: Action, make_user: Callable[..., Any],
    barcelona: City, paris: City, client_for: Callable[..., Any],
) -> None:
    api = "/api/v1/cities/barcelona/strategies/climate"
    body = json.dumps({"title": "Cycle network", "indicator": "urbis-cycle-network-length",
                       "baseline_value": 240, "baseline_year": 2021, "target_value": 272.6,
                       "target_year": 2022, "departments": ["t-mobility"]})
    for user, expected in ((None, 401), (make_user("member", barcelona), 403),
                           (make_user("editor", paris), 403)):
        client = client_for(user)
        assert client.post(api + "/targets", body,
                           content_type="application/json").status_code == expected
        assert client.patch(api + f"/actions/{action.pk}", json.dumps({"status": "delayed"}),
                            content_type="application/json").status_code == expected
    editor_user = make_user("editor", barcelona)
    editor = client_for(editor_user)
    created = editor.post(api + "/targets", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["direction"] == "up"  # taken from the indicator
    assert created.json()["status"]["status"] == "no_data"
    changed = editor.patch(api + f"/actions/{action.pk}", json.dumps({"status": "delayed"}),
                           content_type="application/json")
    assert changed.json()["status"] == "delayed"
    change = Change.objects.get(model="action", object_id=action.pk, field="status",
                                new_value="delayed")
    assert (change.old_value, change.new_value, change.changed_by) == (
        "in_progress", "delayed", editor_user)
    invalid = editor.patch(api + f"/targets/{target.pk}", json.dumps({"target_year": 2000}),
                           content_type="application/json")
    assert invalid.status_code == 422
    assert invalid.json()["errors"][0]["field"] == "target_year"
    milestone = editor.post(api + f"/actions/{action.pk}/milestones",
                            json.dumps({"title": "Tender", "due_date": "2020-05-01"}),
                            content_type="application/json")
    assert milestone.status_code == 201 and milestone.json()["late"] is True


def test_openapi_lists_the_strategy_api(client_for: Callable[..., Any], db: Any) -> None:
    paths = client_for(None).get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/strategies", "/api/v1/cities/{code}/strategies/{slug}/targets",
                 "/api/v1/cities/{code}/observations", "/api/v1/network/figures",
                 "/api/v1/compare/indicators/{indicator_code}"):
        assert path in paths


def test_editor_adds_a_theme_and_members_cannot(
    strategy: Strategy, make_user: Callable[..., Any], barcelona: City,
    client_for: Callable[..., Any],
) -> None:
    url = BASE + "themes/"
    data = {"name": "Energia", "kind": "energy", "order": "1"}
    assert client_for(make_user("member", barcelona)).post(url, data).status_code == 403
    editor = client_for(make_user("editor", barcelona))
    assert editor.post(url, data).status_code == 302
    assert editor.post(url, data).status_code == 302  # a second one with that name is refused
    assert list(strategy.themes.values_list("name", flat=True)) == ["Energia"]
    assert "Energia" in editor.get(BASE + "edit/").content.decode()
