"""Case studies, pilots and partnerships created and changed through /api/v1/: the same services
and permission checks as the pages; every write endpoint refuses a user without the role; bad
input is refused with its field and reason, and nothing is stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from urbis.insight import services
from urbis.insight.models import CaseStudy, Partnership, Pilot

pytestmark = pytest.mark.django_db

CASE = {"slug": "green-roofs", "title": "Green roofs", "place_name": "Rotterdam",
        "theme": "climate", "problem": "Heat", "what_was_done": "Roofs",
        "results": "Cooler by 2 K (city report)",
        "sources": [{"title": "City report 2020", "url": "https://example.org/report"}]}
PILOT = {"slug": "p", "title": "School streets", "theme": "mobility", "goals": "Safer walks",
         "source": "Council decision 12/2025"}
PARTNER = {"mentor": "paris", "theme": "energy", "goals": "Learn", "started_on": "2026-01-01"}
JSON = "application/json"


@pytest.fixture
def records(barcelona: Any, paris: Any) -> dict[str, Any]:
    case = services.create_case_study(
        by=None, operator=True, city=barcelona, slug="existing", title="Existing",
        place_name="Barcelona", theme="energy", problem="P", what_was_done="W", results="R",
        sources=[{"title": "S", "url": ""}])
    orphan = services.create_case_study(
        by=None, operator=True, city=None, slug="orphan", title="Orphan", place_name="Lyon",
        theme="energy", problem="P", what_was_done="W", results="R", is_illustrative=True,
        sources=[])
    pilot = services.create_pilot(by=None, operator=True, city=barcelona, slug="p",
                                  title="P", theme="energy", goals="G", source="s")
    partnership = services.create_partnership(
        by=None, operator=True, mentor=paris, follower=barcelona, theme="energy", goals="G",
        started_on=dt.date(2026, 1, 1))
    return {"case": case, "orphan": orphan, "pilot": pilot, "partnership": partnership}


def _writes(records: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    pk = records["partnership"].pk
    return [
        ("post", "/api/v1/cities/barcelona/case-studies", CASE),
        ("put", "/api/v1/insight/case-studies/existing", {**CASE, "slug": "existing"}),
        ("post", "/api/v1/cities/barcelona/pilots", {**PILOT, "slug": "new-pilot"}),
        ("put", "/api/v1/cities/barcelona/pilots/p", {**PILOT, "title": "Changed"}),
        ("post", "/api/v1/cities/barcelona/partnerships", {**PARTNER, "theme": "mobility"}),
        ("put", f"/api/v1/cities/barcelona/partnerships/{pk}", {**PARTNER, "goals": "Changed"}),
    ]


def _state() -> tuple[Any, ...]:
    return (
        sorted(CaseStudy.objects.values_list("slug", "title", "sources", "summaries")),
        sorted(Pilot.objects.values_list("slug", "title", "goals", "lab", "evaluation_area",
                                         "before_start")),
        sorted(Partnership.objects.values_list("theme", "goals", "meetings", "documents")),
    )


def _send(client: Any, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(url, body, content_type=JSON)


def test_every_write_endpoint_refuses_a_user_without_the_role(
    records: dict[str, Any], barcelona: Any, paris: Any, make_user: Callable[..., Any],
    client_for: Callable[..., Any],
) -> None:
    before = _state()
    anonymous = client_for(None)
    for method, url, body in _writes(records):
        assert _send(anonymous, method, url, body).status_code == 401, url
    for user in (make_user("member", barcelona), make_user("moderator", barcelona),
                 make_user("editor", paris)):
        client = client_for(user)
        for method, url, body in _writes(records):
            response = _send(client, method, url, body)
            assert response.status_code == 403, (method, url, user)
            assert response["Content-Type"].startswith("application/problem+json")
    # A case study of no city is changed by the platform only, not by any city's editor.
    editor = client_for(make_user("editor", barcelona))
    assert _send(editor, "put", "/api/v1/insight/case-studies/orphan",
                 {**CASE, "slug": "orphan", "sources": []}).status_code == 403
    assert _state() == before


def test_an_editor_changes_case_studies_pilots_and_partnerships(
    records: dict[str, Any], barcelona: Any, paris: Any, make_user: Callable[..., Any],
    client_for: Callable[..., Any],
) -> None:
    from urbis.insight.models import LivingLab
    from urbis.places.models import Area
    from urbis.strategy.models import Indicator

    editor = client_for(make_user("editor", barcelona))
    case = _send(editor, "put", "/api/v1/insight/case-studies/existing",
                 {**CASE, "slug": "existing", "title": "Green roofs, ten years on"})
    assert case.status_code == 200, case.content
    assert case.json()["title"] == "Green roofs, ten years on"
    stored = CaseStudy.objects.get(slug="existing")
    assert stored.sources == CASE["sources"] and stored.city == barcelona

    LivingLab.objects.create(city=barcelona, slug="lab", name="Lab", host="City")
    Indicator.objects.create(code="test-no2-api", name="NO2", unit="µg/m³", direction="down",
                             theme="environment")
    area, other = Area.objects.filter(city=barcelona).order_by("code")[:2]
    body = {**PILOT, "title": "School streets", "lab": "lab", "decision": "iterate",
            "partners": "Schools", "evaluation": "Fewer cars", "budget_eur": 25000,
            "evaluation_indicator": "test-no2-api", "evaluation_area": area.code,
            "comparison_areas": [other.code], "before_start": "2020-01-01",
            "before_end": "2021-12-31", "after_start": "2023-01-01", "after_end": "2024-12-31"}
    pilot = _send(editor, "put", "/api/v1/cities/barcelona/pilots/p", body)
    assert pilot.status_code == 200, pilot.content
    assert pilot.json()["lab_slug"] == "lab" and pilot.json()["decision"] == "iterate"
    stored_pilot = Pilot.objects.get(city=barcelona, slug="p")
    assert (stored_pilot.evaluation_area, stored_pilot.before_start, stored_pilot.budget_eur) == (
        area, dt.date(2020, 1, 1), 25000)
    assert list(stored_pilot.comparison_areas.all()) == [other]
    detail = editor.get("/api/v1/cities/barcelona/pilots/p").json()
    assert detail["evaluation"]["indicator_code"] == "test-no2-api"

    # Empty references mean none (they reached the service as text and failed there).
    cleared = _send(editor, "put", "/api/v1/cities/barcelona/pilots/p", {
        **PILOT, "lab": "", "evaluation_indicator": "", "evaluation_area": ""})
    assert cleared.status_code == 200, cleared.content
    assert Pilot.objects.get(city=barcelona, slug="p").evaluation_area is None

    pk = records["partnership"].pk
    partnership = _send(editor, "put", f"/api/v1/cities/barcelona/partnerships/{pk}", {
        **PARTNER, "outcomes": "A first design",
        "meetings": [{"date": "2026-02-01", "note": "Kick-off"}],
        "documents": [{"title": "Notes", "url": "https://example.org/notes"}]})
    assert partnership.status_code == 200, partnership.content
    assert partnership.json()["meetings"] == [{"date": "2026-02-01", "note": "Kick-off"}]
    records["partnership"].refresh_from_db()
    assert records["partnership"].outcomes == "A first design"
    created = _send(editor, "post", "/api/v1/cities/barcelona/partnerships",
                    {**PARTNER, "theme": "mobility", "is_illustrative": True})
    assert created.status_code == 201 and created.json()["illustrative"] is True


def test_bad_input_names_field_and_reason_and_stores_nothing(
    records: dict[str, Any], barcelona: Any, make_user: Callable[..., Any],
    client_for: Callable[..., Any],
) -> None:
    editor = client_for(make_user("editor", barcelona))
    pk = records["partnership"].pk
    cases = [
        ("post", "/api/v1/cities/barcelona/case-studies",
         {**CASE, "sources": [{"title": "Leaflet", "url": "javascript:alert(1)"}]}, "sources"),
        ("post", "/api/v1/cities/barcelona/case-studies", {**CASE, "slug": "existing"}, "slug"),
        ("put", "/api/v1/insight/case-studies/existing", {**CASE, "slug": "existing",
                                                           "title": ""}, "title"),
        ("put", "/api/v1/insight/case-studies/existing", {**CASE, "slug": "existing",
                                                           "sources": "a book"}, "sources"),
        ("put", "/api/v1/cities/barcelona/pilots/p", {**PILOT, "evaluation_area": "nowhere"},
         "evaluation_area"),
        ("put", "/api/v1/cities/barcelona/pilots/p", {**PILOT, "lab": "nowhere"}, "lab"),
        ("put", "/api/v1/cities/barcelona/pilots/p", {**PILOT, "before_start": "soon"},
         "before_start"),
        ("put", "/api/v1/cities/barcelona/pilots/p", {**PILOT, "decision": "maybe"},
         "decision"),
        ("put", "/api/v1/cities/barcelona/pilots/p", {**PILOT, "budget_eur": -5}, "budget_eur"),
        ("put", "/api/v1/cities/barcelona/pilots/p", {**PILOT, "budget_eur": 2**31},
         "budget_eur"),
        ("post", "/api/v1/cities/barcelona/pilots", {**PILOT, "slug": "q", "source": ""},
         "source"),
        ("put", f"/api/v1/cities/barcelona/partnerships/{pk}",
         {**PARTNER, "mentor": "barcelona"}, "mentor"),
        ("put", f"/api/v1/cities/barcelona/partnerships/{pk}",
         {**PARTNER, "mentor": "atlantis"}, "mentor"),
        ("put", f"/api/v1/cities/barcelona/partnerships/{pk}",
         {**PARTNER, "meetings": [{"date": "first of March"}]}, "meetings"),
        ("post", "/api/v1/cities/barcelona/partnerships",
         {**PARTNER, "theme": "mobility", "started_on": "January"}, "started_on"),
    ]
    before = _state()
    for method, url, body, field in cases:
        response = _send(editor, method, url, body)
        assert response.status_code == 422, (field, response.content)
        errors = response.json()["errors"]
        assert any(field in e["field"] and e["reason"] for e in errors), (field, errors)
    # The evaluation set-up is checked as a whole: periods out of order, on their fields.
    response = _send(editor, "put", "/api/v1/cities/barcelona/pilots/p", {
        **PILOT, "evaluation_indicator": None, "before_start": "2022-01-01",
        "before_end": "2021-01-01", "after_start": "2020-06-01", "after_end": "2021-12-31"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"evaluation_indicator", "before_end", "after_start"} <= fields
    malformed = editor.put("/api/v1/cities/barcelona/pilots/p", "{not json",
                           content_type=JSON)
    assert malformed.status_code in (400, 422)
    assert _state() == before
