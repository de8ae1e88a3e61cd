"""Casting and withdrawing votes.

The unique constraint on (idea, account) is what stops a double vote, not a prior read; the
idea's ``vote_count`` moves by ``F()`` updates inside the same transaction as the Vote row, so a
refused insert rolls the increment back. The counter UPDATE runs first and only matches an idea
that can still be voted on, which also makes it the lock a merge waits for (see
:func:`urbis.engagement.services.curation.merge_ideas`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from urbis.engagement import ratelimits
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


def _votable(idea: Idea) -> Q:
    return Q(pk=idea.pk, is_hidden=False) & ~Q(
        status__in=[IdeaStatus.DUPLICATE, IdeaStatus.REJECTED]
    )


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
    try:
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
            updated = Idea.objects.filter(_votable(idea)).update(vote_count=F("vote_count") + 1)
            if not updated:
                raise ValidationError({"vote": _("This idea cannot be supported.")})
            Vote.objects.create(idea=idea, process=process, user=by)
            if process.support_threshold:
                reached = Idea.objects.filter(
                    pk=idea.pk,
                    vote_count__gte=process.support_threshold,
                    threshold_reached_at__isnull=True,
                ).update(threshold_reached_at=timezone.now())
                if reached:
                    notify(
                        _city_moderators(process.city),
                        ngettext("%(title)s reached %(n)d vote: the city owes it an answer.",
                                 "%(title)s reached %(n)d votes: the city owes it an answer.",
                                 process.support_threshold)
                        % {"title": idea.title, "n": process.support_threshold},
                        idea.get_absolute_url(),
                    )
    except IntegrityError:
        raise ValidationError({"vote": _("You have already supported this idea.")}) from None
    return Idea.objects.values_list("vote_count", flat=True).get(pk=idea.pk)


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
