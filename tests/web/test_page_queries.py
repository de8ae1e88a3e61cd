"""Pages that list things linking to their city do not load the city again per link (issue 16,
page speed).

A process, workshop or study links to itself under its city's code; read through a plain
``filter(city=...)`` each one loaded its city on first use, and with it the city's boundary (a
large GeoJSON document). The lists now come through the city's related managers, which hand
every row the city already in hand."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.queries import get_with_queries, reading
from urbis.engagement import demo as engagement_demo
from urbis.engagement.models import Idea
from urbis.places.models import City


@pytest.fixture
def barcelona_engagement(barcelona: City) -> City:
    # The real demo content: processes, ideas in neighbourhoods, a workshop and studies.
    steps = dict(engagement_demo.steps())
    steps["engagement: Barcelona processes, workshop, study"]()
    return barcelona


def _queries(client: Client, url: str) -> list[str]:
    return get_with_queries(client, url)[1]


def _loads_boundary(sql: list[str]) -> list[str]:
    return reading(sql, "boundary")


def test_engagement_city_page_loads_no_city_boundary(
    barcelona_engagement: City, client: Client, django_assert_max_num_queries: Any
) -> None:
    assert barcelona_engagement.processes.count() >= 2
    assert barcelona_engagement.workshops.exists() and barcelona_engagement.studies.exists()
    with django_assert_max_num_queries(8):
        sql = _queries(client, "/cities/barcelona/engagement/")
    assert _loads_boundary(sql) == []


def test_idea_page_with_an_area_loads_no_city_boundary(
    barcelona_engagement: City, client: Client
) -> None:
    idea = Idea.objects.filter(process__city=barcelona_engagement, area__isnull=False,
                               is_hidden=False, process__is_published=True).first()
    assert idea is not None
    sql = _queries(client, idea.get_absolute_url())
    assert _loads_boundary(sql) == []


def test_workshop_page_loads_the_city_of_its_process_once(
    barcelona_engagement: City, client: Client
) -> None:
    workshop = barcelona_engagement.workshops.filter(is_published=True).first()
    assert workshop is not None
    page = _queries(client, workshop.get_absolute_url())
    # The process's link is joined to the workshop's query; only the outcome ideas' links
    # (a list of the engagement page itself) may still read a city.
    assert len(_loads_boundary(page)) <= workshop.outcomes.count()


@pytest.fixture
def policy_demo(barcelona: City, paris: City) -> None:
    from urbis.demo import loader

    steps = dict(loader.quick_steps())
    for name in ("organisations", "policy: organisations", "policy: regulatory barriers",
                 "policy: fitness checks"):
        steps[name]()


def test_barrier_page_reads_no_city_boundary_for_endorsements_or_ratings(
    policy_demo: None, client: Client
) -> None:
    from urbis.policy.models import Barrier

    barrier = Barrier.objects.get(slug="eu-renewable-energy-communities")
    assert barrier.endorsements.exists()
    sql = _queries(client, f"/barriers/{barrier.slug}/")
    # Endorsing organisations' cities and the cities' ratings of the rule (policy.queries)
    # load no boundary. (The page's own lists of raising cities and actions, in policy.views,
    # still read it: not this test's concern.)
    loading = _loads_boundary(sql)
    assert not [q for q in loading if "policy_endorsement" in q or "policy_assessment" in q]
    listing = _queries(client, "/barriers/")
    assert _loads_boundary(listing) == []
