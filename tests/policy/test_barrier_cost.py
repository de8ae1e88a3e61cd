"""The barrier register's page, API list and CSV read no city boundary and a fixed number of
queries, whatever the number of barriers (issue 16, pages p95 < 150 ms, API lists < 100 ms).

Before: the page's raising cities and touched actions and the API's cities were joined with
``select_related``, which brought each city's boundary (a large GeoJSON document, decoded per
row); the API read stances, cities and actions per barrier, and the CSV counted stances with
two queries per barrier."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from tests.queries import get_with_queries, reading
from urbis.places.models import City
from urbis.policy.models import Barrier
from urbis.strategy import services as strategy_services


@pytest.fixture
def register(barcelona: City, paris: City) -> list[Barrier]:
    from urbis.demo import loader

    steps = dict(loader.quick_steps())
    for name in ("organisations", "policy: organisations", "policy: regulatory barriers",
                 "policy: fitness checks"):
        steps[name]()
    strategy = strategy_services.save_strategy(
        by=None, city=barcelona, title="Climate plan", slug="climate", vision="Halve.",
        start_year=2018, end_year=2030, is_published=True)
    actions = [strategy_services.save_action(by=None, strategy=strategy, title=f"Action {n}",
                                             horizon="medium", status="in_progress")
               for n in range(2)]
    barriers = list(Barrier.objects.filter(is_published=True))
    assert len(barriers) >= 3
    for b in barriers:
        b.actions.set(actions)
    return barriers


_get = get_with_queries


def _geometry(sql: list[str]) -> list[str]:
    return reading(sql, "boundary", "geometry")


def test_barrier_page_reads_no_boundary_for_its_cities_and_actions(
    register: list[Barrier], client: Client, django_assert_max_num_queries: Any
) -> None:
    barrier = next(b for b in register if b.city_links.count() >= 2)
    with django_assert_max_num_queries(6):
        response, sql = _get(client, f"/barriers/{barrier.slug}/")
    assert _geometry(sql) == []
    page = response.content.decode()
    for link in barrier.city_links.select_related("city"):
        assert f"/cities/{link.city.code}/policy/" in page
    assert "Action 0" in page and "Action 1" in page


def test_barrier_api_list_and_csv_cost_the_same_for_any_number_of_barriers(
    register: list[Barrier], client: Client
) -> None:
    response, sql = _get(client, "/api/v1/barriers")
    assert _geometry(sql) == []
    # The barriers, their cities (two: links and cities), stances, actions.
    assert len(sql) <= 5
    listed = {b["slug"]: b for b in response.json()}
    assert set(listed) == {b.slug for b in register}
    for b in register:
        shown = listed[b.slug]
        assert shown["cities"] == sorted(link.city.code for link in b.city_links.all())
        assert shown["actions"] == sorted(b.actions.values_list("pk", flat=True))
        assert len(shown["stances"]) == b.endorsements.count()
        assert shown["endorsing"] == b.endorsements.filter(stance="endorses").count()
    one, sql = _get(client, f"/api/v1/barriers/{register[0].slug}")
    assert _geometry(sql) == [] and one.json() == listed[register[0].slug]
    csv_response, sql = _get(client, "/api/v1/barriers.csv")
    assert len(sql) <= 3 and _geometry(sql) == []
    rows = {r["slug"]: r for r in csv.DictReader(io.StringIO(csv_response.content.decode()))}
    for b in register:
        assert rows[b.slug]["endorsing_organisations"] == str(
            b.endorsements.filter(stance="endorses").count())
        assert rows[b.slug]["disputing_organisations"] == str(
            b.endorsements.filter(stance="disputes").count())
