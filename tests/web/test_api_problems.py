"""Hostile or malformed API requests get a 4xx problem document, never a 500, and a real bug
still answers with a problem document (issue 15, security 4)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest

from urbis.people import services as people
from urbis.places.models import City

PROBLEM = "application/problem+json"


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == PROBLEM
    body = json.loads(response.content)
    assert body["status"] == status and body["title"]
    return body


@pytest.fixture
def strategy(barcelona: City) -> Any:
    from urbis.strategy import services

    services.load_catalogue()
    plan = services.save_strategy(
        by=None, city=barcelona, title="Pla clima", slug="pla-clima", vision="Halve emissions.",
        start_year=2018, end_year=2030, source="Ajuntament", is_published=True,
    )
    target = services.save_target(
        by=None, strategy=plan, title="Halve emissions", description="By 2030.",
        kind="qualitative",
    )
    return plan, target


@pytest.fixture
def token(barcelona: City, make_user: Callable[..., Any]) -> dict[str, str]:
    admin = make_user(role="admin", city=barcelona)
    return {"HTTP_AUTHORIZATION": f"Bearer {people.issue_api_token(user=admin, label='t')}"}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cities/barcelona/areas?offset=9223372036854775808",
        "/api/v1/cities?offset=9223372036854775808",
        "/api/v1/strategies?offset=9223372036854775808",
        "/api/v1/indicators?limit=100000",
        "/api/v1/organisations?offset=-1",
    ],
)
def test_pagination_out_of_range_is_a_422(url: str, client: Any, barcelona: City) -> None:
    body = _problem(client.get(url), 422)
    assert "offset" in body["detail"] or "limit" in body["detail"]


@pytest.mark.parametrize("year", ["0", "-1", "10000"])
@pytest.mark.parametrize(
    "path", ["energy/street-cells", "energy/balance", "energy/areas/B01/profile"]
)
def test_a_year_out_of_range_is_a_422(year: str, path: str, client: Any, barcelona: City) -> None:
    body = _problem(client.get(f"/api/v1/cities/barcelona/{path}?year={year}"), 422)
    assert "year" in body["detail"]


@pytest.mark.parametrize("field", ["vision", "is_published", "source", "title"])
def test_patching_a_strategy_field_to_null_is_refused(
    field: str, client: Any, strategy: Any, token: dict[str, str]
) -> None:
    plan, _target = strategy
    response = client.patch(
        "/api/v1/cities/barcelona/strategies/pla-clima", {field: None},
        content_type="application/json", **token,
    )
    body = _problem(response, 422)
    assert body["errors"][0]["field"].endswith(field)
    plan.refresh_from_db()
    assert plan.vision == "Halve emissions." and plan.source == "Ajuntament"


def test_patching_a_target_description_to_null_is_refused_and_nullable_fields_empty(
    client: Any, strategy: Any, token: dict[str, str]
) -> None:
    _plan, target = strategy
    url = f"/api/v1/cities/barcelona/strategies/pla-clima/targets/{target.pk}"
    _problem(client.patch(url, {"description": None}, content_type="application/json", **token),
             422)
    target.refresh_from_db()
    assert target.description == "By 2030."
    # A field that may be empty still accepts null.
    ok = client.patch(url, {"target_year": None}, content_type="application/json", **token)
    assert ok.status_code == 200, ok.content


def test_the_published_schema_does_not_offer_null_for_required_values(client: Any) -> None:
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schemas["StrategyPatch"]["properties"]["vision"] == {"title": "Vision",
                                                                "type": "string"}
    assert {"type": "null"} in schemas["StrategyPatch"]["properties"]["adopted_on"]["anyOf"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cities/barcelona/energy/uploads",
        "/api/v1/cities/barcelona/observations/csv",
        "/api/v1/cities/barcelona/studies/1/documents",
    ],
)
def test_multipart_without_a_boundary_is_a_400(
    path: str, client: Any, barcelona: City, token: dict[str, str]
) -> None:
    response = client.post(path, b"--x\r\nbroken", content_type="multipart/form-data", **token)
    body = _problem(response, 400)
    assert "multipart" in body["detail"]


def test_an_unexpected_error_is_a_logged_problem_document(
    client: Any, barcelona: City, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from urbis.places import queries

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug in the listing")

    monkeypatch.setattr(queries, "visible_cities", broken)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/api/v1/cities")
    body = _problem(response, 500)
    assert "a bug" not in body["detail"]  # no internals to the client
    assert body["instance"] == "/api/v1/cities"
    logged = [r for r in caplog.records if r.exc_info]
    assert logged and "a bug in the listing" in str(logged[0].exc_info[1])


@pytest.mark.parametrize("order", [-1, 40_000, -76126286])
def test_a_theme_order_out_of_range_is_a_422_not_a_check_constraint_500(
    order: int, client: Any, strategy: Any, token: dict[str, str]
) -> None:
    """Found by the schemathesis run (tests/test_schemathesis.py)."""
    response = client.post(
        "/api/v1/cities/barcelona/strategies/pla-clima/themes",
        {"name": "Energy", "kind": "people", "order": order},
        content_type="application/json", **token,
    )
    assert _problem(response, 422)["errors"][0]["field"].endswith("order")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cities?search=a%00b",
        "/api/v1/cities/bar%00celona",
        "/api/v1/cities/barcelona/areas?search=%00",
        "/api/v1/organisations?search=%00",
    ],
)
def test_a_nul_character_is_a_400_on_every_database(url: str, client: Any, barcelona: City) -> None:
    """PostgreSQL refuses NUL in text: without the check these were 500s there."""
    assert "NUL" in _problem(client.get(url), 400)["detail"]


def test_a_nul_in_a_json_body_is_refused_and_nothing_changes(
    client: Any, strategy: Any, token: dict[str, str]
) -> None:
    plan, _target = strategy
    response = client.patch(
        "/api/v1/cities/barcelona/strategies/pla-clima", {"vision": "Half\x00"},
        content_type="application/json", **token,
    )
    assert "JSON body" in _problem(response, 400)["detail"]
    plan.refresh_from_db()
    assert plan.vision == "Halve emissions."


def test_uploads_still_pass_the_nul_check(client: Any, barcelona: City, token: dict[str, str]):
    """A file may hold any byte: only form fields are checked."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("r.parquet", b"PAR1\x00\x00\x00", "application/octet-stream")
    response = client.post(
        "/api/v1/cities/barcelona/energy/uploads", {"file": upload}, **token
    )
    assert response.status_code != 400 or "NUL" not in response.content.decode()


def _process(**changes: Any) -> dict[str, Any]:
    body = {
        "slug": "barris", "title": "Barris en transició",
        "collecting_starts": "2030-01-01T09:00:00+01:00",
        "collecting_ends": "2030-02-01T09:00:00+01:00",
        "voting_starts": "2030-01-15T09:00:00+01:00",
        "voting_ends": "2030-02-15T09:00:00+01:00",
        "closes": "2030-03-01T09:00:00+01:00",
    }
    return {**body, **changes}


@pytest.mark.parametrize(
    "changes",
    [
        # UTC would be before year 1: the conversion overflowed into a 500.
        {"collecting_starts": "0001-01-01T00:00:00+05:00"},
        # Past a PostgreSQL integer column.
        {"vote_cap": 2**31},
    ],
)
def test_process_values_no_database_can_store_are_a_422(
    changes: dict[str, Any], client: Any, barcelona: City, token: dict[str, str]
) -> None:
    from urbis.engagement.models import Process

    response = client.post("/api/v1/cities/barcelona/processes", _process(**changes),
                           content_type="application/json", **token)
    _problem(response, 422)
    assert not Process.objects.filter(city=barcelona, slug="barris").exists()


def test_an_offset_postgresql_cannot_take_is_stored_as_the_same_instant_in_utc(
    client: Any, barcelona: City, token: dict[str, str]
) -> None:
    import datetime as dt

    from urbis.engagement.models import Process

    response = client.post(
        "/api/v1/cities/barcelona/processes",
        _process(collecting_starts="2030-01-01T09:00:00-19:24"),
        content_type="application/json", **token,
    )
    assert response.status_code == 201, response.content
    stored = Process.objects.get(city=barcelona, slug="barris").collecting_starts
    assert stored == dt.datetime(2030, 1, 2, 4, 24, tzinfo=dt.UTC)
