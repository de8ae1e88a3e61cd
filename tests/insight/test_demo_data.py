"""The insight demo's content lives in data files: what it stores stays exactly what it was
when the content was still Python code (a snapshot), and a broken file is refused with its name,
the record and the field, storing nothing (issue 16)."""

from __future__ import annotations

import hashlib
import json
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from tests.demo_snapshots import broken_copy, canonical_dump, check, run_steps
from urbis.insight import demo
from urbis.insight.models import CaseStudy, LivingLab, Pilot, Survey
from urbis.strategy.demo import DemoDataError

pytestmark = pytest.mark.django_db

SNAPSHOT = Path(__file__).with_name("demo_snapshot.json")
INSIGHT_MODELS = [
    "insight.PopulationMargin", "insight.Survey", "insight.SurveyItem", "insight.Response",
    "insight.Answer", "insight.CaseStudy", "insight.LivingLab", "insight.HackDay",
    "insight.HackDayInitiative", "insight.Pilot", "insight.Replication", "insight.Partnership",
]


def _digest(rows: list[str]) -> list[str]:
    """1,200 simulated respondents and their 13,200 answers: compared by count and digest."""
    digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return [json.dumps({"rows": len(rows), "sha256": digest}, sort_keys=True)]


def test_demo_stores_what_it_always_stored(barcelona: Any, paris: Any) -> None:
    run_steps(demo.steps())
    dump = canonical_dump(INSIGHT_MODELS)
    assert dump["insight.Response"] and dump["insight.CaseStudy"] and dump["insight.HackDay"]
    for label in ("insight.Response", "insight.Answer"):
        dump[label] = _digest(dump[label])
    check(dump, SNAPSHOT)


_broken_copy = partial(broken_copy, demo.DEMO_DATA)


def test_a_wrongly_typed_field_is_refused_naming_file_record_and_field(tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "practices.toml", "held_on = 2026-03-14",
                        'held_on = "14 March 2026"')
    with pytest.raises(DemoDataError) as refused:
        demo.steps(data)
    assert str(refused.value).startswith(
        f"{data / 'practices.toml'}: hack_days[0] 'energy-data-hack', field 'held_on': "
        "Input should be a valid date")
    assert not CaseStudy.objects.exists() and not Survey.objects.exists()


def test_age_shares_that_do_not_add_up_are_refused(tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "survey.toml", '"65+" = 0.21', '"65+" = 0.31')
    with pytest.raises(DemoDataError, match=r"survey\.toml: \[margins\], field 'age': "
                                            r"the shares add up to 1\.1, not 1"):
        demo.steps(data)


def test_a_case_study_without_a_source_url_key_is_refused(tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "practices.toml",
                        'url = "https://budgetparticipatif.paris.fr/"',
                        'link = "https://budgetparticipatif.paris.fr/"')
    with pytest.raises(DemoDataError, match=r"practices\.toml: sources\[0\] 'Ville de Paris, "
                                            r"Budget participatif', field 'url': Field "
                                            r"required"):
        demo.steps(data)


def test_an_unknown_question_stores_nothing_of_the_survey(barcelona: Any, paris: Any,
                                                         tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "survey.toml", 'key = "trust-data-use.v1"',
                        'key = "trust-data-use.v9"')
    with pytest.raises(DemoDataError) as refused:
        run_steps(demo.steps(data))
    assert str(refused.value) == (
        f"{data / 'survey.toml'}: question 'trust-data-use.v9', field 'key': "
        "no such question version in the question bank")
    assert not Survey.objects.exists()
    assert CaseStudy.objects.exists() and LivingLab.objects.exists()  # the step before it stands
    assert Pilot.objects.filter(slug="poblenou-superblock").exists()
