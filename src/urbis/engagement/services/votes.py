"""Casting and withdrawing votes.

The unique constraint on (idea, account) is what stops a double vote, not a prior read; the
idea's ``vote_count`` moves in the same statement or transaction as the Vote row, so the total
always equals the rows. Whatever casts a vote first takes the idea's row lock (FOR NO KEY
UPDATE), which is also the lock a merge waits for (see
:func:`urbis.engagement.services.curation.merge_ideas`), and a vote arriving after a merge no
longer matches the merged idea.

A vote is the platform's busiest write (docs/PERFORMANCE.md, "Votes"). On PostgreSQL it is ONE
statement in autocommit (:func:`_cast_in_one_statement`): count the rate limits, lock the idea
if every limit counted and it can still be voted on, insert the vote with ``ON CONFLICT DO
NOTHING``, and add one to the total only if that insert stored a row; a single statement is
atomic on its own, so no BEGIN/COMMIT round trips. Elsewhere (SQLite) the rate limits are counted
first (:func:`urbis.engagement.ratelimits.hit`), then the vote is two statements in one
transaction (:func:`_count_vote`, then :func:`_store_vote`, whose refusal rolls the increment
back). A process with a vote cap takes that path on both, since the cap needs the voter's lock
and a count first."""

from __future__ import annotations

import functools
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, connections, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from urbis.engagement import notices, ratelimits
from urbis.engagement.models import (
    Idea,
    IdeaStatus,
    Process,
    RateCounter,
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


@functools.cache
def _one_statement_sql(alias: str, limits: int) -> str:
    """The SQL of :func:`_cast_in_one_statement` on the database ``alias`` with ``limits``
    rate-limit counters, built once: it depends only on the models (building it, column types
    included, cost more than a tenth of the vote's own CPU time)."""
    db = connections[alias]
    qn = db.ops.quote_name

    def col(model: type[models.Model], name: str) -> str:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field) and field.column
        return qn(field.column)

    idea_table, vote_table = qn(Idea._meta.db_table), qn(Vote._meta.db_table)
    idea_id, total = col(Idea, "id"), col(Idea, "vote_count")
    names = ("idea", "process", "user", "created_at")
    columns = ", ".join(col(Vote, f) for f in names)
    process_type, user_type, created_type = (
        Vote._meta.get_field(f).db_type(db) for f in names[1:]
    )
    last = limits - 1
    counted = ", ".join(f"(SELECT count(*) FROM c{i})" for i in range(limits))  # noqa: S608
    # Only quoted identifiers and column types from the models are interpolated; every value
    # is a parameter.
    return (
        f"WITH {ratelimits.attempts_with(RateCounter, alias, limits)}, "  # noqa: S608
        f"votable AS (SELECT {idea_id} FROM {idea_table} "
        f"WHERE {idea_id} = %s AND NOT {col(Idea, 'is_hidden')} "
        f"AND {col(Idea, 'status')} NOT IN (%s, %s) AND EXISTS (SELECT 1 FROM c{last}) "
        f"FOR NO KEY UPDATE), "
        f"stored AS (INSERT INTO {vote_table} ({columns}) "
        f"SELECT {idea_id}, CAST(%s AS {process_type}), CAST(%s AS {user_type}), "
        f"CAST(%s AS {created_type}) FROM votable "
        f"ON CONFLICT ({col(Vote, 'idea')}, {col(Vote, 'user')}) DO NOTHING "
        f"RETURNING {col(Vote, 'idea')} AS idea), "
        f"counted AS (UPDATE {idea_table} SET {total} = {idea_table}.{total} + 1 "
        f"FROM stored WHERE {idea_table}.{idea_id} = stored.idea "
        f"RETURNING {idea_table}.{total}) "
        f"SELECT {counted}, EXISTS (SELECT 1 FROM votable), (SELECT {total} FROM counted)"
    )


def _cast_in_one_statement(
    idea: Idea, process: Process, by: Any, limits: list[tuple[str, tuple[int, int]]]
) -> tuple[bool, int | None]:
    """Count the rate limits ``limits`` and cast ``by``'s vote for ``idea``, in one PostgreSQL
    statement: ``(votable, total)``, where ``votable`` is whether the idea can still be voted on
    and ``total`` the new total, or ``None`` if nothing was stored (not votable, or the
    account's vote is already there). Raises :class:`RateLimited` (nothing stored) if a limit
    refused.

    ``WITH`` queries, each reading the one before, so the order is fixed: the rate-limit
    counters (people.ratelimits.attempts_with, each counted only if the one before it was); the
    idea's row, locked only if every counter counted and it can still be voted on (a concurrent
    merge or vote holds it until it commits; READ COMMITTED then re-checks the row as it is
    now); the vote, inserted from that row, skipping a duplicate (a second click running at the
    same moment waits for the first's locks, then finds its row); the total, moved only for an
    inserted row. The statement commits on its own, all of it or nothing: a refused vote (a
    second click, an idea merged away) still counts against the limits, as before."""
    now = timezone.now()
    created = Vote._meta.get_field("created_at").get_db_prep_value(now, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            _one_statement_sql(connection.alias, len(limits)),
            [*ratelimits.attempt_params(RateCounter, limits, now),
             idea.pk, IdeaStatus.DUPLICATE.value, IdeaStatus.REJECTED.value,
             process.pk, by.pk, created],
        )
        *counted, votable, total = cursor.fetchone()
    refused = ratelimits.attempts_refused(counted, limits, now)
    if refused is not None:
        raise ratelimits.RateLimited("vote", refused[1])
    return bool(votable), None if total is None else int(total)


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


def _cast_in_transaction(idea: Idea, process: Process, by: Any) -> int:
    """The vote as two statements in one transaction (SQLite, and any process with a vote cap);
    returns the new total."""
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
    return total


def cast_vote(*, by: Any, idea: Idea, ip: str | None = None) -> int:
    """Support ``idea``; returns the new vote total. One vote per account and idea."""
    process = _require_voting_open(by, idea)
    limits = ratelimits.limit_keys("vote", user=by, ip=ip)
    if not process.vote_cap and ratelimits.one_statement_counts(limits):
        votable, total = _cast_in_one_statement(idea, process, by, limits)
        if not votable:
            raise ValidationError({"vote": _("This idea cannot be supported.")})
        if total is None:
            raise ValidationError({"vote": _("You have already supported this idea.")})
    else:
        ratelimits.hit("vote", user=by, ip=ip)
        total = _cast_in_transaction(idea, process, by)
    if process.support_threshold and total >= process.support_threshold:
        # After the vote has committed: the conditional UPDATE records the moment once, whichever
        # vote reached it, and the notice goes with it or not at all.
        with transaction.atomic():
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
