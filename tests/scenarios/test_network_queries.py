"""The /network/ figure reads every scenario's latest run in one query, however many there are."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from urbis.scenarios import queries, services
from urbis.scenarios.models import Scenario

pytestmark = pytest.mark.django_db


def _count(user: Any = None) -> tuple[int, list[dict[str, Any]]]:
    with CaptureQueriesContext(connection) as ctx:
        rows = queries.network_reductions(user)
    return len(ctx.captured_queries), rows


def test_network_reductions_query_count_does_not_grow_with_scenarios(scenario: Scenario) -> None:
    services.run_scenario(None, scenario, samples=20, seed=1, operator=True)
    one, rows = _count()
    assert len(rows) == 1
    for k in range(4):
        other = Scenario.objects.create(city=scenario.city, inventory=scenario.inventory,
                                        slug=f"copy-{k}", title=f"Copy {k}", end_year=2040,
                                        is_published=True)
        services.run_scenario(None, other, samples=20, seed=k, operator=True)
        # An older run of the same scenario must not be the one shown.
        services.run_scenario(None, other, samples=20, seed=k + 10, operator=True)
    five, rows = _count()
    assert len(rows) == 5
    assert five == one, f"{five} queries for five scenarios, {one} for one"
    for row in rows:
        latest = row["scenario"].runs.order_by("-created_at", "-pk").first()
        assert row["run_at"] == latest.created_at
        assert row["baseline_t"] == latest.result["scenario"][0]
