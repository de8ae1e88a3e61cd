"""The OGC API fuzzed from its own OpenAPI document (schemathesis): no input may make it
answer 500, and every answer must match the definition it publishes at /ogc/api.

The definition lists every collection, so it is read from the running app once the test
database holds the demo cities (a fixture), not at import. Runs in the PostgreSQL pass of
scripts/test, like tests/test_schemathesis.py, unless URBIS_FUZZ_EVERYWHERE is set."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [
    pytest.mark.slow,
    # Skipped at collection, before any fixture runs, so the SQLite pass pays nothing.
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"]
        and not os.environ.get("URBIS_FUZZ_EVERYWHERE"),
        reason="the OGC API contract is fuzzed in the PostgreSQL pass of scripts/test",
    ),
]

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


@pytest.fixture
def ogc_schema(barcelona: Any, paris: Any, energy: None) -> Iterator[Any]:
    # Requests go through the WSGI handler, whose request signals would close the test's
    # connection once it is older than CONN_MAX_AGE (and with it the test's transaction);
    # Django's own test client unhooks them the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/ogc/api", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_ogc_api_read_operations(ogc_schema: Any) -> None:
    # Operations are walked here rather than by schemathesis' pytest plugin, whose lazy
    # (fixture-based) schemas do not run under this pytest version.
    examples = int(os.environ.get("URBIS_FUZZ_EXAMPLES", "100"))
    failures = []
    operations = [result.ok() for result in ogc_schema.get_all_operations()]
    assert len(operations) > 40
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=examples, deadline=None, derandomize=True,
                  suppress_health_check=list(HealthCheck), database=None)
        def run(case: Any) -> None:
            case.call_and_validate(checks=CHECKS)

        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {str(exc)[:2000]}")
    assert not failures, "\n\n".join(failures)
