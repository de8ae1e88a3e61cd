"""Demo content for engagement, read from the data files in ``demo_data/``: open processes
with ideas, votes and comments, answered and implemented ideas linked to the strategy's
actions, a past workshop and a usability or concept study with results, in Barcelona (Catalan)
and Paris (French).

The texts are realistic examples written for the demo; every count (votes, sessions, ratings,
task times, SUS answers) is illustrative and generated from the fixed seeds in the files — see
docs/DATA.md, "Engagement demo", and each file's ``[about]`` table. This module reads a file and
checks every record (a bad file is refused with its name, the record and the field, before
anything of it is stored). Loading writes through the ORM rather than the services so that it
can place votes in the past and does not send e-mail; running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pydantic
from django.db import transaction
from django.utils import timezone

from urbis.engagement import history
from urbis.engagement.models import (
    Category,
    Comment,
    ConceptResponse,
    Follow,
    Idea,
    IdeaKind,
    IdeaStatus,
    ModerationEvent,
    Process,
    Registration,
    Study,
    TaskResult,
    UsabilitySession,
    UsabilityTask,
    Vote,
    Workshop,
)
from urbis.engagement.text import render_markdown
from urbis.engines.survey import sus
from urbis.people.models import Role, User
from urbis.places.models import Area, City
from urbis.strategy.demo import About, DemoDataError, Record, read_data_file, refuse

Step = tuple[str, Callable[[], Any]]
DEMO_DATA = Path(__file__).with_name("demo_data")
CITIES = ("barcelona", "paris")
PARTICIPANTS = 40


# ---------------------------------------------------------------- what the files hold


class DemoIdea(Record):
    title: str
    body: str
    category: str
    kind: str = IdeaKind.PROPOSAL.value
    area: str | None = None
    status: str = IdeaStatus.NEW.value
    reason: str = ""
    answer: str = ""
    votes: int = pydantic.Field(0, ge=0)
    days_ago: int = 5
    comments: list[str] = []
    action_words: list[str] = []
    duplicate_of: str | None = None


class DemoProcess(Record):
    slug: str
    title: str
    theme: str
    description: str
    starts_days_ago: int
    collecting_days: int
    voting_starts_day: int
    voting_days: int
    review_days: int
    seed: int
    ideas: list[DemoIdea]
    vote_cap: int | None = None
    support_threshold: int | None = None


class Outcome(Record):
    title: str
    category: str
    body: str


class DemoWorkshop(Record):
    process: str
    title: str
    place: str
    agenda: str
    outcomes: list[Outcome] = []


class UsabilityData(Record):
    title: str
    description: str
    tasks: list[str] = pydantic.Field(min_length=1)
    seed: int


class ConceptData(Record):
    title: str
    description: str
    seed: int
    comments: list[str] = []


class CityFile(Record):
    about: About
    processes: list[DemoProcess]
    workshops: list[DemoWorkshop] = []
    usability_studies: list[UsabilityData] = []
    concept_studies: list[ConceptData] = []


def read_city(path: Path) -> CityFile:
    """The file read and checked: values the models know, links to ideas and processes of the
    file itself."""
    content = read_data_file(path, CityFile)
    known = {"category": Category.values, "kind": IdeaKind.values, "status": IdeaStatus.values}
    for i, process in enumerate(content.processes):
        titles = {idea.title for idea in process.ideas}
        for j, idea in enumerate(process.ideas):
            record = f"processes[{i}].ideas[{j}] {idea.title!r}"
            for field, values in known.items():
                if getattr(idea, field) not in values:
                    raise refuse(path, record, field,
                                 f"Input should be one of {', '.join(values)}")
            if idea.duplicate_of is not None and idea.duplicate_of not in titles - {idea.title}:
                raise refuse(path, record, "duplicate_of",
                             f"no idea titled {idea.duplicate_of!r} in this process")
    slugs = {process.slug for process in content.processes}
    for i, workshop in enumerate(content.workshops):
        record = f"workshops[{i}] {workshop.title!r}"
        if workshop.process not in slugs:
            raise refuse(path, record, "process",
                         f"no process {workshop.process!r} in this file")
        for outcome in workshop.outcomes:
            if outcome.category not in Category.values:
                raise refuse(path, record, "outcomes.category",
                             f"Input should be one of {', '.join(Category.values)}")
    return content


def _now() -> dt.datetime:
    return timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)


def _participants() -> list[User]:
    people = []
    for n in range(1, PARTICIPANTS + 1):
        email = f"participant{n:02d}@urbis.demo"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, None, display_name=f"Participant {n:02d}")
        people.append(user)
    return people


def _moderator(city: City) -> User:
    from urbis.people import services as people

    email = f"moderator.{city.code}@urbis.demo"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, None, display_name=f"Moderació {city.name}")
    people.grant_role(by=None, user=user, city=city, role=Role.MODERATOR)
    return user


def _point(area: Area | None) -> tuple[float | None, float | None]:
    if area is None or not area.centroid:
        return None, None
    lon, lat = area.centroid[0], area.centroid[1]
    return float(lat), float(lon)


def _load_process(city: City, spec: DemoProcess) -> None:
    seed = spec.seed
    if Process.objects.filter(city=city, slug=spec.slug).exists():
        Process.objects.filter(city=city, slug=spec.slug).update(is_illustrative=True)
        return
    rng = random.Random(seed)  # noqa: S311 - illustrative demo figures, not secrets
    now = _now()
    start = now - dt.timedelta(days=spec.starts_days_ago)
    process = Process.objects.create(
        city=city, slug=spec.slug, title=spec.title, theme=spec.theme,
        description=spec.description, description_html=render_markdown(spec.description),
        collecting_starts=start, collecting_ends=start + dt.timedelta(days=spec.collecting_days),
        voting_starts=start + dt.timedelta(days=spec.voting_starts_day),
        voting_ends=start + dt.timedelta(days=spec.voting_starts_day + spec.voting_days),
        closes=start + dt.timedelta(days=spec.review_days), vote_cap=spec.vote_cap,
        support_threshold=spec.support_threshold, is_illustrative=True,
    )
    people = _participants()
    moderator = _moderator(city)
    ideas: dict[str, Idea] = {}
    for n, item in enumerate(spec.ideas):
        area = Area.objects.filter(city=city, code=item.area).first() if item.area else None
        lat, lon = _point(area)
        created = now - dt.timedelta(days=item.days_ago, hours=n)
        author = people[(seed + n * 7) % len(people)]
        idea = Idea.objects.create(
            process=process, kind=item.kind, title=item.title, body=item.body,
            body_html=render_markdown(item.body), category=item.category, area=area,
            latitude=lat, longitude=lon, author=author, created_at=created,
        )
        Follow.objects.get_or_create(user=author, idea=idea)
        ideas[item.title] = idea
        voters = rng.sample([p for p in people if p != author], min(item.votes, len(people) - 1))
        span = max(1.0, (now - created).total_seconds())
        Vote.objects.bulk_create([
            Vote(idea=idea, process=process, user=v,
                 created_at=created + dt.timedelta(seconds=rng.uniform(0, span)))
            for v in voters
        ])
        for k, text in enumerate(item.comments):
            Comment.objects.create(
                idea=idea, author=people[(seed + n * 7 + k + 3) % len(people)], body=text,
                body_html=render_markdown(text), created_at=created + dt.timedelta(hours=k + 2),
            )
        _curate(idea, item, moderator, created)
    for item in spec.ideas:
        if item.duplicate_of:
            _merge(ideas[item.title], ideas[item.duplicate_of], moderator)
    for idea in ideas.values():
        total = Vote.objects.filter(idea=idea).count()
        reached = None
        if spec.support_threshold and total >= spec.support_threshold:
            reached = now - dt.timedelta(days=1)
        Idea.objects.filter(pk=idea.pk).update(vote_count=total, threshold_reached_at=reached)


def _event(idea: Idea, actor: User, kind: str, details: dict[str, Any],
           when: dt.datetime) -> None:
    ModerationEvent.objects.create(
        city=idea.process.city, idea=idea, actor=actor, kind=kind, details=details,
        created_at=when,
    )


def _curate(idea: Idea, item: DemoIdea, moderator: User, created: dt.datetime) -> None:
    when = created + dt.timedelta(days=1)
    path = {
        IdeaStatus.UNDER_REVIEW: [IdeaStatus.UNDER_REVIEW],
        IdeaStatus.ACCEPTED: [IdeaStatus.UNDER_REVIEW, IdeaStatus.ACCEPTED],
        IdeaStatus.IN_PROGRESS: [IdeaStatus.UNDER_REVIEW, IdeaStatus.IN_PROGRESS],
        IdeaStatus.IMPLEMENTED: [IdeaStatus.UNDER_REVIEW, IdeaStatus.ACCEPTED,
                                 IdeaStatus.IN_PROGRESS, IdeaStatus.IMPLEMENTED],
        IdeaStatus.REJECTED: [IdeaStatus.UNDER_REVIEW, IdeaStatus.REJECTED],
    }.get(IdeaStatus(item.status), [])
    previous = IdeaStatus.NEW
    for step, status in enumerate(path):
        at = when + dt.timedelta(days=step * 3)
        reason = item.reason if status == IdeaStatus.REJECTED else ""
        _event(idea, moderator, ModerationEvent.Kind.STATUS,
               history.status_changed(previous.value, status.value, reason), at)
        previous = status
    if item.answer:
        at = when + dt.timedelta(days=len(path) * 3)
        _event(idea, moderator, ModerationEvent.Kind.ANSWER,
               history.answered(item.answer, first=True), at)
        Idea.objects.filter(pk=idea.pk).update(
            official_answer=item.answer, official_answer_html=render_markdown(item.answer),
            answered_at=at,
        )
    Idea.objects.filter(pk=idea.pk).update(status=item.status, status_reason=item.reason)


def _merge(duplicate: Idea, target: Idea, moderator: User) -> None:
    already = Vote.objects.filter(idea=target, user__isnull=False).values("user")
    dropped = Vote.objects.filter(idea=duplicate, user__in=already).delete()[0]
    moved = Vote.objects.filter(idea=duplicate).update(idea=target)
    Idea.objects.filter(pk=duplicate.pk).update(status=IdeaStatus.DUPLICATE,
                                                duplicate_of=target)
    when = duplicate.created_at + dt.timedelta(days=2)
    # The same record as services.merge_ideas writes.
    _event(duplicate, moderator, ModerationEvent.Kind.MERGE,
           history.merged_into(target.pk, target.title, moved, dropped), when)
    _event(target, moderator, ModerationEvent.Kind.MERGE,
           history.merged_in(duplicate.pk, duplicate.title, moved, dropped), when)


def _link_actions(city_code: str, specs: list[DemoProcess]) -> None:
    """Link accepted and implemented demo ideas to the strategy's actions whose titles share a
    word with the idea; nothing happens if the strategy demo has no actions."""
    try:
        from urbis.strategy.models import Action
    except ImportError:
        return
    actions = list(Action.objects.filter(strategy__city__code=city_code).order_by("order", "pk"))
    if not actions:
        return
    for spec in specs:
        for item in spec.ideas:
            if not item.action_words or item.status not in (
                IdeaStatus.ACCEPTED, IdeaStatus.IN_PROGRESS, IdeaStatus.IMPLEMENTED
            ):
                continue
            idea = Idea.objects.filter(process__city__code=city_code, process__slug=spec.slug,
                                       title=item.title).first()
            if idea is None or idea.actions.exists():
                continue
            # The best match: earlier keywords are the more specific ones and weigh more.
            def score(action: Any, words: tuple[str, ...] = tuple(item.action_words)) -> int:
                text = f"{action.title} {getattr(action, 'description', '')}".lower()
                return sum(len(words) - i for i, w in enumerate(words) if w in text)

            match = max(actions, key=score)
            if score(match) == 0:
                continue
            idea.actions.add(match)
            ModerationEvent.objects.create(
                city=idea.process.city, idea=idea, actor=None, kind=ModerationEvent.Kind.LINK,
                details=history.linked(match.pk, str(match), unlink=False),
            )


def _load_workshop(city: City, process_slug: str, title: str, place: str, agenda: str,
                   outcomes: list[tuple[str, str, str]]) -> None:
    process = Process.objects.filter(city=city, slug=process_slug).first()
    if process is None or Workshop.objects.filter(city=city, title=title).exists():
        return
    now = _now()
    starts = now - dt.timedelta(days=8, hours=-9)
    workshop = Workshop.objects.create(
        city=city, process=process, title=title, agenda=agenda, agenda_html=render_markdown(agenda),
        starts_at=starts, ends_at=starts + dt.timedelta(hours=2, minutes=30), place=place,
        capacity=20, outcome_summary="",
    )
    people = _participants()
    for n, person in enumerate(people[:24]):
        Registration.objects.create(
            workshop=workshop, user=person,
            status=Registration.Status.CONFIRMED if n < 20 else Registration.Status.WAITING,
            created_at=starts - dt.timedelta(days=14, hours=-n),
        )
    for n, (idea_title, category, body) in enumerate(outcomes):
        Idea.objects.create(
            process=process, workshop=workshop, title=idea_title, body=body,
            body_html=render_markdown(body), category=category, author=_moderator(city),
            created_at=starts + dt.timedelta(hours=3, minutes=n),
        )


def _load_usability(city: City, title: str, description: str, tasks: list[str],
                    seed: int) -> None:
    if Study.objects.filter(city=city, title=title).exists():
        return
    rng = random.Random(seed)  # noqa: S311 - illustrative demo figures
    now = _now()
    study = Study.objects.create(
        city=city, kind=Study.Kind.USABILITY, title=title, description=description,
        description_html=render_markdown(description), opens=now - dt.timedelta(days=30),
        closes=now + dt.timedelta(days=15),
    )
    task_rows = [UsabilityTask.objects.create(study=study, order=n, description=t)
                 for n, t in enumerate(tasks, start=1)]
    for participant in _participants()[:12]:
        # Illustrative answers: mostly agreeing with the positive (odd) statements.
        answers = [
            min(5, max(1, (4 if n % 2 else 2) + rng.choice([-1, 0, 0, 1])))
            for n in range(1, 11)
        ]
        session = UsabilitySession.objects.create(
            study=study, participant=participant, sus_answers=answers,
            sus_score=sus.score(answers),
            created_at=now - dt.timedelta(days=rng.randint(1, 25)),
        )
        for n, task in enumerate(task_rows):
            TaskResult.objects.create(
                session=session, task=task, success=rng.random() < (0.9 - 0.15 * n),
                seconds=round(rng.uniform(20, 60) * (1 + n), 1),
            )


def _load_concept(city: City, title: str, description: str, seed: int,
                  comments: list[str]) -> None:
    if Study.objects.filter(city=city, title=title).exists():
        return
    rng = random.Random(seed)  # noqa: S311 - illustrative demo figures
    now = _now()
    study = Study.objects.create(
        city=city, kind=Study.Kind.CONCEPT, title=title, description=description,
        description_html=render_markdown(description), opens=now - dt.timedelta(days=10),
        closes=now + dt.timedelta(days=20),
    )
    for n, participant in enumerate(_participants()[5:20]):
        ConceptResponse.objects.create(
            study=study, participant=participant, rating=rng.choice([2, 3, 4, 4, 5, 5]),
            comment=comments[n] if n < len(comments) else "",
        )


def load_city(code: str, content: CityFile) -> None:
    city = City.objects.filter(code=code).first()
    if city is None:
        return
    with transaction.atomic():
        for spec in content.processes:
            _load_process(city, spec)
        for workshop in content.workshops:
            _load_workshop(city, workshop.process, workshop.title, workshop.place,
                           workshop.agenda,
                           [(o.title, o.category, o.body) for o in workshop.outcomes])
        for usability in content.usability_studies:
            _load_usability(city, usability.title, usability.description, usability.tasks,
                            seed=usability.seed)
        for concept in content.concept_studies:
            _load_concept(city, concept.title, concept.description, seed=concept.seed,
                          comments=concept.comments)


def _links(files: dict[str, CityFile]) -> None:
    with transaction.atomic():
        for code, content in files.items():
            _link_actions(code, content.processes)


def steps(data: Path = DEMO_DATA) -> list[Step]:
    """The demo steps; every file is read and checked here, before any step stores anything."""
    files = {code: read_city(data / f"{code}.toml") for code in CITIES}
    return [
        ("engagement: Barcelona processes, workshop, study",
         partial(load_city, "barcelona", files["barcelona"])),
        ("engagement: Paris processes, workshop, study",
         partial(load_city, "paris", files["paris"])),
        ("engagement: ideas linked to strategy actions", partial(_links, files)),
    ]


__all__ = ["DemoDataError", "steps"]
