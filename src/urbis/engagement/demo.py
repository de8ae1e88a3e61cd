"""Demo content for engagement: open processes with ideas, votes and comments, answered and
implemented ideas linked to the strategy's actions, a past workshop and a usability study with
results, in Barcelona (Catalan) and Paris (French).

The texts are realistic examples written for the demo; every count (votes, sessions, ratings,
task times, SUS answers) is illustrative and generated from a fixed seed — see docs/DATA.md,
"Engagement demo". Loading writes through the ORM rather than the services so that it can place
votes in the past and does not send e-mail; running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from urbis.engagement import history
from urbis.engagement.models import (
    Comment,
    ConceptResponse,
    Follow,
    Idea,
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

PARTICIPANTS = 40


@dataclass
class DemoIdea:
    title: str
    body: str
    category: str
    kind: str = "proposal"
    area: str | None = None
    status: str = IdeaStatus.NEW
    reason: str = ""
    answer: str = ""
    votes: int = 0
    days_ago: int = 5
    comments: list[str] = field(default_factory=list)
    action_words: tuple[str, ...] = ()
    duplicate_of: str | None = None


@dataclass
class DemoProcess:
    slug: str
    title: str
    theme: str
    description: str
    starts_days_ago: int
    collecting_days: int
    voting_starts_day: int
    voting_days: int
    review_days: int
    ideas: list[DemoIdea]
    vote_cap: int | None = None
    support_threshold: int | None = None


BARCELONA = [
    DemoProcess(
        slug="barris-en-transicio",
        title="Barris en transició energètica",
        theme="Energia i clima",
        description=(
            "Proposeu com fer que el vostre barri produeixi i estalviï més energia. "
            "L'Ajuntament respondrà totes les propostes que arribin a 15 suports."
        ),
        starts_days_ago=30, collecting_days=50, voting_starts_day=10, voting_days=60,
        review_days=90, vote_cap=5, support_threshold=15,
        ideas=[
            DemoIdea(
                "Plaques solars a les cobertes de les escoles",
                "Les escoles públiques tenen cobertes planes i assolellades. Proposem "
                "instal·lar-hi **plaques fotovoltaiques** i compartir l'excedent amb els veïns "
                "a través d'una comunitat energètica.",
                "energy", area="B68", status=IdeaStatus.ACCEPTED, votes=24, days_ago=28,
                answer="L'Agència d'Energia estudiarà les cobertes de les escoles del districte "
                "dins de la mesura municipal de generació solar als equipaments.",
                comments=["A l'escola del meu fill hi ha espai de sobres.",
                          "Cal pensar també en el manteniment."],
                action_words=("solar", "fotovolt", "renovable", "energia"),
            ),
            DemoIdea(
                "Panells fotovoltaics a les escoles públiques",
                "Posar panells solars a totes les escoles públiques de la ciutat.",
                "energy", votes=4, days_ago=20, duplicate_of="Plaques solars a les cobertes de "
                "les escoles",
            ),
            DemoIdea(
                "Comunitat energètica al Besòs i el Maresme",
                "Una comunitat energètica de barri, amb l'associació de veïns com a promotora, "
                "per abaratir la factura de les famílies vulnerables.",
                "energy", area="B70", status=IdeaStatus.UNDER_REVIEW, votes=17, days_ago=21,
                comments=["Molt necessari amb els preus actuals."],
            ),
            DemoIdea(
                "Més arbres al carrer de Pujades",
                "A l'estiu el carrer és un forn. Demanem arbres d'ombra a banda i banda.",
                "green", area="B68", votes=12, days_ago=15,
                comments=["I bancs a l'ombra, si us plau."],
            ),
            DemoIdea(
                "Mapa de les cobertes amb potencial solar",
                "Una capa al mapa de la plataforma que mostri quines cobertes del meu barri "
                "tenen més potencial solar.",
                "digital", kind="feature", votes=9, days_ago=6,
            ),
            DemoIdea(
                "Refugis climàtics oberts els caps de setmana",
                "Les biblioteques que fan de refugi climàtic tanquen els diumenges d'agost.",
                "public_space", area="B01", votes=7, days_ago=3,
            ),
            DemoIdea(
                "Fanals apagats al passatge del mercat",
                "Fa tres setmanes que els fanals del passatge no s'encenen.",
                "public_space", kind="problem", area="B10", status=IdeaStatus.IN_PROGRESS,
                votes=3, days_ago=9,
                answer="S'ha obert una incidència amb el servei d'enllumenat.",
            ),
            DemoIdea(
                "Prohibir tots els cotxes a tota la ciutat des de demà",
                "Cap cotxe a Barcelona a partir de demà.",
                "mobility", status=IdeaStatus.REJECTED, votes=2, days_ago=12,
                reason="Una prohibició immediata i general no és competència municipal ni és "
                "viable; les zones de baixes emissions i les superilles ja avancen en aquesta "
                "direcció.",
            ),
        ],
    ),
    DemoProcess(
        slug="pressupostos-clima-2024",
        title="Pressupostos participatius: clima 2024",
        theme="Clima",
        description="Procés tancat: les propostes guanyadores ja s'estan executant.",
        starts_days_ago=400, collecting_days=40, voting_starts_day=40, voting_days=30,
        review_days=200,
        ideas=[
            DemoIdea(
                "Carril bici protegit a la Meridiana",
                "Un carril bici segregat i continu a tota l'avinguda Meridiana.",
                "mobility", area="B63", status=IdeaStatus.IMPLEMENTED, votes=31, days_ago=390,
                answer="Executat: el carril bici protegit de la Meridiana es va obrir per trams.",
                action_words=("bici", "mobilitat", "bicycle", "cycl"),
            ),
            DemoIdea(
                "Aparcaments segurs per a bicicletes a les estacions",
                "Aparcaments tancats per a bicicletes a les estacions de Rodalies i metro.",
                "mobility", area="B61", status=IdeaStatus.IMPLEMENTED, votes=22, days_ago=380,
                answer="Se n'han instal·lat a sis estacions.",
                action_words=("bici", "mobilitat", "bicycle", "cycl"),
            ),
        ],
    ),
]

PARIS = [
    DemoProcess(
        slug="paris-respire",
        title="Paris respire : vos idées pour le Plan Climat",
        theme="Climat et qualité de l'air",
        description=(
            "Proposez des idées pour votre quartier. La Ville répond à chaque idée qui "
            "recueille 10 soutiens."
        ),
        starts_days_ago=20, collecting_days=40, voting_starts_day=5, voting_days=50,
        review_days=80, support_threshold=10,
        ideas=[
            DemoIdea(
                "Rue aux écoles devant chaque école élémentaire",
                "Fermer à la circulation les rues devant les écoles aux heures d'entrée et de "
                "sortie, et les végétaliser.",
                "mobility", area="7511101", status=IdeaStatus.ACCEPTED, votes=19, days_ago=18,
                answer="La Ville généralise les rues aux écoles ; cette idée rejoint l'action "
                "correspondante du Plan Climat.",
                comments=["Enfin ! Devant l'école de ma fille c'est dangereux.",
                          "Et des bancs pour les parents."],
                action_words=("école", "rue", "mobilit", "végétal"),
            ),
            DemoIdea(
                "Panneaux solaires sur les toits des gymnases",
                "Les gymnases municipaux ont de grands toits plats : couvrons-les de panneaux "
                "solaires.",
                "energy", area="7511903", status=IdeaStatus.UNDER_REVIEW, votes=11, days_ago=14,
                action_words=("solaire", "photovolt", "renouvel", "énergie"),
            ),
            DemoIdea(
                "Îlots de fraîcheur dans les cours d'immeubles",
                "Aider les copropriétés à désimperméabiliser et planter leurs cours.",
                "green", area="7511804", votes=8, days_ago=9,
                comments=["Une aide technique serait plus utile qu'une subvention."],
            ),
            DemoIdea(
                "Afficher la consommation d'énergie des bâtiments publics",
                "Un tableau de bord public, bâtiment par bâtiment, mis à jour chaque mois.",
                "digital", kind="feature", votes=6, days_ago=4,
            ),
        ],
    ),
]


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


def _load_process(city: City, spec: DemoProcess, seed: int) -> None:
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
            def score(action: Any, words: tuple[str, ...] = item.action_words) -> int:
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


def _barcelona() -> None:
    city = City.objects.filter(code="barcelona").first()
    if city is None:
        return
    with transaction.atomic():
        for n, spec in enumerate(BARCELONA):
            _load_process(city, spec, seed=100 + n)
        _load_workshop(
            city, "barris-en-transicio", "Taller: la comunitat energètica del meu barri",
            "Casal de barri del Besòs, Barcelona",
            "1. Benvinguda\n2. Què és una comunitat energètica?\n3. Treball en grups per "
            "carrers\n4. Posada en comú",
            [("Cobertes compartides entre escales veïnes", "energy",
              "El grup proposa posar en comú les cobertes de diverses escales per fer una "
              "instal·lació més gran i més barata."),
             ("Punt d'informació energètica al mercat", "energy",
              "Una taula fixa al mercat on l'Agència d'Energia atengui els veïns un dia a la "
              "setmana.")],
        )
        _load_usability(
            city, "Prova d'usabilitat: el mapa d'energia del barri",
            "Dotze veïns van provar el mapa d'energia amb tres tasques i van respondre "
            "l'escala d'usabilitat del sistema (SUS).",
            ["Trobeu el vostre barri al mapa", "Compareu el consum de dos districtes",
             "Descarregueu les dades en CSV"],
            seed=7,
        )


def _paris() -> None:
    city = City.objects.filter(code="paris").first()
    if city is None:
        return
    with transaction.atomic():
        for n, spec in enumerate(PARIS):
            _load_process(city, spec, seed=200 + n)
        _load_workshop(
            city, "paris-respire", "Atelier : rues aux écoles et îlots de fraîcheur",
            "Mairie du 11e arrondissement, Paris",
            "1. Accueil\n2. Diagnostic en marchant\n3. Ateliers par école\n4. Restitution",
            [("Végétaliser la rue devant l'école Parmentier", "green",
              "Les participants proposent des bacs plantés et un sol perméable devant "
              "l'école.")],
        )
        _load_concept(
            city, "Concept : abribus ombragés et végétalisés",
            "Esquisse d'un abribus avec toiture végétalisée et ombrage. Donnez une note de 1 à "
            "5 et un commentaire.",
            seed=11,
            comments=["Bonne idée pour l'été.", "Attention à l'entretien des plantes.",
                      "Il faut garder de la visibilité pour la sécurité."],
        )


def _links() -> None:
    with transaction.atomic():
        _link_actions("barcelona", BARCELONA)
        _link_actions("paris", PARIS)


def steps() -> list[tuple[str, Callable[[], Any]]]:
    return [
        ("engagement: Barcelona processes, workshop, study", _barcelona),
        ("engagement: Paris processes, workshop, study", _paris),
        ("engagement: ideas linked to strategy actions", _links),
    ]
