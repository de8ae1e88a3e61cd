"""Toolbox and framework: ranked, explained methods; uses counted from other apps' records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from urbis.engagement.models import Process, Study
from urbis.insight import queries

from .conftest import GOOD

pytestmark = pytest.mark.django_db


def _process(city: Any, slug: str, published: bool = True) -> Process:
    start = dt.datetime(2026, 1, 10, tzinfo=dt.UTC)
    return Process.objects.create(
        city=city, slug=slug, title=slug, collecting_starts=start,
        collecting_ends=start + dt.timedelta(days=30), voting_starts=start,
        voting_ends=start + dt.timedelta(days=40), closes=start + dt.timedelta(days=60),
        is_published=published)


def test_every_method_has_sources_and_known_stages_and_goals() -> None:
    catalogue = queries.catalogue()
    assert len(catalogue["methods"]) >= 10
    for method in catalogue["methods"]:
        assert method["sources"] and all(s["title"] for s in method["sources"])
        assert set(method["stages"]) <= set(catalogue["stages"])
        assert set(method["goals"]) <= set(catalogue["goals"])


def test_ranking_explains_and_respects_constraints() -> None:
    ranked = queries.rank_methods(goal="test", stage="design", max_cost=1)
    top = ranked[0]
    assert top.method["code"] in {"concept-validation", "usability-study"}
    assert "fits the goal" in top.reasons and not top.excluded
    assembly = next(r for r in ranked if r.method["code"] == "citizen-assembly")
    assert "costs more than the budget allows" in assembly.excluded
    # Excluded methods come after every method that fits the constraints.
    firsts = [bool(r.excluded) for r in ranked]
    assert firsts == sorted(firsts)
    quick = queries.rank_methods(goal="deliberate", stage=None, max_weeks=4)
    assert next(r for r in quick if r.method["code"] == "citizen-assembly").excluded


def test_inventory_and_network_are_counted_from_records(barcelona: Any, paris: Any) -> None:
    def uses(city: Any, code: str) -> int:
        return next(r["uses"] for r in queries.inventory(city) if r["method"]["code"] == code)

    assert uses(barcelona, "feature-requests-voting") == 0
    before = queries.network()["cities_using"]
    _process(barcelona, "one")
    _process(barcelona, "two")
    _process(paris, "hidden", published=False)
    start = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    Study.objects.create(city=paris, kind=Study.Kind.USABILITY, title="Map test", opens=start,
                         closes=start + dt.timedelta(days=7))
    assert uses(barcelona, "feature-requests-voting") == 2
    assert uses(paris, "feature-requests-voting") == 0
    assert uses(paris, "usability-study") == 1
    network = queries.network()
    assert network["cities_using"] == before + 2
    take_up = {m["method"]["code"]: m["cities"] for m in network["methods"]}
    assert take_up["usability-study"] == 1 and take_up["feature-requests-voting"] == 1


def test_pages_and_api(client_for: Callable[..., Any], barcelona: Any) -> None:
    client = client_for(None)
    page = client.get("/insight/methods/?goal=understand&stage=evaluation")
    text = page.content.decode()
    assert page.status_code == 200 and "Attitude and behaviour survey" in text
    assert "indicative" in text
    assert client.get("/cities/barcelona/insight/").status_code == 200
    ranked = client.get("/api/v1/insight/framework?goal=understand&stage=evaluation").json()
    assert ranked[0]["code"] == "attitude-survey"
    assert len(client.get("/api/v1/insight/methods").json()["methods"]) >= 10
    assert client.get("/api/v1/cities/barcelona/insight/inventory").status_code == 200
    assert client.get("/api/v1/insight/network").json()["cities"] >= 2


def test_participation_per_thousand_residents(
    open_survey: Any, make_user: Callable[..., Any], barcelona: Any
) -> None:
    from urbis.insight import services

    for _n in range(3):
        services.submit_response(by=make_user(), survey=open_survey,
                                 answers={"energy-concern.v1": "3"}, **GOOD)
    (row,) = [r for r in queries.participation(barcelona) if r["survey_responses"]]
    assert row["survey_responses"] == 3 and row["participants"] == 3
    assert row["survey_responses_per_1000"] == pytest.approx(
        round(3000 / barcelona.population, 3))
    assert row["districts_reached"] == 1 and row["districts"] == 2


def test_network_participation_series(
    open_survey: Any, make_user: Callable[..., Any], client_for: Callable[..., Any]
) -> None:
    from urbis.insight import services

    services.submit_response(by=make_user(), survey=open_survey,
                             answers={"energy-concern.v1": "3"}, **GOOD)
    series = client_for(None).get("/api/v1/insight/participation").json()
    barcelona = next(c for c in series if c["city"] == "barcelona")
    assert [r["survey_responses"] for r in barcelona["years"]] == [1]
    page = client_for(None).get("/insight/participation/").content.decode()
    assert 'id="participation-data"' in page and "<table" in page
