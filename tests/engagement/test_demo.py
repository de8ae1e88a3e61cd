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
