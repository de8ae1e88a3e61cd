"""The vote as one statement on PostgreSQL (issue 16, docs/PERFORMANCE.md "Votes", third step):
no transaction block around it, and still one vote per account and idea, totals equal to the
rows, refusals for ideas that cannot be voted on, and rate limits that refuse before anything is
stored."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.concurrency import in_threads
from urbis.engagement import ratelimits, services
from urbis.engagement.models import Idea, IdeaStatus, RateCounter, Vote
from urbis.people import services as people

from .test_votes import recount


def test_a_vote_on_postgresql_opens_no_transaction_block(
    postgres_only: None, idea: Idea, make_user: Callable[..., Any]
) -> None:
    """Inside the test's own transaction an ``atomic`` block shows as a SAVEPOINT; in
    production it is a BEGIN and a COMMIT, two round trips the single statement does without."""
    voter = make_user()
    with CaptureQueriesContext(connection) as ctx:
        assert services.cast_vote(by=voter, idea=idea, ip="192.0.2.1") == 1
    sql = [q["sql"] for q in ctx.captured_queries]
    assert not [s for s in sql if "SAVEPOINT" in s.upper()], sql
    # the rate limits are counted in the same statement
    assert len(sql) == 1 and sql[0].startswith("WITH") and "rate" in sql[0].lower(), sql
    # the second click: the same one statement, nothing stored, the total unchanged
    with CaptureQueriesContext(connection) as ctx, pytest.raises(
        ValidationError, match="already supported"
    ):
        services.cast_vote(by=voter, idea=idea, ip="192.0.2.1")
    assert len(ctx.captured_queries) == 1
    assert recount(idea) == (1, 1)


def test_an_idea_that_cannot_be_voted_on_is_refused_and_nothing_moves(
    idea: Idea, make_idea: Callable[..., Idea], make_user: Callable[..., Any]
) -> None:
    """The votability check is part of the statement (on PostgreSQL) or the counter UPDATE (on
    SQLite): a status changed after the idea was loaded is still seen."""
    for status in (IdeaStatus.REJECTED, IdeaStatus.DUPLICATE):
        target = make_idea(title=f"An idea to be {status.value}")
        Idea.objects.filter(pk=target.pk).update(status=status)
        with pytest.raises(ValidationError, match="cannot be supported"):
            services.cast_vote(by=make_user(), idea=target)  # `target` still says "new"
        assert recount(target) == (0, 0)
    Idea.objects.filter(pk=idea.pk).update(is_hidden=True)
    with pytest.raises(ValidationError, match="cannot be supported"):
        services.cast_vote(by=make_user(), idea=idea)
    assert recount(idea) == (0, 0)


def test_the_rate_limit_refuses_before_anything_is_stored(
    idea: Idea, make_idea: Callable[..., Idea], make_user: Callable[..., Any], settings: Any
) -> None:
    settings.URBIS_RATE_LIMITS = {"vote:user": (2, 600)}
    voter = make_user()
    others = [make_idea(title=f"Another idea number {n}") for n in range(2)]
    for other in others:
        services.cast_vote(by=voter, idea=other)
    with pytest.raises(ratelimits.RateLimited):
        services.cast_vote(by=voter, idea=idea)
    assert recount(idea) == (0, 0)
    # through the API: 429 with Retry-After, nothing stored
    token = people.issue_api_token(user=voter, label="test")
    response = Client().post(
        f"/api/v1/ideas/{idea.pk}/vote", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 429, response.content
    assert int(response["Retry-After"]) > 0
    assert recount(idea) == (0, 0)


def test_a_refused_vote_still_counts_against_the_limit(
    idea: Idea, make_idea: Callable[..., Idea], make_user: Callable[..., Any], settings: Any
) -> None:
    """A second click is refused and still counted (it is an attempt), so the next vote is
    over a limit of two; the address's counter moves with each counted attempt."""
    settings.URBIS_RATE_LIMITS = {"vote:user": (2, 600), "vote:ip": (100, 600)}
    voter = make_user()
    services.cast_vote(by=voter, idea=idea, ip="192.0.2.9")
    with pytest.raises(ValidationError, match="already supported"):
        services.cast_vote(by=voter, idea=idea, ip="192.0.2.9")
    other = make_idea(title="One more idea to support")
    with pytest.raises(ratelimits.RateLimited) as refused:
        services.cast_vote(by=voter, idea=other, ip="192.0.2.9")
    assert 1 <= refused.value.retry_after <= 600
    assert recount(other) == (0, 0) and recount(idea) == (1, 1)
    counts = dict(RateCounter.objects.filter(key__startswith="vote:").values_list("key", "count"))
    assert counts == {f"vote:user:{voter.pk}": 2, "vote:ip:192.0.2.9": 2}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_limits_hold_for_parallel_votes(
    postgres_only: None, make_idea: Callable[..., Idea], make_user: Callable[..., Any],
    settings: Any,
) -> None:
    """Five accounts each try three votes at once from one address (15 in parallel, on three
    ideas); each account may vote twice and the address seven times: exactly seven votes are
    stored, no account has more than two, the address's counter stops at seven, and every
    total equals its rows."""
    settings.URBIS_RATE_LIMITS = {"vote:user": (2, 600), "vote:ip": (7, 600)}
    ideas = [make_idea(title=f"Idea number {n} to limit") for n in range(3)]
    users = [make_user() for _ in range(5)]
    results = in_threads(15, lambda n: services.cast_vote(
        by=users[n % 5], idea=ideas[n // 5], ip="192.0.2.10"))
    assert sum(1 for r in results if isinstance(r, int)) == 7, results
    assert all(isinstance(r, ratelimits.RateLimited) for r in results if not isinstance(r, int))
    assert Vote.objects.count() == 7
    per_user = [Vote.objects.filter(user=u).count() for u in users]
    assert max(per_user) <= 2, per_user
    assert RateCounter.objects.get(key="vote:ip:192.0.2.10").count == 7
    for each in ideas:
        total, rows = recount(each)
        assert total == rows


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_double_clicks_of_many_people_on_few_ideas_at_once(
    postgres_only: None, make_idea: Callable[..., Idea], make_user: Callable[..., Any]
) -> None:
    """Six people each support two of three ideas, every vote sent twice at the same moment
    (24 requests in parallel): each (person, idea) is stored once, exactly one of each pair
    succeeds, and every idea's total equals its rows."""
    ideas = [make_idea(title=f"Idea number {n} at once") for n in range(3)]
    voters = [make_user() for _ in range(6)]
    pairs = [(v, i) for v in voters for i in (ideas[v.pk % 3], ideas[(v.pk + 1) % 3])]
    work = [pair for pair in pairs for _twice in range(2)]
    results = in_threads(len(work), lambda n: services.cast_vote(by=work[n][0], idea=work[n][1]))
    unexpected = [r for r in results if not isinstance(r, (int, ValidationError))]
    assert not unexpected, unexpected
    for pair, outcome in itertools.groupby(zip(work, results, strict=True), lambda w: w[0]):
        kinds = sorted(type(r).__name__ for _w, r in outcome)
        assert kinds == ["ValidationError", "int"], (pair, kinds)
    stored = set(Vote.objects.values_list("user", "idea"))
    assert stored == {(v.pk, i.pk) for v, i in pairs}
    for each in ideas:
        total, rows = recount(each)
        assert total == rows and rows == sum(1 for _v, i in pairs if i.pk == each.pk)
