from __future__ import annotations

from typing import Any

from urbis.engagement import demo, queries
from urbis.engagement.models import Idea, ModerationEvent, Study, Vote, Workshop


def _counts() -> tuple[int, ...]:
    return (Idea.objects.count(), Vote.objects.count(), ModerationEvent.objects.count(),
            Workshop.objects.count(), Study.objects.count())


def test_demo_loads_once_and_is_idempotent(barcelona: Any, paris: Any) -> None:
    for _label, step in demo.steps():
        step()
    first = _counts()
    for _label, step in demo.steps():
        step()
    assert _counts() == first
    assert Idea.objects.filter(status="implemented").exists()
    assert Idea.objects.exclude(official_answer="").exists()
    assert Idea.objects.filter(status="duplicate", duplicate_of__isnull=False).exists()
    for idea in Idea.objects.all():
        assert idea.vote_count == idea.votes.count()
    assert any(w.is_past and w.outcomes.exists() for w in Workshop.objects.all())
    usability = Study.objects.get(kind="usability", city=barcelona)
    results = queries.study_results(usability)
    assert results["sessions"] == 12 and 0 <= results["sus"].mean <= 100


def test_demo_links_ideas_to_the_best_matching_action(barcelona: Any, paris: Any) -> None:
    from urbis.strategy.models import Action, Strategy

    strategy = Strategy.objects.create(city=barcelona, slug="pla-clima", title="Pla Clima",
                                       start_year=2018, end_year=2030)
    Action.objects.create(strategy=strategy, title="Barcelona Energia, comercialitzadora "
                          "pública", order=1)
    solar = Action.objects.create(strategy=strategy, title="Plaques solars a les cobertes "
                                  "municipals", order=2)
    for _label, step in demo.steps():
        step()
    idea = Idea.objects.get(title="Plaques solars a les cobertes de les escoles")
    assert list(idea.actions.all()) == [solar]
    assert not Idea.objects.get(title="Mapa de les cobertes amb potencial solar").actions.exists()
