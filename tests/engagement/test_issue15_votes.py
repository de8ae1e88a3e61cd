"""Issue 15, bug 10: withdrawing a vote obeys the same published/phase checks as casting one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from urbis.engagement import services
from urbis.engagement.models import Idea, Process, Vote


def _voted(idea: Idea, make_user: Callable[..., Any]) -> Any:
    voter = make_user()
    services.cast_vote(by=voter, idea=idea)
    return voter


def test_no_withdrawal_once_the_process_is_unpublished(
    idea: Idea, process: Process, make_user: Callable[..., Any]
) -> None:
    voter = _voted(idea, make_user)
    Process.objects.filter(pk=process.pk).update(is_published=False)
    idea.refresh_from_db()
    with pytest.raises(ValidationError, match="only be withdrawn"):
        services.withdraw_vote(by=voter, idea=idea)
    idea.refresh_from_db()
    assert (idea.vote_count, Vote.objects.filter(idea=idea).count()) == (1, 1)


def test_no_withdrawal_after_the_voting_phase(
    idea: Idea, process: Process, make_user: Callable[..., Any]
) -> None:
    voter = _voted(idea, make_user)
    Process.objects.filter(pk=process.pk).update(
        voting_ends=timezone.now() - dt.timedelta(minutes=1)
    )
    idea.refresh_from_db()
    with pytest.raises(ValidationError, match="only be withdrawn"):
        services.withdraw_vote(by=voter, idea=idea)
    assert Vote.objects.filter(idea=idea, user=voter).exists()


def test_withdrawal_still_works_while_voting_is_open(
    idea: Idea, make_user: Callable[..., Any]
) -> None:
    voter = _voted(idea, make_user)
    assert services.withdraw_vote(by=voter, idea=idea) == 0
