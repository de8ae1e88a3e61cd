"""Casting and withdrawing votes.

The unique constraint on (idea, account) is what stops a double vote, not a prior read; the
idea's ``vote_count`` moves inside the same transaction as the Vote row, so a refused insert
rolls the increment back. The counter UPDATE runs first and only matches an idea that can still
be voted on, which also makes it the lock a merge waits for (see
:func:`urbis.engagement.services.curation.merge_ideas`).

A vote is the platform's busiest write (docs/PERFORMANCE.md, "Votes"), so casting one costs two
statements in one transaction: the counter UPDATE returns the new total (no read afterwards),
and the vote INSERT skips a duplicate with ``ON CONFLICT DO NOTHING`` and says whether it
stored a row (no failed statement to recover from). Both are plain SQL that PostgreSQL and
SQLite (3.35 or later) understand alike."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from urbis.engagement import notices, ratelimits
from urbis.engagement.models import (
    Idea,
    IdeaStatus,
    Process,
    Vote,
)
from urbis.engagement.services.common import _city_moderators, _require_signed_in
from urbis.engagement.services.notifications import notify
from urbis.people.models import User
from urbis.people.permissions import Action, require


def _column(model: type[models.Model], name: str) -> str:
    """The quoted column name of ``model``'s field ``name``, for the hand-written SQL below."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return connection.ops.quote_name(field.column)


def _count_vote(idea: Idea) -> int | None:
    """Add one to ``idea``'s total if it can still be voted on (not hidden, not merged away or
    rejected); returns the new total, or ``None`` if it cannot. Holds the idea's row lock until
    the transaction ends."""
    table = connection.ops.quote_name(Idea._meta.db_table)
    total = _column(Idea, "vote_count")
    # Only quoted identifiers from the models are interpolated here; every value is a parameter.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {total} = {total} + 1 "  # noqa: S608
            f"WHERE {_column(Idea, 'id')} = %s AND NOT {_column(Idea, 'is_hidden')} "
            f"AND {_column(Idea, 'status')} NOT IN (%s, %s) RETURNING {total}",
            [idea.pk, IdeaStatus.DUPLICATE.value, IdeaStatus.REJECTED.value],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _store_vote(idea: Idea, process: Process, by: Any) -> bool:
    """Insert ``by``'s vote for ``idea``; ``False`` if the unique constraint already holds one
    (a second click, even one running at the same moment: it waits for the first to commit)."""
    table = connection.ops.quote_name(Vote._meta.db_table)
    columns = ", ".join(_column(Vote, f) for f in ("idea", "process", "user", "created_at"))
    created = Vote._meta.get_field("created_at").get_db_prep_value(timezone.now(), connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s) "  # noqa: S608
            f"ON CONFLICT ({_column(Vote, 'idea')}, {_column(Vote, 'user')}) DO NOTHING "
            f"RETURNING {_column(Vote, 'id')}",
            [idea.pk, process.pk, by.pk, created],
        )
        return cursor.fetchone() is not None


def _require_voting_open(by: Any, idea: Idea, *, withdrawing: bool = False) -> Process:
    """The checks shared by casting and withdrawing a vote: a signed-in participant, in a
    published process that is in its voting phase. Returns the idea's process."""
    _require_signed_in(by)
    process = idea.process
    require(by, Action.PARTICIPATE, process.city)
    if not process.is_published or not process.is_voting:
        if withdrawing:
            raise ValidationError(
                {"vote": _("Votes can only be withdrawn while voting is open.")}
            )
        raise ValidationError({"vote": _("Voting is not open in this process.")})
    return process


def cast_vote(*, by: Any, idea: Idea, ip: str | None = None) -> int:
    """Support ``idea``; returns the new vote total. One vote per account and idea."""
    process = _require_voting_open(by, idea)
    ratelimits.hit("vote", user=by, ip=ip)
    with transaction.atomic():
        if process.vote_cap:
            # Serialise this person's votes so two parallel clicks cannot both pass the cap.
            User.objects.select_for_update().filter(pk=by.pk).first()
            used = Vote.objects.filter(process=process, user=by).count()
            if used >= process.vote_cap:
                raise ValidationError(
                    {"vote": ngettext("You have used the %(n)d vote of this process.",
                                      "You have used all %(n)d votes of this process.",
                                      process.vote_cap) % {"n": process.vote_cap}}
                )
        total = _count_vote(idea)
        if total is None:
            raise ValidationError({"vote": _("This idea cannot be supported.")})
        if not _store_vote(idea, process, by):
            raise ValidationError({"vote": _("You have already supported this idea.")})
        if process.support_threshold and total >= process.support_threshold:
            reached = Idea.objects.filter(
                pk=idea.pk,
                vote_count__gte=process.support_threshold,
                threshold_reached_at__isnull=True,
            ).update(threshold_reached_at=timezone.now())
            if reached:
                notify(
                    _city_moderators(process.city), notices.SUPPORT_REACHED,
                    {"title": idea.title, "n": process.support_threshold},
                    idea.get_absolute_url(),
                )
    return total


def withdraw_vote(*, by: Any, idea: Idea, ip: str | None = None) -> int:
    """Take back a vote: the same checks as :func:`cast_vote`, so a vote can neither be moved
    in an unpublished process nor after the voting phase has closed."""
    _require_voting_open(by, idea, withdrawing=True)
    ratelimits.hit("vote", user=by, ip=ip)
    with transaction.atomic():
        deleted = Vote.objects.filter(idea=idea, user=by).delete()[0]
        if not deleted:
            raise ValidationError({"vote": _("You have not supported this idea.")})
        Idea.objects.filter(pk=idea.pk).update(vote_count=F("vote_count") - 1)
    return Idea.objects.values_list("vote_count", flat=True).get(pk=idea.pk)
