"""The engagement demo's content lives in data files: what it stores stays exactly what it was
when the content was still Python code (a snapshot), and a broken file is refused with its name,
the record and the field, storing nothing (issue 16)."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from tests.demo_snapshots import (
    broken_copy,
    canonical_dump,
    check,
    load_strategy_demo,
    run_steps,
)
from urbis.engagement import demo
from urbis.engagement.models import Idea, Process, Study, Workshop
from urbis.strategy.demo import DemoDataError

pytestmark = pytest.mark.django_db

SNAPSHOT = Path(__file__).with_name("demo_snapshot.json")
ENGAGEMENT_MODELS = [
    "people.User", "people.Membership", "engagement.Process", "engagement.Idea", "engagement.Vote",
    "engagement.Comment", "engagement.Follow", "engagement.ModerationEvent",
    "engagement.Workshop", "engagement.Registration", "engagement.Study",
    "engagement.UsabilityTask", "engagement.UsabilitySession", "engagement.TaskResult",
    "engagement.ConceptResponse",
]
# Ids differ from run to run; a password hash is random.
RUN_DEPENDENT = {"engagement.ModerationEvent": ("details.into", "details.from",
                                                "details.action"),
                 "people.User": ("password",)}


def _relative_times() -> list[str]:
    """Every date of the demo is set relative to the load (9:00 today): compare the offsets."""
    now = demo._now()

    def hours(when: Any) -> float | None:
        return None if when is None else round((when - now).total_seconds() / 3600, 2)

    rows: list[dict[str, Any]] = []
    for p in Process.objects.all():
        rows.append({"process": p.slug, "times": [hours(t) for t in (
            p.collecting_starts, p.collecting_ends, p.voting_starts, p.voting_ends, p.closes)]})
    for i in Idea.objects.all():
        rows.append({"idea": i.title, "times": [hours(i.created_at), hours(i.answered_at),
                                                i.threshold_reached_at is not None]})
    for w in Workshop.objects.all():
        rows.append({"workshop": w.title, "times": [hours(w.starts_at), hours(w.ends_at)]})
    for s in Study.objects.all():
        rows.append({"study": s.title, "times": [hours(s.opens), hours(s.closes)]})
    return sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows)


def test_demo_stores_what_it_always_stored(barcelona: Any, paris: Any) -> None:
    load_strategy_demo()
    run_steps(demo.steps())
    dump = canonical_dump(ENGAGEMENT_MODELS, {
        "people.User": {"email__endswith": "@urbis.demo"},
        "people.Membership": {"user__email__endswith": "@urbis.demo"}})
    dump["relative_times"] = _relative_times()
    assert dump["engagement.Vote"] and dump["engagement.TaskResult"]
    check(dump, SNAPSHOT, RUN_DEPENDENT)


_broken_copy = partial(broken_copy, demo.DEMO_DATA)


def test_a_wrongly_typed_field_is_refused_naming_file_record_and_field(tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "paris.toml", "votes = 19", 'votes = "19"')
    with pytest.raises(DemoDataError) as refused:
        demo.steps(data)
    assert str(refused.value).startswith(
        f"{data / 'paris.toml'}: ideas[0] "
        "'Rue aux écoles devant chaque école élémentaire', field 'votes': "
        "Input should be a valid integer")
    assert not Process.objects.exists()


def test_a_status_the_model_does_not_know_is_refused(tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "barcelona.toml", 'status = "in_progress"',
                        'status = "ongoing"')
    with pytest.raises(DemoDataError, match=r"barcelona\.toml: processes\[0\]\.ideas\[6\] "
                                            r"'Fanals apagats al passatge del mercat', "
                                            r"field 'status': Input should be"):
        demo.steps(data)


def test_a_duplicate_of_an_unknown_idea_is_refused_before_anything_is_stored(
        barcelona: Any, paris: Any, tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "barcelona.toml",
                        'duplicate_of = "Plaques solars a les cobertes de les escoles"',
                        'duplicate_of = "Plaques solars"')
    with pytest.raises(DemoDataError) as refused:
        demo.steps(data)
    assert str(refused.value) == (
        f"{data / 'barcelona.toml'}: processes[0].ideas[1] 'Panells fotovoltaics a les escoles "
        "públiques', field 'duplicate_of': no idea titled 'Plaques solars' in this process")
    assert not Idea.objects.exists()


def test_a_workshop_of_an_unknown_process_is_refused_before_anything_is_stored(
        barcelona: Any, paris: Any, tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "paris.toml", 'process = "paris-respire"',
                        'process = "paris-respira"')
    with pytest.raises(DemoDataError) as refused:
        run_steps(demo.steps(data))
    assert str(refused.value) == (
        f"{data / 'paris.toml'}: workshops[0] 'Atelier : rues aux écoles et îlots de "
        "fraîcheur', field 'process': no process 'paris-respira' in this file")
    assert not Process.objects.exists() and not Workshop.objects.exists()
