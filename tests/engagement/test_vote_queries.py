"""How much database work one vote costs (issue 16, docs/PERFORMANCE.md "Votes"): the number of
statements is pinned, so that a change that adds a query to the busiest write shows up here.

Counted without the SAVEPOINT/RELEASE statements that the test's own transaction adds around
each ``atomic`` block (in production an ``atomic`` block is one BEGIN/COMMIT)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from urbis.engagement import ratelimits, services
from urbis.engagement.models import Idea, RateCounter, Vote
from urbis.people import services as people
from urbis.people.models import ApiToken


def _statements(ctx: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"] for q in ctx.captured_queries
        if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO"))
    ]


def _limits() -> list[str]:
    # The rate-limit counters (account, address): one upsert each on SQLite; on PostgreSQL
    # they are part of the vote's statement.
    return [] if connection.vendor == "postgresql" else ["INSERT", "INSERT"]


def _vote() -> list[str]:
    # The vote itself: on PostgreSQL one statement (rate limits, lock, INSERT, counter UPDATE
    # as WITH queries) outside any transaction block; on SQLite the counter UPDATE that returns
    # the new total, then the vote INSERT, in one transaction.
    return ["WITH"] if connection.vendor == "postgresql" else ["UPDATE", "INSERT"]


def test_casting_a_vote_is_one_or_four_statements(
    idea: Idea, make_user: Callable[..., Any]
) -> None:
    voter = make_user()
    with CaptureQueriesContext(connection) as ctx:
        assert services.cast_vote(by=voter, idea=idea, ip="192.0.2.1") == 1
    statements = _statements(ctx)
    # the rate-limit counters, then the vote; no read-back of the total, no separate
    # insert-then-update
    assert [s.split()[0] for s in statements] == [*_limits(), *_vote()], statements


def test_a_second_click_is_the_same_statements_and_stores_nothing(
    idea: Idea, make_user: Callable[..., Any]
) -> None:
    voter = make_user()
    services.cast_vote(by=voter, idea=idea)
    with CaptureQueriesContext(connection) as ctx, pytest.raises(
        ValidationError, match="already supported"
    ):
        services.cast_vote(by=voter, idea=idea, ip="192.0.2.1")
    assert len(_statements(ctx)) == len(_limits()) + len(_vote())
    idea.refresh_from_db()
    assert (idea.vote_count, Vote.objects.filter(idea=idea).count()) == (1, 1)


def test_a_vote_request_through_the_api_is_three_or_six_statements(
    idea: Idea, make_idea: Callable[..., Idea], make_user: Callable[..., Any]
) -> None:
    voter = make_user()
    token = people.issue_api_token(user=voter, label="test")
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    other = make_idea(title="Another idea to warm up with")
    assert client.post(f"/api/v1/ideas/{other.pk}/vote", **auth).status_code == 201
    url = f"/api/v1/ideas/{idea.pk}/vote"
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, **auth)
    assert response.status_code == 201 and response.json()["votes"] == 1
    # the token with its account, the idea with its process and city, and the statements of
    # the vote itself; the token's last-used stamp was written by the first call and is not
    # written again within its resolution (five minutes)
    assert [s.split()[0] for s in _statements(ctx)] == [
        "SELECT", "SELECT", *_limits(), *_vote()
    ], "\n".join(_statements(ctx))
    with CaptureQueriesContext(connection) as ctx:
        again = client.post(url, **auth)
    assert again.status_code == 422 and "already supported" in again.json()["detail"]
    assert len(_statements(ctx)) == len(_limits()) + len(_vote()) + 2


def test_vote_requests_in_a_row_stamp_the_token_once(
    make_idea: Callable[..., Idea], make_user: Callable[..., Any], settings: Any
) -> None:
    settings.URBIS_TOKEN_LAST_USED_RESOLUTION_SECONDS = 300
    token = people.issue_api_token(user=make_user(), label="test")
    client = Client()
    table = ApiToken._meta.db_table
    with CaptureQueriesContext(connection) as ctx:
        for n in range(3):
            target = make_idea(title=f"Idea number {n} to support")
            response = client.post(
                f"/api/v1/ideas/{target.pk}/vote", HTTP_AUTHORIZATION=f"Bearer {token}"
            )
            assert response.status_code == 201
    stamps = [q["sql"] for q in ctx.captured_queries
              if q["sql"].startswith("UPDATE") and table in q["sql"]]
    assert len(stamps) == 1, stamps
    assert ApiToken.objects.get().last_used_at is not None


def test_a_counter_stops_at_its_limit_and_refuses(db: Any, settings: Any) -> None:
    settings.URBIS_RATE_LIMITS = {"vote:user": (2, 600), "vote:ip": (3, 600)}

    class Someone:
        pk = 42

    ratelimits.hit("vote", user=Someone(), ip="192.0.2.7")
    ratelimits.hit("vote", user=Someone(), ip="192.0.2.7")
    for _ in range(2):
        with pytest.raises(ratelimits.RateLimited) as refused:
            ratelimits.hit("vote", user=Someone(), ip="192.0.2.7")
        assert 1 <= refused.value.retry_after <= 600
    counts = dict(RateCounter.objects.values_list("key", "count"))
    # the account's counter stays at its limit; a request refused for the account is not
    # counted against the address
    assert counts == {"vote:user:42": 2, "vote:ip:192.0.2.7": 2}


def test_a_limit_of_zero_refuses_everything(db: Any, settings: Any) -> None:
    settings.URBIS_RATE_LIMITS = {"vote:user": (0, 600)}

    class Someone:
        pk = 43

    with pytest.raises(ratelimits.RateLimited):
        ratelimits.hit("vote", user=Someone())


def test_the_vote_endpoints_keep_the_idea_pages_visibility_rules(
    idea: Idea, make_idea: Callable[..., Idea], make_process: Callable[..., Any],
    make_user: Callable[..., Any], barcelona: Any,
) -> None:
    """The vote endpoints load the idea with less (issue 16) but see what the idea page sees."""
    citizen = Client()
    citizen.force_login(make_user())
    moderator = Client()
    moderator.force_login(make_user("moderator", barcelona))
    Idea.objects.filter(pk=idea.pk).update(is_hidden=True)
    draft = make_idea(the_process=make_process(), title="An idea in a withdrawn process")
    type(draft.process).objects.filter(pk=draft.process_id).update(is_published=False)

    def post(client: Client, target: Idea) -> int:
        return client.post(f"/api/v1/ideas/{target.pk}/vote", content_type="application/json",
                           HTTP_X_CSRFTOKEN=client.cookies.get("csrftoken", "")).status_code

    for target in (idea, draft):
        assert post(citizen, target) == 404
        assert citizen.delete(f"/api/v1/ideas/{target.pk}/vote").status_code == 404
    # the moderator sees the hidden idea, and still cannot support it
    assert post(moderator, idea) == 422
    assert Vote.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_both_counters_hold_under_parallel_requests(
    postgres_only: None, settings: Any, make_user: Callable[..., Any]
) -> None:
    """The account's and the address's counters in one statement (PostgreSQL): five accounts
    each try three votes at once from one address; each account may vote twice and the address
    seven times, so exactly seven pass, the address's counter stops at seven and no account's
    passes two."""
    from tests.concurrency import in_threads

    settings.URBIS_RATE_LIMITS = {"vote:user": (2, 600), "vote:ip": (7, 600)}
    users = [make_user() for _ in range(5)]
    results = in_threads(
        15, lambda n: ratelimits.hit("vote", user=users[n % 5], ip="192.0.2.8")
    )
    assert sum(1 for r in results if r is None) == 7, results
    assert all(isinstance(r, ratelimits.RateLimited) for r in results if r is not None)
    counts = dict(RateCounter.objects.values_list("key", "count"))
    assert counts.pop("vote:ip:192.0.2.8") == 7
    assert len(counts) == 5 and all(1 <= n <= 2 for n in counts.values()), counts
