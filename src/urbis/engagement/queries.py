"""Reads shared by the engagement pages and the API. Anonymous users see what is published;
hidden ideas and comments are shown (with their reason) only to the city's moderators."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Exp, Greatest, Round, Sqrt
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from urbis.engagement.models import (
    Comment,
    ConceptResponse,
    Follow,
    Idea,
    IdeaStatus,
    ModerationEvent,
    Notification,
    Phase,
    Process,
    Registration,
    Report,
    Study,
    TaskResult,
    UsabilitySession,
    Vote,
    Workshop,
)
from urbis.engines import ranking
from urbis.engines.survey import sus
from urbis.people.permissions import Action, can
from urbis.places.models import City
from urbis.prepared import PreparedLookup

SORTS = {
    "most_requested": _("Most requested"),
    "fair": _("Fair to new ideas"),
    "trending": _("Trending"),
    "newest": _("Newest"),
}
TREND_WINDOW = dt.timedelta(days=14)


def is_moderator(user: Any, city: City) -> bool:
    return can(user, Action.MODERATE, city)


def may_see_private(user: Any, city: City) -> bool:
    return can(user, Action.VIEW_PRIVATE, city)


def speaks_for_city(user: Any, city: City) -> bool:
    """An editor or moderator of ``city``: answers officially, records workshop outcomes and
    links ideas to the strategy's actions."""
    return can(user, Action.MODERATE, city) or can(user, Action.EDIT, city)


def is_editable(idea: Idea) -> bool:
    """An idea can be corrected while it is new and nobody has supported it yet, so no one's
    vote ends up on a text they did not see."""
    return idea.status == IdeaStatus.NEW and not idea.vote_count and not idea.is_hidden


def may_edit_idea(user: Any, idea: Idea) -> bool:
    return idea.author_id == getattr(user, "pk", None) and is_editable(idea)


# A process is open to the public while it collects ideas or takes votes; before that it is
# upcoming, after it the city reviews it and then closes it (Process.phases_at).
OPEN_PHASES = frozenset({Phase.COLLECTING.value, Phase.VOTING.value})


def is_open(process: Process, when: dt.datetime | None = None) -> bool:
    return bool(process.phases_at(when) & OPEN_PHASES)


def split_open(
    processes: Iterable[Process], when: dt.datetime | None = None
) -> tuple[list[Process], list[Process]]:
    """``processes`` as (open, all others), each in the order given."""
    when = when or timezone.now()
    found: tuple[list[Process], list[Process]] = ([], [])
    for process in processes:
        found[0 if is_open(process, when) else 1].append(process)
    return found


def listed_ideas(
    ideas: QuerySet[Idea], user: Any, city: City, *, duplicates: bool = False
) -> QuerySet[Idea]:
    """Of ``ideas``, those a process's list shows and its idea count counts: hidden ideas only
    for the city's moderators, and no idea merged into another unless asked for. The process
    page and the city's list of processes both count through here, so they agree."""
    if not is_moderator(user, city):
        ideas = ideas.filter(is_hidden=False)
    if not duplicates:
        ideas = ideas.exclude(status=IdeaStatus.DUPLICATE)
    return ideas


def processes(city: City, user: Any = None) -> QuerySet[Process]:
    counted = (
        listed_ideas(Idea.objects.filter(process=OuterRef("pk")), user, city)
        .order_by().values("process").annotate(n=Count("pk")).values("n")
    )
    # Through the city's related manager, each process knows its city without loading it
    # again (with its boundary, a large GeoJSON document) for every link.
    result = city.processes.annotate(idea_count=Coalesce(Subquery(counted), 0))
    if not may_see_private(user, city):
        result = result.filter(is_published=True)
    return result.order_by("-collecting_starts")


def get_process(city: City, slug: str, user: Any = None) -> Process:
    process = (
        Process.objects.filter(city=city, slug=slug).select_related("city")
        .defer("city__boundary").first()
    )
    if process is None or not (process.is_published or may_see_private(user, city)):
        raise Http404(_("No process %(slug)r in %(city)s.") % {"slug": slug, "city": city.name})
    return process


def _ideas_with_context() -> QuerySet[Idea]:
    # The city's boundary is a large GeoJSON document no idea page or vote needs.
    # The area's link needs the area's city: joined here, or each page loads it (boundary
    # and all) again.
    return Idea.objects.select_related(
        "process__city", "area__city", "author", "organisation", "duplicate_of", "workshop"
    ).defer("process__city__boundary", "area__geometry", "area__city__boundary")


def _check_visible(idea: Idea | None, user: Any, where: str) -> Idea:
    if idea is None:
        raise Http404(_("No idea here (%(where)s).") % {"where": where})
    city = idea.process.city
    if not (idea.process.is_published or may_see_private(user, city)):
        raise Http404(_("No idea %(idea)s in %(city)s.") % {"idea": idea.pk, "city": city.name})
    if idea.is_hidden and not is_moderator(user, city):
        raise Http404(_("This idea was hidden by a moderator."))
    return idea


def get_idea(city: City, idea_id: int, user: Any = None) -> Idea:
    idea = _ideas_with_context().filter(pk=idea_id, process__city=city).first()
    return _check_visible(idea, user, city.name)


def get_idea_by_id(idea_id: int, user: Any = None) -> Idea:
    """One idea by its number alone (the API's addresses), with the same visibility rules."""
    return _check_visible(_ideas_with_context().filter(pk=idea_id).first(), user, f"#{idea_id}")


# The idea with its process and city, by number; compiled once (urbis.prepared), because
# building this query in the ORM cost more CPU than the rest of a vote's reads together.
_IDEA_TO_VOTE_ON: PreparedLookup[Idea] = PreparedLookup(
    lambda pk: Idea.objects.select_related("process__city")
    .defer("process__city__boundary")
    .filter(pk=pk),
    marker=-918_273_645,  # no idea has a negative number
)


def get_idea_to_vote_on(idea_id: int, user: Any = None) -> Idea:
    """:func:`get_idea_by_id` for the vote endpoints, the busiest writes: the same visibility
    rules, with only the process and city that a vote needs loaded (building the query for every
    relation of an idea page cost more than the vote itself, docs/PERFORMANCE.md "Votes")."""
    return _check_visible(_IDEA_TO_VOTE_ON.get(int(idea_id)), user, f"#{idea_id}")


def idea_list(
    process: Process,
    user: Any = None,
    *,
    sort: str = "most_requested",
    status: str | None = None,
    category: str | None = None,
    kind: str | None = None,
    area: str | None = None,
    search: str | None = None,
    include_duplicates: bool = False,
) -> list[Idea]:
    """The process's ideas in the chosen order. Every idea carries ``fair_score`` and
    ``trend`` so a page can show why it sits where it does."""
    if sort not in SORTS:
        sort = "most_requested"
    ideas = (
        Idea.objects.filter(process=process)
        .select_related("area", "author", "organisation", "process__city")
        .defer("process__city__boundary", "area__geometry")
        .prefetch_related("actions")
    )
    # Asking for a status (even "duplicate") lists ideas of that status only.
    ideas = listed_ideas(ideas, user, process.city,
                         duplicates=bool(status) or include_duplicates)
    if status:
        ideas = ideas.filter(status=status)
    if category:
        ideas = ideas.filter(category=category)
    if kind:
        ideas = ideas.filter(kind=kind)
    if area:
        ideas = ideas.filter(Q(area__code=area) | Q(area__parent__code=area))
    if search:
        ideas = ideas.filter(Q(title__icontains=search) | Q(body__icontains=search))
    # The ranking is computed and sorted by the database (engines.ranking defines the scores;
    # _fair_score and _trend below are the same formulas as expressions). Each score is rounded
    # (as the engine's order was) so that two equal scores reached along different float paths
    # still tie; ties fall back to more votes, then newer, then the lower number.
    ideas = ideas.annotate(exposure=_exposure(process))
    ideas = ideas.annotate(trend=Round(_trend(process, timezone.now()), 9),
                           fair_score=Round(_fair_score(), 12))
    then = ("-vote_count", "-created_at", "pk")
    order = {
        "most_requested": then,
        "newest": ("-created_at", "pk"),
        "trending": ("-trend", *then),
        "fair": ("-fair_score", *then),
    }[sort]
    return list(ideas.order_by(*order))


class _AgeSeconds(Func):
    """Seconds from a datetime column to a given instant, exactly as Python's
    ``(now - when).total_seconds()``: whole microseconds divided by a million."""

    output_field = FloatField()
    arity = 2

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django's own SQLite function behind datetime subtraction: the difference in
        # microseconds (julianday() would keep only milliseconds).
        return self.as_sql(compiler, connection,
                           template="(django_timestamp_diff(%(expressions)s) / 1000000.0)",
                           **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, arg_joiner=" - ",
                           template="EXTRACT(EPOCH FROM (%(expressions)s))::double precision",
                           **extra)


def _exposure(process: Process) -> Coalesce:
    """Distinct accounts that voted on anything in the process after the idea appeared: the
    people who had the chance to support it (engines.ranking)."""
    exposure = (
        Vote.objects.filter(process=process, created_at__gte=OuterRef("created_at"))
        .order_by()
        .values("process")
        .annotate(n=Count("user", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(exposure), 0)


def _trend(process: Process, now: dt.datetime) -> Coalesce:
    """``ranking.decayed_votes`` of the idea's votes of the last TREND_WINDOW: each vote counts
    exp(-ln 2 × age / half-life)."""
    rate = math.log(2) / (ranking.TREND_HALF_LIFE_HOURS * 3600.0)
    age = Greatest(_AgeSeconds(Value(now, output_field=DateTimeField()), F("created_at")),
                   Value(0.0))
    weights = (
        Vote.objects.filter(idea=OuterRef("pk"), created_at__gte=now - TREND_WINDOW)
        .order_by()
        .values("idea")
        .annotate(total=Sum(Exp(Value(-rate) * age), output_field=FloatField()))
        .values("total")
    )
    return Coalesce(Subquery(weights, output_field=FloatField()), Value(0.0))


def _fair_score() -> Case:
    """``ranking.fair_score`` of the annotated ``exposure``: the Wilson lower bound of the votes
    out of max(exposure, votes), term by term in the engine's order, so both give the same
    floats."""
    votes = F("vote_count")
    trials = Cast(Greatest(F("exposure"), votes), FloatField())
    z = Value(ranking.Z95)
    z2 = Value(ranking.Z95 * ranking.Z95)
    p = Cast(votes, FloatField()) / trials
    centre = p + z2 / (Value(2.0) * trials)
    spread = z * Sqrt(p * (Value(1.0) - p) / trials
                      + z2 / (Value(4.0) * trials * trials))
    denominator = Value(1.0) + z2 / trials
    lower = Greatest((centre - spread) / denominator, Value(0.0))
    return Case(When(Q(vote_count__gt=0) | Q(exposure__gt=0), then=lower),
                default=Value(0.0), output_field=FloatField())


def idea_feature(idea: Idea) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": idea.pk,
        "geometry": {"type": "Point", "coordinates": [idea.longitude, idea.latitude]},
        "properties": {
            "id": idea.pk,
            "name": idea.title,
            "code": str(idea.pk),
            "status": idea.status,
            "votes": idea.vote_count,
            "url": idea.get_absolute_url(),
        },
    }


def comment_tree(idea: Idea, user: Any = None) -> list[dict[str, Any]]:
    """Comments as nested ``{"comment", "replies"}``; a hidden comment keeps its place in the
    thread (so replies make sense) but its text is shown only to moderators."""
    moderator = is_moderator(user, idea.process.city)
    comments = list(Comment.objects.filter(idea=idea).select_related("author").order_by(
        "created_at", "pk"))
    children: dict[int | None, list[Comment]] = defaultdict(list)
    for comment in comments:
        children[comment.parent_id].append(comment)

    def build(parent: int | None, depth: int) -> list[dict[str, Any]]:
        return [
            {
                "comment": c,
                "show_text": not c.is_hidden or moderator,
                "depth": depth,
                "replies": build(c.pk, depth + 1),
            }
            for c in children.get(parent, [])
        ]

    return build(None, 0)


def history(idea: Idea) -> QuerySet[ModerationEvent]:
    return ModerationEvent.objects.filter(idea=idea).select_related("actor").order_by(
        "created_at", "pk")


def has_voted(idea: Idea, user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Vote.objects.filter(idea=idea, user=user).exists()


def voted_ids(process: Process, user: Any) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(Vote.objects.filter(process=process, user=user).values_list("idea_id", flat=True))


def votes_left(process: Process, user: Any) -> int | None:
    if not process.vote_cap:
        return None
    if not getattr(user, "is_authenticated", False):
        return process.vote_cap
    return max(0, process.vote_cap - Vote.objects.filter(process=process, user=user).count())


def is_following(user: Any, *, idea: Idea | None = None, process: Process | None = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Follow.objects.filter(user=user, idea=idea, process=process).exists()


def moderation_queue(city: City) -> dict[str, Any]:
    """What needs a moderator: new ideas, open reports, and ideas past the support threshold
    that the city has not answered yet."""
    ideas = (
        Idea.objects.filter(process__city=city)
        .select_related("process__city", "author")
        .defer("process__city__boundary")
    )
    open_reports = (
        Report.objects.filter(resolved_at__isnull=True)
        .filter(Q(idea__process__city=city) | Q(comment__idea__process__city=city))
        .select_related("idea__process__city", "comment__idea__process__city", "reporter")
        .defer("idea__process__city__boundary", "comment__idea__process__city__boundary")
        .order_by("created_at")
    )
    reports = list(open_reports)
    for r in reports:
        r.target_idea = r.idea or r.comment.idea  # type: ignore[attr-defined,union-attr]
    return {
        "new": list(ideas.filter(status=IdeaStatus.NEW, is_hidden=False).order_by("created_at")),
        "reports": reports,
        "answer_due": list(
            ideas.filter(threshold_reached_at__isnull=False, answered_at__isnull=True)
            .exclude(status=IdeaStatus.DUPLICATE)
            .order_by("threshold_reached_at")
        ),
        "hidden": list(ideas.filter(is_hidden=True).order_by("-updated_at")[:50]),
        "recent_events": list(
            ModerationEvent.objects.filter(city=city)
            .select_related("actor", "idea__process__city")
            .defer("idea__process__city__boundary")
            .order_by("-created_at", "-pk")[:30]
        ),
    }


def notifications(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    notes = Notification.objects.filter(user=user)
    if unread_only:
        notes = notes.filter(read_at__isnull=True)
    return notes.order_by("-created_at", "-pk")


def workshops(city: City, user: Any = None) -> QuerySet[Workshop]:
    result = city.workshops.select_related("process__city").defer("process__city__boundary")
    if not may_see_private(user, city):
        result = result.filter(is_published=True, process__is_published=True)
    return result.annotate(
        confirmed=Count("registrations", filter=Q(registrations__status="confirmed"))
    ).order_by("-starts_at")


def get_workshop(city: City, workshop_id: int, user: Any = None) -> Workshop:
    workshop = workshops(city, user).filter(pk=workshop_id).first()
    if workshop is None:
        raise Http404(_("No workshop %(workshop_id)s in %(city)s.")
                      % {"workshop_id": workshop_id, "city": city.name})
    return workshop


def workshop_places(workshop: Workshop, user: Any = None) -> dict[str, Any]:
    regs = Registration.objects.filter(workshop=workshop)
    confirmed = regs.filter(status=Registration.Status.CONFIRMED).count()
    waiting = regs.filter(status=Registration.Status.WAITING).count()
    mine = None
    position = None
    if getattr(user, "is_authenticated", False):
        mine = regs.filter(user=user).first()
        if mine is not None and mine.status == Registration.Status.WAITING:
            position = (
                regs.filter(status=Registration.Status.WAITING)
                .filter(Q(created_at__lt=mine.created_at)
                        | Q(created_at=mine.created_at, pk__lt=mine.pk))
                .count() + 1
            )
    return {
        "capacity": workshop.capacity,
        "confirmed": confirmed,
        "waiting": waiting,
        "free": max(0, workshop.capacity - confirmed),
        "mine": mine,
        "waiting_position": position,
    }


def studies(city: City, user: Any = None) -> QuerySet[Study]:
    result = city.studies.all()
    if not may_see_private(user, city):
        result = result.filter(is_published=True)
    return result.order_by("-opens")


def get_study(city: City, study_id: int, user: Any = None) -> Study:
    study = studies(city, user).filter(pk=study_id).first()
    if study is None:
        raise Http404(_("No study %(study_id)s in %(city)s.")
                      % {"study_id": study_id, "city": city.name})
    return study


def study_results(study: Study) -> dict[str, Any]:
    """What the city reads: for concepts, the rating distribution and comments; for usability,
    per-task completion (with Wilson interval) and times, and the SUS summary."""
    if study.kind == Study.Kind.CONCEPT:
        responses = list(ConceptResponse.objects.filter(study=study).order_by("created_at"))
        ratings = [r.rating for r in responses]
        distribution = [
            {"rating": value, "count": ratings.count(value)} for value in range(1, 6)
        ]
        return {
            "kind": study.kind,
            "responses": len(responses),
            "mean_rating": statistics.fmean(ratings) if ratings else None,
            "median_rating": statistics.median(ratings) if ratings else None,
            "distribution": distribution,
            "comments": [r.comment for r in responses if r.comment],
        }
    sessions = list(UsabilitySession.objects.filter(study=study))
    summary = sus.summarise([s.sus_score for s in sessions])
    by_task: dict[int, list[tuple[bool, float]]] = defaultdict(list)
    for task_id, ok, seconds in TaskResult.objects.filter(session__study=study).values_list(
        "task_id", "success", "seconds"
    ):
        by_task[task_id].append((ok, seconds))
    tasks = []
    for task in study.tasks.all():
        s = sus.summarise_task(by_task.get(task.pk, []))
        tasks.append({"task": task, "order": task.order, "description": task.description,
                      "summary": s})
    return {
        "kind": study.kind,
        "sessions": len(sessions),
        "sus": summary,
        "sus_benchmark": sus.AVERAGE_BENCHMARK,
        "tasks": tasks,
        "comments": [s.comment for s in sessions if s.comment],
    }
