"""Every write of the engagement app: permission first, then validation, then one transaction.

Votes are the delicate part. The unique constraint on (idea, account) is what stops a double
vote, not a prior read; the idea's ``vote_count`` moves by ``F()`` updates inside the same
transaction as the Vote row, so a refused insert rolls the increment back. The counter UPDATE
runs first and only matches an idea that can still be voted on, which also makes it the lock a
merge waits for (see :func:`merge_ideas`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from urbis.engagement import ratelimits, uploads
from urbis.engagement.models import (
    Attachment,
    Category,
    Comment,
    ConceptResponse,
    Follow,
    Idea,
    IdeaKind,
    IdeaStatus,
    ModerationEvent,
    Notification,
    Process,
    Registration,
    Report,
    Study,
    TaskResult,
    UsabilitySession,
    UsabilityTask,
    Vote,
    Workshop,
)
from urbis.engagement.text import plain, render_markdown, visible_length
from urbis.engines.survey import sus
from urbis.jobs.services import enqueue
from urbis.jobs.tasks import send_mails
from urbis.people.models import Organisation, User
from urbis.people.permissions import Action, can, require
from urbis.places.models import Area, City

TITLE_MIN, TITLE_MAX = 5, 150
BODY_MIN, BODY_MAX = 20, 10_000
COMMENT_MAX = 5_000
REASON_MAX = 500
MAX_COMMENT_DEPTH = 6


# --------------------------------------------------------------------------- helpers


def _require_signed_in(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Log in to take part."))


def _check_length(length: int, field: str, low: int, high: int) -> None:
    if length < low:
        raise ValidationError({field: ngettext(
            "At least %(n)d character, please.", "At least %(n)d characters, please.", low
        ) % {"n": low}})
    if length > high:
        raise ValidationError({field: ngettext(
            "At most %(n)d character (this has %(has)d).",
            "At most %(n)d characters (this has %(has)d).",
            high,
        ) % {"n": high, "has": length}})


def _at_most(n: int) -> str:
    return ngettext("At most %(n)d character.", "At most %(n)d characters.", n) % {"n": n}


def _text_field(value: str, field: str, low: int, high: int) -> str:
    """Markdown text: at most ``high`` characters as typed (that is what is stored), at least
    ``low`` characters of what readers see once it is rendered and sanitised."""
    value = (value or "").strip()
    _check_length(len(value), field, 0, high)
    _check_length(visible_length(render_markdown(value)), field, low, high)
    return value


def _plain_field(value: str, field: str, low: int, high: int) -> str:
    """A one-line text (title, reason) stripped of every tag; its limits hold for the text
    that is left, not for what was typed."""
    cleaned = plain(value)
    _check_length(visible_length(cleaned), field, low, high)
    # Stored escaped ("&" as "&amp;"): the column must hold that too.
    _check_length(len(cleaned), field, 0, high)
    return cleaned


def _log(
    idea: Idea | None,
    actor: Any,
    kind: str,
    summary: str,
    *,
    city: City | None = None,
    comment: Comment | None = None,
) -> ModerationEvent:
    return ModerationEvent.objects.create(
        city=city or idea.process.city,  # type: ignore[union-attr]
        idea=idea,
        comment=comment,
        actor=actor if getattr(actor, "pk", None) else None,
        kind=kind,
        summary=summary[:500],
    )


def notify(users: Iterable[User], text: str, url: str = "", *, exclude: Any = None) -> int:
    """An in-site notification for each user, and an e-mail job queued in the same
    transaction (sent by `urbis worker` once it commits; the console backend by default)."""
    recipients = {u.pk: u for u in users if u is not None and u.is_active}
    if exclude is not None and getattr(exclude, "pk", None) in recipients:
        recipients.pop(exclude.pk)
    if not recipients:
        return 0
    text = text[:300]
    Notification.objects.bulk_create(
        [Notification(user=u, text=text, url=url[:300]) for u in recipients.values()]
    )
    enqueue(send_mails, [
        [text[:120], f"{text}\n\n{url}\n", None, [u.email]] for u in recipients.values()
    ])
    return len(recipients)


def _idea_followers(idea: Idea) -> list[User]:
    return [f.user for f in Follow.objects.filter(idea=idea).select_related("user")]


def _city_moderators(city: City) -> list[User]:
    return list(
        User.objects.filter(
            memberships__city=city, memberships__role__in=["admin", "moderator"], is_active=True
        )
    )


def _lock_idea(idea: Idea) -> Idea:
    # Lock only the idea row (``of``): a FOR UPDATE over the joined process row would collide
    # with the key-share locks every vote insert takes on it.
    return (
        Idea.objects.select_for_update(of=("self",), no_key=True)
        .select_related("process__city")
        .defer("process__city__boundary")
        .get(pk=idea.pk)
    )


# --------------------------------------------------------------------------- processes


def create_process(
    *,
    by: Any,
    city: City,
    slug: str,
    title: str,
    collecting_starts: dt.datetime,
    collecting_ends: dt.datetime,
    voting_starts: dt.datetime,
    voting_ends: dt.datetime,
    closes: dt.datetime,
    theme: str = "",
    description: str = "",
    vote_cap: int | None = None,
    support_threshold: int | None = None,
    is_published: bool = True,
) -> Process:
    if by is not None:
        require(by, Action.EDIT, city)
    errors: dict[str, str] = {}
    if collecting_ends <= collecting_starts:
        errors["collecting_ends"] = _("Collecting must end after it starts.")
    if voting_ends <= voting_starts:
        errors["voting_ends"] = _("Voting must end after it starts.")
    if voting_starts < collecting_starts:
        errors["voting_starts"] = _("Voting cannot start before collecting starts.")
    if closes < max(voting_ends, collecting_ends):
        errors["closes"] = _("The process closes after collecting and voting have ended.")
    if vote_cap is not None and vote_cap < 1:
        errors["vote_cap"] = _("At least one vote per person, or no cap.")
    if support_threshold is not None and support_threshold < 1:
        errors["support_threshold"] = _("At least one vote, or no threshold.")
    if Process.objects.filter(city=city, slug=slug).exists():
        errors["slug"] = f"This city already has a process {slug!r}."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return Process.objects.create(
            city=city,
            slug=slug,
            title=_plain_field(title, "title", 3, 200),
            theme=plain(theme)[:120],
            description=description[:10_000],
            description_html=render_markdown(description[:10_000]),
            collecting_starts=collecting_starts,
            collecting_ends=collecting_ends,
            voting_starts=voting_starts,
            voting_ends=voting_ends,
            closes=closes,
            vote_cap=vote_cap,
            support_threshold=support_threshold,
            is_published=is_published,
        )


# --------------------------------------------------------------------------- ideas


def submit_idea(
    *,
    by: Any,
    process: Process,
    title: str,
    body: str,
    category: str,
    kind: str = IdeaKind.PROPOSAL,
    area: Area | str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    organisation: Organisation | str | None = None,
    files: Sequence[tuple[IO[bytes], str]] = (),
    ip: str | None = None,
    workshop: Workshop | None = None,
) -> Idea:
    """A participant's idea. ``files`` are (stream, original name) pairs; all are checked
    before anything is stored."""
    _require_signed_in(by)
    city = process.city
    require(by, Action.PARTICIPATE, city)
    if not process.is_published:
        raise PermissionDenied(_("This process is not open to the public."))
    if workshop is None and not process.is_collecting:
        raise ValidationError({"process": _("This process is not collecting ideas now.")})
    ratelimits.hit("idea", user=by, ip=ip)

    errors: dict[str, str] = {}
    try:
        title = _plain_field(title, "title", TITLE_MIN, TITLE_MAX)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    try:
        body = _text_field(body, "body", BODY_MIN, BODY_MAX)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if category not in Category.values:
        errors["category"] = f"Unknown category {category!r}."
    if kind not in IdeaKind.values:
        errors["kind"] = f"Unknown kind {kind!r}."
    the_area = None
    if isinstance(area, Area):
        the_area = area if area.city_id == city.pk else None
        if the_area is None:
            errors["area"] = _("This neighbourhood is in another city.")
    elif area:
        the_area = Area.objects.filter(city=city, code=area).first()
        if the_area is None:
            errors["area"] = f"No area {area!r} in {city.name}."
    if (latitude is None) != (longitude is None):
        errors["latitude"] = _("Give both latitude and longitude, or neither.")
    elif latitude is not None and longitude is not None:
        bbox = city.bbox
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            errors["latitude"] = _("Not a point on Earth.")
        elif bbox and not (bbox[1] <= latitude <= bbox[3] and bbox[0] <= longitude <= bbox[2]):
            errors["latitude"] = f"The point is outside {city.name}."
    the_org = None
    if organisation:
        slug = organisation.slug if isinstance(organisation, Organisation) else organisation
        the_org = Organisation.objects.filter(slug=slug, members=by).first()
        if the_org is None:
            errors["organisation"] = _(
                "You can only post on behalf of an organisation you belong to."
            )
    if len(files) > uploads.MAX_FILES_PER_IDEA:
        errors["attachments"] = f"At most {uploads.MAX_FILES_PER_IDEA} files."
    if errors:
        raise ValidationError(errors)
    checked = [uploads.check(stream, name) for stream, name in files]
    if checked:
        ratelimits.hit("upload", user=by, ip=None)

    with transaction.atomic():
        idea = Idea.objects.create(
            process=process,
            kind=kind,
            title=title,
            body=body,
            body_html=render_markdown(body),
            category=category,
            area=the_area,
            latitude=latitude,
            longitude=longitude,
            author=by,
            organisation=the_org,
            workshop=workshop,
        )
        for item in checked:
            Attachment.objects.create(
                idea=idea,
                file=item.content,
                kind=item.kind,
                content_type=item.content_type,
                original_name=item.original_name,
                size=item.size,
                uploaded_by=by,
            )
        Follow.objects.get_or_create(user=by, idea=idea)
        followers = [f.user for f in Follow.objects.filter(process=process).select_related("user")]
        notify(
            followers,
            _("New idea in %(process)s: %(title)s") % {"process": process.title, "title": title},
            idea.get_absolute_url(),
            exclude=by,
        )
    return idea


def edit_idea(*, by: Any, idea: Idea, title: str, body: str, category: str) -> Idea:
    """The author may correct an idea while it is new and nobody has supported it yet, so no
    one's vote ends up on a text they did not see."""
    _require_signed_in(by)
    if idea.author_id != by.pk:
        raise PermissionDenied(_("Only the author may edit an idea."))
    errors: dict[str, str] = {}
    try:
        title = _plain_field(title, "title", TITLE_MIN, TITLE_MAX)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    try:
        body = _text_field(body, "body", BODY_MIN, BODY_MAX)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if category not in Category.values:
        errors["category"] = _("Unknown category.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock_idea(idea)
        if locked.status != IdeaStatus.NEW or locked.vote_count or locked.is_hidden:
            raise ValidationError(
                {"idea": _("An idea can only be edited while it is new and has no votes.")}
            )
        locked.title, locked.body, locked.category = title, body, category
        locked.body_html = render_markdown(body)
        locked.save(update_fields=["title", "body", "body_html", "category", "updated_at"])
    return locked


# --------------------------------------------------------------------------- votes


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


# --------------------------------------------------------------------------- comments, reports


def add_comment(
    *, by: Any, idea: Idea, body: str, parent: Comment | None = None, ip: str | None = None
) -> Comment:
    _require_signed_in(by)
    city = idea.process.city
    require(by, Action.PARTICIPATE, city)
    if idea.is_hidden:
        raise ValidationError({"idea": _("This idea is hidden.")})
    body = _text_field(body, "body", 2, COMMENT_MAX)
    if parent is not None:
        if parent.idea_id != idea.pk:
            raise ValidationError({"parent": _("That comment belongs to another idea.")})
        depth, node = 1, parent
        while node.parent_id is not None and depth < MAX_COMMENT_DEPTH + 1:
            node = node.parent  # type: ignore[assignment]
            depth += 1
        if depth >= MAX_COMMENT_DEPTH:
            raise ValidationError({"parent": _("Replies nest at most six levels deep.")})
    ratelimits.hit("comment", user=by, ip=ip)
    official = can(by, Action.MODERATE, city) or can(by, Action.EDIT, city)
    with transaction.atomic():
        comment = Comment.objects.create(
            idea=idea,
            parent=parent,
            author=by,
            body=body,
            body_html=render_markdown(body),
            is_official=official,
        )
        notify(
            _idea_followers(idea),
            _("New comment on %(title)s") % {"title": idea.title},
            idea.get_absolute_url() + f"#comment-{comment.pk}",
            exclude=by,
        )
        if parent is not None and parent.author is not None:
            notify(
                [parent.author],
                _("Reply to your comment on %(title)s") % {"title": idea.title},
                idea.get_absolute_url() + f"#comment-{comment.pk}",
                exclude=by,
            )
    return comment


def report(
    *, by: Any, reason: str, idea: Idea | None = None, comment: Comment | None = None
) -> Report:
    _require_signed_in(by)
    if (idea is None) == (comment is None):
        raise ValidationError({"target": _("Report either an idea or a comment.")})
    target_idea = idea or comment.idea  # type: ignore[union-attr]
    require(by, Action.PARTICIPATE, target_idea.process.city)
    reason = _plain_field(reason, "reason", 3, REASON_MAX)
    ratelimits.hit("report", user=by)
    try:
        with transaction.atomic():
            return Report.objects.create(idea=idea, comment=comment, reporter=by, reason=reason)
    except IntegrityError:
        raise ValidationError({"target": _("You have already reported this.")}) from None


# --------------------------------------------------------------------------- curation


def _require_moderator(by: Any, city: City) -> None:
    _require_signed_in(by)
    require(by, Action.MODERATE, city)


def set_status(*, by: Any, idea: Idea, status: str, reason: str = "") -> Idea:
    city = idea.process.city
    _require_moderator(by, city)
    if status not in IdeaStatus.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    if status == IdeaStatus.DUPLICATE:
        raise ValidationError({"status": _("Mark a duplicate by merging it into the original.")})
    reason = (reason or "").strip()
    if status == IdeaStatus.REJECTED and len(reason) < 10:
        raise ValidationError(
            {"reason": _("A rejection needs a reason of at least 10 characters.")}
        )
    if len(reason) > 2_000:
        raise ValidationError({"reason": _("At most 2000 characters.")})
    with transaction.atomic():
        locked = _lock_idea(idea)
        if locked.status == IdeaStatus.DUPLICATE:
            raise ValidationError({"status": _("This idea was merged into another one.")})
        old = locked.get_status_display()
        locked.status = status
        locked.status_reason = reason
        locked.save(update_fields=["status", "status_reason", "updated_at"])
        summary = f"{old} → {locked.get_status_display()}" + (f": {reason}" if reason else "")
        _log(locked, by, ModerationEvent.Kind.STATUS, summary)
        notify(
            _idea_followers(locked),
            _("%(title)s is now: %(status)s")
            % {"title": locked.title, "status": locked.get_status_display()},
            locked.get_absolute_url(),
            exclude=by,
        )
    return locked


def answer(*, by: Any, idea: Idea, text: str) -> Idea:
    """The city's official answer (editors and moderators may write it)."""
    _require_signed_in(by)
    city = idea.process.city
    if not (can(by, Action.MODERATE, city) or can(by, Action.EDIT, city)):
        raise PermissionDenied(_("Only the city's editors and moderators answer officially."))
    text = _text_field(text, "text", 10, 10_000)
    with transaction.atomic():
        locked = _lock_idea(idea)
        first = locked.answered_at is None
        locked.official_answer = text
        locked.official_answer_html = render_markdown(text)
        locked.answered_at = timezone.now()
        if locked.status == IdeaStatus.NEW:
            locked.status = IdeaStatus.UNDER_REVIEW
        locked.save(
            update_fields=[
                "official_answer", "official_answer_html", "answered_at", "status", "updated_at"
            ]
        )
        _log(locked, by, ModerationEvent.Kind.ANSWER,
             ("Answered: " if first else "Answer revised: ") + text[:200])
        notify(
            _idea_followers(locked),
            _("The city answered %(title)s") % {"title": locked.title},
            locked.get_absolute_url(),
            exclude=by,
        )
    return locked


def merge_ideas(*, by: Any, duplicate: Idea, into: Idea) -> Idea:
    """Mark ``duplicate`` as a duplicate of ``into`` and carry its votes over: an account that
    supported both keeps one vote; anonymised votes (of deleted accounts) move as they are.

    Both ideas are locked first (in id order, so two merges cannot deadlock); a vote in flight
    on either holds the same row lock through its counter UPDATE, so the merge waits for it, and
    a vote arriving after the merge no longer matches the duplicate and is refused."""
    city = duplicate.process.city
    _require_moderator(by, city)
    if duplicate.pk == into.pk:
        raise ValidationError({"into": _("An idea cannot duplicate itself.")})
    if into.process.city_id != city.pk:
        raise ValidationError({"into": _("Both ideas must be in the same city.")})
    with transaction.atomic():
        locked = {
            i.pk: i
            for i in Idea.objects.select_for_update(of=("self",), no_key=True)
            .select_related("process__city")
        .defer("process__city__boundary")
            .filter(pk__in=[duplicate.pk, into.pk])
            .order_by("pk")
        }
        dup, target = locked[duplicate.pk], locked[into.pk]
        if dup.status == IdeaStatus.DUPLICATE:
            raise ValidationError({"duplicate": _("This idea is already merged.")})
        if target.status == IdeaStatus.DUPLICATE:
            raise ValidationError(
                {"into": _("That idea is itself a duplicate; merge into its original.")}
            )
        both = Vote.objects.filter(idea=target, user__isnull=False).values("user")
        dropped = Vote.objects.filter(idea=dup, user__in=both).delete()[0]
        moved = Vote.objects.filter(idea=dup).update(idea=target, process=target.process)
        total = Vote.objects.filter(idea=target).count()
        Idea.objects.filter(pk=target.pk).update(vote_count=total)
        if target.process.support_threshold and total >= target.process.support_threshold:
            Idea.objects.filter(pk=target.pk, threshold_reached_at__isnull=True).update(
                threshold_reached_at=timezone.now()
            )
        Idea.objects.filter(pk=dup.pk).update(
            status=IdeaStatus.DUPLICATE, duplicate_of=target, vote_count=0
        )
        for follow in Follow.objects.filter(idea=dup):
            Follow.objects.get_or_create(user_id=follow.user_id, idea=target)
        counts = {"moved": moved, "dropped": dropped}
        summary = ngettext(
            "Merged into #%(pk)s “%(title)s”: %(moved)d vote carried over, %(dropped)d "
            "already counted there.",
            "Merged into #%(pk)s “%(title)s”: %(moved)d votes carried over, %(dropped)d "
            "already counted there.",
            moved,
        ) % {"pk": target.pk, "title": target.title, **counts}
        _log(dup, by, ModerationEvent.Kind.MERGE, summary)
        _log(target, by, ModerationEvent.Kind.MERGE, ngettext(
            "#%(pk)s “%(title)s” merged in: %(moved)d vote carried over, %(dropped)d already "
            "counted.",
            "#%(pk)s “%(title)s” merged in: %(moved)d votes carried over, %(dropped)d already "
            "counted.",
            moved,
        ) % {"pk": dup.pk, "title": dup.title, **counts})
        notify(
            _idea_followers(dup),
            _("%(title)s was merged into %(target)s") % {"title": dup.title,
                                                         "target": target.title},
            target.get_absolute_url(),
            exclude=by,
        )
    target.refresh_from_db()
    return target


def hide_idea(*, by: Any, idea: Idea, reason: str, hidden: bool = True) -> Idea:
    city = idea.process.city
    _require_moderator(by, city)
    reason = plain(reason or "")
    if hidden and len(reason) < 3:
        raise ValidationError({"reason": _("Say why it is hidden (at least 3 characters).")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _at_most(REASON_MAX)})
    with transaction.atomic():
        locked = _lock_idea(idea)
        locked.is_hidden = hidden
        locked.hidden_reason = reason if hidden else ""
        locked.save(update_fields=["is_hidden", "hidden_reason", "updated_at"])
        Report.objects.filter(idea=locked, resolved_at__isnull=True).update(
            resolved_at=timezone.now()
        )
        _log(locked, by, ModerationEvent.Kind.HIDE if hidden else ModerationEvent.Kind.UNHIDE,
             reason or "Shown again")
        if hidden and locked.author is not None:
            # The author is told what was hidden and why (a statement of reasons).
            notify(
                [locked.author],
                _("Your idea %(title)s was hidden by a moderator: %(reason)s")
                % {"title": locked.title, "reason": reason},
                locked.get_absolute_url(),
            )
    return locked


def hide_comment(*, by: Any, comment: Comment, reason: str, hidden: bool = True) -> Comment:
    city = comment.idea.process.city
    _require_moderator(by, city)
    reason = plain(reason or "")
    if hidden and len(reason) < 3:
        raise ValidationError({"reason": _("Say why it is hidden (at least 3 characters).")})
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(
            is_hidden=hidden, hidden_reason=reason[:REASON_MAX] if hidden else ""
        )
        Report.objects.filter(comment=comment, resolved_at__isnull=True).update(
            resolved_at=timezone.now()
        )
        _log(comment.idea, by, ModerationEvent.Kind.HIDE_COMMENT,
             f"Comment #{comment.pk}: {reason}" if hidden else f"Comment #{comment.pk} shown",
             comment=comment)
        if hidden and comment.author is not None:
            notify(
                [comment.author],
                _("Your comment on %(title)s was hidden by a moderator: %(reason)s")
                % {"title": comment.idea.title, "reason": reason},
                comment.idea.get_absolute_url(),
            )
    comment.refresh_from_db()
    return comment


def dismiss_reports(*, by: Any, idea: Idea) -> int:
    """Close the reports on an idea and its comments without hiding anything."""
    city = idea.process.city
    _require_moderator(by, city)
    with transaction.atomic():
        count = Report.objects.filter(
            Q(idea=idea) | Q(comment__idea=idea), resolved_at__isnull=True
        ).update(resolved_at=timezone.now())
        _log(idea, by, ModerationEvent.Kind.REPORT_RESOLVED,
             ngettext("%(n)d report dismissed", "%(n)d reports dismissed", count) % {"n": count})
    return count


# --------------------------------------------------------------------------- following


def follow(*, by: Any, idea: Idea | None = None, process: Process | None = None) -> Follow:
    _require_signed_in(by)
    if (idea is None) == (process is None):
        raise ValidationError({"target": _("Follow either an idea or a process.")})
    with transaction.atomic():
        the_follow = Follow.objects.get_or_create(user=by, idea=idea, process=process)[0]
    return the_follow


def unfollow(*, by: Any, idea: Idea | None = None, process: Process | None = None) -> None:
    _require_signed_in(by)
    Follow.objects.filter(user=by, idea=idea, process=process).delete()


def mark_notifications_read(*, by: Any, ids: Sequence[int] | None = None) -> int:
    _require_signed_in(by)
    notes = Notification.objects.filter(user=by, read_at__isnull=True)
    if ids is not None:
        notes = notes.filter(pk__in=ids)
    return notes.update(read_at=timezone.now())


# --------------------------------------------------------------------------- workshops


def create_workshop(
    *,
    by: Any,
    process: Process,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    agenda: str = "",
    place: str = "",
    online_url: str = "",
    is_published: bool = True,
) -> Workshop:
    city = process.city
    if by is not None:
        require(by, Action.EDIT, city)
    errors: dict[str, str] = {}
    if ends_at <= starts_at:
        errors["ends_at"] = _("A workshop ends after it starts.")
    if capacity < 1:
        errors["capacity"] = _("At least one place.")
    if not place.strip() and not online_url.strip():
        errors["place"] = _("Give a place, an online link, or both.")
    if online_url and not online_url.startswith(("https://", "http://")):
        errors["online_url"] = _("The link must start with https://.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return Workshop.objects.create(
            city=city, process=process, title=_plain_field(title, "title", 3, 200),
            agenda=agenda[:10_000], agenda_html=render_markdown(agenda[:10_000]),
            starts_at=starts_at, ends_at=ends_at, capacity=capacity, place=plain(place)[:300],
            online_url=online_url, is_published=is_published,
        )


def sign_up(*, by: Any, workshop: Workshop) -> Registration:
    """A place if one is free, else a place on the waiting list, first come first served."""
    _require_signed_in(by)
    require(by, Action.PARTICIPATE, workshop.city)
    if workshop.starts_at <= timezone.now():
        raise ValidationError({"workshop": _("This workshop has already started.")})
    with transaction.atomic():
        # The workshop row is the lock that keeps the confirmed count within capacity.
        locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
        existing = Registration.objects.filter(workshop=locked, user=by).first()
        if existing is not None:
            raise ValidationError({"workshop": _("You have already signed up.")})
        confirmed = Registration.objects.filter(
            workshop=locked, status=Registration.Status.CONFIRMED
        ).count()
        status = (
            Registration.Status.CONFIRMED if confirmed < locked.capacity
            else Registration.Status.WAITING
        )
        return Registration.objects.create(workshop=locked, user=by, status=status)


def cancel_registration(*, by: Any, workshop: Workshop) -> Registration | None:
    """Cancel ``by``'s place; the first person waiting moves up. Returns that person's
    registration, if anyone moved up."""
    _require_signed_in(by)
    with transaction.atomic():
        locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
        return _release(locked, Registration.objects.filter(workshop=locked, user=by).first())


def _release(workshop: Workshop, registration: Registration | None) -> Registration | None:
    if registration is None:
        raise ValidationError({"workshop": _("You are not signed up.")})
    was_confirmed = registration.status == Registration.Status.CONFIRMED
    registration.delete()
    if not was_confirmed or workshop.starts_at <= timezone.now():
        return None
    waiting = (
        Registration.objects.filter(workshop=workshop, status=Registration.Status.WAITING)
        .order_by("created_at", "pk")
        .first()
    )
    if waiting is None:
        return None
    waiting.status = Registration.Status.CONFIRMED
    waiting.save(update_fields=["status"])
    notify(
        [waiting.user],
        _("A place is free for you at %(title)s") % {"title": workshop.title},
        workshop.get_absolute_url(),
    )
    return waiting


def record_outcome(
    *, by: Any, workshop: Workshop, title: str, body: str, category: str,
    kind: str = IdeaKind.PROPOSAL,
) -> Idea:
    """What a workshop produced, recorded as an idea of its process by city staff."""
    _require_signed_in(by)
    city = workshop.city
    if not (can(by, Action.EDIT, city) or can(by, Action.MODERATE, city)):
        raise PermissionDenied(_("Only the city's editors and moderators record outcomes."))
    return submit_idea(
        by=by, process=workshop.process, title=title, body=body, category=category, kind=kind,
        workshop=workshop,
    )


# --------------------------------------------------------------------------- studies


def create_study(
    *,
    by: Any,
    city: City,
    kind: str,
    title: str,
    opens: dt.datetime,
    closes: dt.datetime,
    description: str = "",
    tasks: Sequence[str] = (),
    process: Process | None = None,
    is_published: bool = True,
) -> Study:
    if by is not None:
        require(by, Action.EDIT, city)
    errors: dict[str, str] = {}
    if kind not in Study.Kind.values:
        errors["kind"] = f"Unknown kind {kind!r}."
    if closes <= opens:
        errors["closes"] = _("A study closes after it opens.")
    if kind == Study.Kind.USABILITY and not tasks:
        errors["tasks"] = _("A usability study needs at least one task.")
    if any(not t.strip() or len(t) > 500 for t in tasks):
        errors["tasks"] = _("Every task needs a description of at most 500 characters.")
    if process is not None and process.city_id != city.pk:
        errors["process"] = _("That process belongs to another city.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        study = Study.objects.create(
            city=city, process=process, kind=kind,
            title=_plain_field(title, "title", 3, 200),
            description=description[:10_000],
            description_html=render_markdown(description[:10_000]),
            opens=opens, closes=closes, is_published=is_published,
        )
        UsabilityTask.objects.bulk_create(
            [UsabilityTask(study=study, order=n, description=plain(t))
             for n, t in enumerate(tasks, start=1)]
        )
    return study


def add_study_document(*, by: Any, study: Study, stream: IO[bytes], name: str) -> Attachment:
    require(by, Action.EDIT, study.city)
    item = uploads.check(stream, name, field="file")
    with transaction.atomic():
        return Attachment.objects.create(
            study=study, file=item.content, kind=item.kind, content_type=item.content_type,
            original_name=item.original_name, size=item.size, uploaded_by=by,
        )


def _require_open_study(by: Any, study: Study, kind: str) -> None:
    _require_signed_in(by)
    require(by, Action.PARTICIPATE, study.city)
    if study.kind != kind:
        raise ValidationError({"study": _("This study does not take that kind of answer.")})
    if not study.is_published or not study.is_open:
        raise ValidationError({"study": _("This study is not open.")})


def respond_to_concept(*, by: Any, study: Study, rating: int, comment: str = "") -> ConceptResponse:
    _require_open_study(by, study, Study.Kind.CONCEPT)
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("A rating from 1 to 5.")})
    if len(comment) > COMMENT_MAX:
        raise ValidationError({"comment": _at_most(COMMENT_MAX)})
    try:
        with transaction.atomic():
            return ConceptResponse.objects.create(
                study=study, participant=by, rating=rating, comment=plain(comment)
            )
    except IntegrityError:
        raise ValidationError({"study": _("You have already answered this study.")}) from None


def submit_usability_session(
    *,
    by: Any,
    study: Study,
    results: Sequence[tuple[int, bool, float]],
    sus_answers: Sequence[int],
    comment: str = "",
) -> UsabilitySession:
    """One run: (task id, completed?, seconds) per task of the study, and the ten SUS answers."""
    _require_open_study(by, study, Study.Kind.USABILITY)
    try:
        score = sus.score(sus_answers)
    except sus.SusAnswerError as exc:
        field = f"sus_answers.{exc.item}" if exc.item else "sus_answers"
        raise ValidationError({field: exc.reason}) from None
    tasks = {t.pk: t for t in study.tasks.all()}
    seen: set[int] = set()
    errors: dict[str, str] = {}
    for n, (task_id, _ok, seconds) in enumerate(results, start=1):
        if task_id not in tasks:
            errors[f"results.{n}.task"] = f"No task {task_id} in this study."
        elif task_id in seen:
            errors[f"results.{n}.task"] = f"Task {task_id} is given twice."
        if not isinstance(seconds, int | float) or not 0 <= seconds <= 24 * 3600:
            errors[f"results.{n}.seconds"] = "Seconds from 0 to 86400."
        seen.add(task_id)
    if set(tasks) - seen:
        errors["results"] = _("Give a result for every task.")
    if len(comment) > COMMENT_MAX:
        errors["comment"] = _at_most(COMMENT_MAX)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            session = UsabilitySession.objects.create(
                study=study, participant=by, sus_answers=list(sus_answers), sus_score=score,
                comment=plain(comment),
            )
            TaskResult.objects.bulk_create(
                [TaskResult(session=session, task=tasks[t], success=bool(ok), seconds=float(s))
                 for t, ok, s in results]
            )
    except IntegrityError:
        raise ValidationError({"study": _("You have already taken part in this study.")}) from None
    return session
