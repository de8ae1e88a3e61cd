"""Idea rankings are computed and sorted by the database (issue 16, page speed), in the order
``engines.ranking.rank`` defines: the same scores, the same ties, on a random process."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from urbis.engagement import queries
from urbis.engagement.models import Idea, Process, Vote
from urbis.engines import ranking


def _engine_order(process: Process, now: dt.datetime, sort: str) -> tuple[list[int], dict]:
    """The order and scores as the list computed them before, in Python over every idea."""
    ideas = list(Idea.objects.filter(process=process, is_hidden=False).exclude(status="duplicate"))
    votes = list(Vote.objects.filter(process=process).values_list("idea_id", "user_id",
                                                                   "created_at"))
    recent: dict[int, list[dt.datetime]] = defaultdict(list)
    for idea_id, _user, when in votes:
        if when >= now - queries.TREND_WINDOW:
            recent[idea_id].append(when)
    stats = []
    for idea in ideas:
        exposure = len({u for _i, u, when in votes if when >= idea.created_at})
        stats.append(ranking.IdeaStats(
            id=idea.pk, votes=idea.vote_count, created_at=idea.created_at, exposure=exposure,
            trend=ranking.decayed_votes(recent.get(idea.pk, []), now)))
    scores = {s.id: (ranking.fair_score(s), s.trend) for s in stats}
    return ranking.rank(stats, sort), scores


@pytest.fixture
def random_process(make_process: Any) -> Process:
    rng = random.Random(16)
    process = make_process()
    now = timezone.now()
    users = get_user_model().objects.bulk_create(
        get_user_model()(email=f"ranker-{i}@example.org")
        for i in range(60))
    # Some ideas share a creation time and some share a vote count, so that every tie-break
    # (votes, then newer, then number) is exercised; a few are older than the trend window.
    moments = [now - dt.timedelta(hours=rng.choice([1, 5, 30, 30, 200, 400, 900]),
                                  microseconds=rng.choice([0, 0, 123_456]))
               for _ in range(45)]
    ideas = Idea.objects.bulk_create(
        Idea(process=process, title=f"Idea {i}", body="A random idea.", category="energy",
             created_at=moments[i], is_hidden=(i % 17 == 5),
             status="duplicate" if i % 19 == 7 else "new")
        for i in range(45))
    votes = []
    for idea in ideas:
        for user in rng.sample(users, rng.choice([0, 0, 1, 2, 2, 5, 12, 30])):
            after = (now - idea.created_at).total_seconds()
            when = idea.created_at + dt.timedelta(seconds=rng.uniform(0, after))
            votes.append(Vote(idea=idea, process=process, user=user, created_at=when))
    Vote.objects.bulk_create(votes)
    for idea in ideas:
        idea.vote_count = sum(1 for v in votes if v.idea_id == idea.pk)
    Idea.objects.bulk_update(ideas, ["vote_count"])
    return process


@pytest.mark.parametrize("sort", ["most_requested", "fair", "trending", "newest"])
def test_database_ranking_matches_the_engine(random_process: Process, sort: str) -> None:
    before = timezone.now()
    listed = queries.idea_list(random_process, sort=sort)
    expected, scores = _engine_order(random_process, before, sort)
    assert len(listed) > 30
    assert [i.pk for i in listed] == expected
    for idea in listed:
        fair, trend = scores[idea.pk]
        assert idea.fair_score == pytest.approx(fair, abs=1e-12)
        # A few milliseconds pass between the two "now"s: the trend decays by far less.
        assert idea.trend == pytest.approx(trend, rel=1e-6, abs=1e-9)


def test_the_list_sorts_in_one_query(random_process: Process) -> None:
    # One query for the ranked ideas and one for their linked actions; no query per idea, and
    # no reading of every vote into Python.
    with CaptureQueriesContext(connection) as captured:
        listed = queries.idea_list(random_process, sort="fair")
    assert listed
    assert len(captured.captured_queries) == 2
    sql = captured.captured_queries[0]["sql"].upper()
    assert "SQRT" in sql and "EXP" in sql
    # The order refers to the computed score; it does not compute it a second time.
    assert "SQRT" not in sql.rsplit("ORDER BY", 1)[1]
