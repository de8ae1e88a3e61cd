"""Voting: one vote per account and idea, caps, thresholds, phases, withdrawal, and the
denormalised total kept equal to a recount."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from tests.concurrency import in_threads
from urbis.engagement import services
from urbis.engagement.models import Idea, IdeaStatus, Vote


def recount(idea: Idea) -> tuple[int, int]:
    idea.refresh_from_db()
    return idea.vote_count, Vote.objects.filter(idea=idea).count()


def test_vote_and_withdraw(idea: Idea, make_user: Callable[..., Any]) -> None:
    voter = make_user()
    assert services.cast_vote(by=voter, idea=idea) == 1
    with pytest.raises(ValidationError, match="already supported"):
        services.cast_vote(by=voter, idea=idea)
    assert recount(idea) == (1, 1)
    assert services.withdraw_vote(by=voter, idea=idea) == 0
    with pytest.raises(ValidationError, match="not supported"):
        services.withdraw_vote(by=voter, idea=idea)
    assert recount(idea) == (0, 0)


def test_anonymous_cannot_vote(idea: Idea) -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.cast_vote(by=AnonymousUser(), idea=idea)
    assert recount(idea) == (0, 0)


def test_inactive_account_cannot_vote(idea: Idea, make_user: Callable[..., Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.cast_vote(by=make_user(is_active=False), idea=idea)


def test_no_vote_outside_the_voting_phase(
    make_process: Callable[..., Any], make_idea: Callable[..., Idea], make_user: Callable[..., Any]
) -> None:
    now = timezone.now()
    later = make_process(voting_starts=now + dt.timedelta(days=1))
    idea = make_idea(the_process=later)
    with pytest.raises(ValidationError, match="not open"):
        services.cast_vote(by=make_user(), idea=idea)
    assert recount(idea) == (0, 0)


def test_withdraw_only_while_voting_is_open(idea: Idea, make_user: Callable[..., Any]) -> None:
    voter = make_user()
    services.cast_vote(by=voter, idea=idea)
    idea.process.voting_ends = timezone.now() - dt.timedelta(seconds=1)
    idea.process.save()
    idea.refresh_from_db()
    with pytest.raises(ValidationError, match="only be withdrawn"):
        services.withdraw_vote(by=voter, idea=idea)
    assert recount(idea) == (1, 1)


def test_vote_cap_per_process(
    make_process: Callable[..., Any], make_idea: Callable[..., Idea], make_user: Callable[..., Any]
) -> None:
    capped = make_process(vote_cap=2)
    ideas = [make_idea(the_process=capped, title=f"Idea number {n}") for n in range(3)]
    voter = make_user()
    services.cast_vote(by=voter, idea=ideas[0])
    services.cast_vote(by=voter, idea=ideas[1])
    with pytest.raises(ValidationError, match="all 2 votes"):
        services.cast_vote(by=voter, idea=ideas[2])
    assert recount(ideas[2]) == (0, 0)
    services.withdraw_vote(by=voter, idea=ideas[0])
    services.cast_vote(by=voter, idea=ideas[2])  # a withdrawn vote frees a place


def test_support_threshold_is_recorded(
    make_process: Callable[..., Any], make_idea: Callable[..., Idea], make_user: Callable[..., Any]
) -> None:
    with_threshold = make_process(support_threshold=2)
    idea = make_idea(the_process=with_threshold)
    services.cast_vote(by=make_user(), idea=idea)
    idea.refresh_from_db()
    assert idea.threshold_reached_at is None
    moderator = make_user("moderator", idea.process.city)
    services.cast_vote(by=make_user(), idea=idea)
    idea.refresh_from_db()
    assert idea.threshold_reached_at is not None
    assert "owes it an answer" in moderator.engagement_notifications.get().message


def test_no_vote_on_rejected_hidden_or_merged_ideas(
    idea: Idea, make_idea: Callable[..., Idea], make_user: Callable[..., Any], barcelona: Any
) -> None:
    moderator = make_user("moderator", barcelona)
    rejected = make_idea(title="Rejected idea here")
    services.set_status(by=moderator, idea=rejected, status=IdeaStatus.REJECTED,
                        reason="Outside what the city can decide.")
    hidden = make_idea(title="Hidden idea here")
    services.hide_idea(by=moderator, idea=hidden, reason="Insults")
    merged = make_idea(title="Merged idea here")
    services.merge_ideas(by=moderator, duplicate=merged, into=idea)
    for target in (rejected, merged):
        with pytest.raises(ValidationError, match="cannot be supported"):
            services.cast_vote(by=make_user(), idea=target)
        assert recount(target) == (0, 0)


# ------------------------------------------------------------------ concurrency (PostgreSQL)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_double_clicks_count_once(
    postgres_only: None, idea: Idea, make_user: Callable[..., Any]
) -> None:
    voter = make_user()
    results = in_threads(8, lambda n: services.cast_vote(by=voter, idea=idea))
    assert sum(1 for r in results if isinstance(r, int)) == 1
    assert all(isinstance(r, ValidationError) for r in results if not isinstance(r, int))
    assert recount(idea) == (1, 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_votes_of_many_people_all_count(
    postgres_only: None, idea: Idea, make_user: Callable[..., Any]
) -> None:
    voters = [make_user() for _ in range(12)]
    results = in_threads(12, lambda n: services.cast_vote(by=voters[n], idea=idea))
    assert all(isinstance(r, int) for r in results), results
    assert recount(idea) == (12, 12)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_votes_respect_the_cap(
    postgres_only: None, make_process: Callable[..., Any], make_idea: Callable[..., Idea],
    make_user: Callable[..., Any],
) -> None:
    capped = make_process(vote_cap=3)
    ideas = [make_idea(the_process=capped, title=f"Capped idea {n}") for n in range(8)]
    voter = make_user()
    results = in_threads(8, lambda n: services.cast_vote(by=voter, idea=ideas[n]))
    assert sum(1 for r in results if isinstance(r, int)) == 3
    assert Vote.objects.filter(process=capped, user=voter).count() == 3
    assert connection.vendor == "postgresql"
