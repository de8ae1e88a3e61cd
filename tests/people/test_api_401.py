"""Write endpoints answer 401 (problem document, ``WWW-Authenticate: Bearer``) when the client
sends no credential or a bad one, whatever the endpoint; a bearer token needs no CSRF token; a
browser session without its CSRF token is refused with 403.

The endpoints are read from the OpenAPI document, so a new write endpoint is covered without
touching this file."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from urbis.people import services

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch", "delete")


def _write_operations() -> list[tuple[str, str]]:
    """Every (METHOD, path) of the API that changes something, path parameters filled with "1"
    (the answer comes from authentication, which runs before the parameters are read)."""
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    operations = []
    for path, item in response.json()["paths"].items():
        for method in WRITE_METHODS:
            if method in item:
                operations.append((method.upper(), re.sub(r"\{[^}]+\}", "1", path)))
    return sorted(operations)


def _send(client: Client, method: str, path: str, **headers: Any) -> Any:
    return client.generic(method, path, data=b"{}", content_type="application/json", **headers)


def _assert_401(response: Any, where: str) -> None:
    assert response.status_code == 401, (where, response.status_code, response.content[:200])
    assert response["Content-Type"] == "application/problem+json", where
    assert response["WWW-Authenticate"].startswith("Bearer"), where
    body = response.json()
    assert body["status"] == 401 and body["title"] == "Unauthorized", where
    assert "CSRF" not in body.get("detail", ""), where


def test_the_schema_lists_the_write_endpoints() -> None:
    operations = _write_operations()
    # Guards the tests below against passing over an empty list.
    assert len(operations) > 30
    assert ("POST", "/api/v1/ideas/1/vote") in operations


def test_every_write_endpoint_refuses_an_anonymous_client_with_401() -> None:
    client = Client(enforce_csrf_checks=True)
    for method, path in _write_operations():
        _assert_401(_send(client, method, path), f"{method} {path}")


def test_every_write_endpoint_refuses_a_bogus_token_with_401() -> None:
    client = Client(enforce_csrf_checks=True)
    for method, path in _write_operations():
        response = _send(client, method, path, HTTP_AUTHORIZATION="Bearer not-a-real-token")
        _assert_401(response, f"{method} {path}")
        assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_a_bad_token_is_refused_even_beside_a_valid_session(make_user: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(), backend="urbis.people.backends.EmailBackend")
    response = _send(client, "POST", "/api/v1/notifications/read",
                     HTTP_AUTHORIZATION="Bearer not-a-real-token")
    _assert_401(response, "bad token with a session")


def test_a_revoked_token_is_refused_with_401(make_user: Any) -> None:
    user = make_user()
    token = services.issue_api_token(user=user, label="old")
    token_id = user.api_tokens.get().pk
    services.revoke_api_token(user=user, token_id=token_id)
    response = _send(Client(enforce_csrf_checks=True), "POST", "/api/v1/notifications/read",
                     HTTP_AUTHORIZATION=f"Bearer {token}")
    _assert_401(response, "revoked token")


def test_a_valid_token_needs_no_csrf_token(make_user: Any) -> None:
    token = services.issue_api_token(user=make_user(), label="script")
    response = _send(Client(enforce_csrf_checks=True), "POST", "/api/v1/notifications/read",
                     HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content


def test_a_session_without_its_csrf_token_is_refused_with_403(make_user: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(), backend="urbis.people.backends.EmailBackend")
    response = _send(client, "POST", "/api/v1/notifications/read")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert "CSRF" in response.json()["detail"]


def test_a_session_with_its_csrf_token_writes(make_user: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(), backend="urbis.people.backends.EmailBackend")
    client.get("/accounts/login/")  # sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = _send(client, "POST", "/api/v1/notifications/read", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 200, response.content
