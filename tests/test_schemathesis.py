"""The API fuzzed from its own OpenAPI document (schemathesis): no input, however odd, may make
it answer 500, and every answer must match the schema it publishes.

Read operations run anonymously; write operations run with the API token of an administrator
of Barcelona, inside the test's transaction, so nothing outlives the test. Path parameters that
name a city, a strategy or a process are pinned to real ones (the fixtures below) so that the
generated data reaches the handlers instead of stopping at a 404. Runs once, in the PostgreSQL
pass of scripts/test (the SQLite pass skips it): PostgreSQL is what cities run, and it refuses
inputs SQLite takes (NUL characters, integers past 32 bits).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from urbis.places.models import City

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="the API contract is fuzzed once, in the PostgreSQL pass of scripts/test",
    ),
]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
FUZZ = hypothesis_settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)


@pytest.fixture
def keep_connection() -> Iterator[None]:
    """Requests go through the real WSGI handler, which closes the database connection at
    each request's end; that would end the test's transaction. Django's test client keeps it
    open the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(
    keep_connection: None, barcelona: City, paris: City, make_user: Callable[..., Any]
) -> dict[str, Any]:
    """A published strategy and an open process in Barcelona, and an admin's API token."""
    from urbis.engagement import services as engagement
    from urbis.people import services as people
    from urbis.strategy import services as strategy

    strategy.load_catalogue()
    plan = strategy.save_strategy(
        by=None, city=barcelona, title="Pla clima", slug="pla-clima", vision="Halve emissions.",
        start_year=2018, end_year=2030, is_published=True,
    )
    now = timezone.now()
    process = engagement.create_process(
        by=None, city=barcelona, slug="ideas", title="Idees per a Barcelona",
        collecting_starts=now - dt.timedelta(days=10), collecting_ends=now + dt.timedelta(days=10),
        voting_starts=now - dt.timedelta(days=5), voting_ends=now + dt.timedelta(days=20),
        closes=now + dt.timedelta(days=40),
    )
    admin = make_user(role="admin", city=barcelona)
    token = people.issue_api_token(user=admin, label="fuzz")
    return {"strategy": plan.slug, "process": process.slug, "token": token}


def _pin(case: Any, world: dict[str, Any]) -> None:
    path = case.path_parameters or {}
    if "code" in path:
        path["code"] = "barcelona"
    if "slug" in path:
        path["slug"] = world["process"] if "/processes/" in case.path else world["strategy"]


def _no_server_error_nor_schema_violation(case: Any, world: dict[str, Any], **kwargs: Any) -> None:
    _pin(case, world)
    case.call_and_validate(checks=CHECKS, **kwargs)


@schema.include(method="GET").exclude(path_regex="energy/(uploads|files)").parametrize()
@FUZZ
def test_read_endpoints_anonymously(case: Any, fuzz_world: dict[str, Any]) -> None:
    _no_server_error_nor_schema_violation(case, fuzz_world)


@schema.exclude(method="GET").parametrize()
@FUZZ
def test_write_endpoints_with_a_token(case: Any, fuzz_world: dict[str, Any]) -> None:
    _no_server_error_nor_schema_violation(
        case, fuzz_world, headers={"Authorization": f"Bearer {fuzz_world['token']}"}
    )
