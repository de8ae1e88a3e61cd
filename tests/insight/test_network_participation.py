"""The participation series on the network dashboard (/network/): a chart and a table per
measure, with definition, source, date and the simulated/illustrative labels; the page's query
count does not grow with the number of cities."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from tests.insight.conftest import GOOD, margins
from urbis.insight import queries, services
from urbis.places.models import City

pytestmark = pytest.mark.django_db


def _city(k: int, *, published: bool = True, population: int = 2000) -> City:
    return City.objects.create(code=f"town-{k}", name=f"Town {k}", country="ES",
                               population=population, is_published=published)


def _activity(city: City, make_user: Callable[..., Any], *, simulated: bool = False,
              illustrative: bool = False) -> None:
    """One idea with a vote in a published process and one survey response."""
    from urbis.engagement.models import Idea, Process, Vote

    now = timezone.now()
    day = dt.timedelta(days=1)
    process = Process.objects.create(
        city=city, slug="open", title="Open", is_illustrative=illustrative,
        collecting_starts=now - 5 * day, collecting_ends=now + 5 * day,
        voting_starts=now - 5 * day, voting_ends=now + 5 * day, closes=now + 20 * day)
    author, voter = make_user(), make_user()
    idea = Idea.objects.create(process=process, title="Solar roofs", body="Text.",
                               category="energy", author=author)
    Vote.objects.create(idea=idea, process=process, user=voter)
    margins(city)
    survey = services.create_survey(
        by=None, operator=True, city=city, slug="attitudes", title="Attitudes",
        opens=now - day, closes=now + 10 * day, questions=[("energy-concern.v1", True)],
        is_simulated=simulated)
    services.submit_response(by=make_user(), survey=survey,
                             answers={"energy-concern.v1": "3"}, **GOOD)


def _page_queries() -> tuple[int, str]:
    """The /network/ page's query count and its participation section (other apps' sections
    have labels of their own)."""
    with CaptureQueriesContext(connection) as ctx:
        response = Client().get("/network/")
    assert response.status_code == 200
    html = response.content.decode()
    start = html.find('<section aria-labelledby="participation-figures"')
    assert start >= 0, "no participation section on /network/"
    return len(ctx.captured_queries), html[start:html.index('id="participation-network"', start)]


def test_series_values_labels_and_unpublished_city_left_out(
    bank: None, make_user: Callable[..., Any]
) -> None:
    real = _city(1)
    demo = _city(2, population=4000)
    hidden = _city(3, published=False)
    _activity(real, make_user)
    _activity(demo, make_user, simulated=True, illustrative=True)
    _activity(hidden, make_user)
    year = timezone.now().year

    data = queries.network_participation_series(None)
    codes = [c["code"] for c in data["cities"]]
    # The demo cities the test database starts with are there too; the unpublished one is not.
    assert "town-1" in codes and "town-2" in codes and "town-3" not in codes
    at = [codes.index("town-1"), codes.index("town-2")]
    series = {s["code"]: s for s in data["series"]}
    assert set(series) == set(queries.PARTICIPATION_SERIES)

    def cells(code: str) -> list[dict[str, Any]]:
        (row,) = [r for r in series[code]["rows"] if r["year"] == year]
        return [row["cells"][k] for k in at]

    # One idea per city: 1000 / 2000 and 1000 / 4000 residents.
    assert [c["value"] for c in cells("ideas_per_1000")] == [0.5, 0.25]
    # Author, voter and respondent: three people.
    assert [c["value"] for c in cells("participants_per_1000")] == [1.5, 0.75]
    assert [c["value"] for c in cells("votes_per_1000")] == [0.5, 0.25]
    assert [c["value"] for c in cells("survey_responses_per_1000")] == [0.5, 0.25]
    # One of the two districts of the margins answered.
    assert [c["value"] for c in cells("districts_reached_share")] == [50.0, 50.0]
    assert [(c["simulated"], c["illustrative"]) for c in cells("ideas_per_1000")] == [
        (False, False), (True, True)]
    assert series["ideas_per_1000"]["simulated"] and series["ideas_per_1000"]["illustrative"]

    count, html = _page_queries()
    assert html.count("data-participation-series=") == len(queries.PARTICIPATION_SERIES)
    assert "Town 1" in html and "Town 2" in html and "Town 3" not in html
    assert escape(str(queries.PARTICIPATION_SERIES["votes_per_1000"]["definition"])) in html
    assert "ideas, votes, workshop registrations and survey responses in Urbis" in html
    assert "Includes simulated survey responses" in html
    assert "Includes illustrative demo records" in html
    assert "/api/v1/insight/participation.csv" in html
    # The table row: year, then each city's value with its marks.
    assert '<td class="num">0.500</td><td class="num">0.250 † *</td>' in html


def test_real_records_carry_no_label(bank: None, make_user: Callable[..., Any]) -> None:
    _activity(_city(1), make_user)
    _count, html = _page_queries()
    assert "Town 1" in html
    assert "Includes simulated survey responses" not in html
    assert "Includes illustrative demo records" not in html


def test_network_page_query_count_does_not_grow_with_cities(
    bank: None, make_user: Callable[..., Any]
) -> None:
    # Only the test's cities are visible: exactly two, then five.
    City.objects.update(is_published=False)
    for k in range(2):
        _activity(_city(k), make_user)
    with CaptureQueriesContext(connection) as ctx:
        queries.network_participation_series(None)
    two_series = len(ctx.captured_queries)
    two_page, html = _page_queries()
    assert html.count("Town ") >= 2
    for k in range(2, 5):
        _activity(_city(k), make_user, simulated=k % 2 == 0)
    with CaptureQueriesContext(connection) as ctx:
        data = queries.network_participation_series(None)
    five_series = len(ctx.captured_queries)
    five_page, html = _page_queries()
    assert len(data["cities"]) == 5
    assert five_series == two_series, f"{five_series} queries for five cities, {two_series} for two"
    assert five_page == two_page, f"/network/: {five_page} queries for five, {two_page} for two"
