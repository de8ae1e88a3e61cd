"""Writes: validation, permissions, change history, dependencies, action progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.strategy.conftest import observe
from urbis.places.models import City
from urbis.strategy import queries, services
from urbis.strategy.models import Action, Change, Indicator, Strategy, Target


def test_editor_changes_a_target_and_the_history_says_who_what_when(
    target: Target, strategy: Strategy, make_user: Callable[..., Any], barcelona: City
) -> None:
    editor = make_user("editor", barcelona, display_name="Núria")
    Change.objects.all().delete()
    services.save_target(by=editor, strategy=strategy, target=target, target_value=1.5,
                         title="Cut emissions further")
    changes = {c.field: c for c in queries.history("target", target.pk)}
    assert set(changes) == {"target_value", "title"}
    assert (changes["target_value"].old_value, changes["target_value"].new_value) == ("2", "1.5")
    assert changes["title"].changed_by == editor
    assert changes["title"].changed_at is not None
    # Saving the same values again records nothing.
    services.save_target(by=editor, strategy=strategy, target=target, target_value=1.5)
    assert queries.history("target", target.pk).count() == 2


def test_action_history_includes_relations_and_milestones(
    action: Action, strategy: Strategy, departments: list[Any], make_user: Callable[..., Any],
    barcelona: City,
) -> None:
    editor = make_user("editor", barcelona)
    Change.objects.all().delete()
    services.save_action(by=editor, strategy=strategy, action=action, status="completed",
                         partners=[departments[1]])
    milestone = action.milestones.get(title="Build")
    services.save_milestone(by=editor, action=action, milestone=milestone, title="Build",
                            due_date=milestone.due_date, done_on=dt.date(2021, 3, 1))
    fields = set(queries.history("action", action.pk).values_list("field", flat=True))
    assert {"status", "partners", "milestone “Build” done on"} <= fields


@pytest.mark.parametrize("role", [None, "member", "moderator"])
def test_writes_are_refused_without_an_editing_role(
    role: str | None, strategy: Strategy, target: Target, action: Action,
    make_user: Callable[..., Any], barcelona: City,
) -> None:
    user = make_user(role, barcelona if role else None)
    writes = [
        lambda: services.save_target(by=user, strategy=strategy, target=target, title="x"),
        lambda: services.save_action(by=user, strategy=strategy, action=action, title="x"),
        lambda: services.save_milestone(by=user, action=action, title="x",
                                        due_date=dt.date(2030, 1, 1)),
        lambda: services.upload_observations(
            by=user, city=barcelona,
            rows=[{"indicator": "urbis-ghg-emissions", "year": "2020", "value": "1"}]),
        lambda: services.publish_report(by=user, strategy=strategy,
                                        period_start=dt.date(2020, 1, 1),
                                        period_end=dt.date(2020, 12, 31)),
        lambda: services.save_strategy(by=user, city=barcelona, title="Mine", start_year=2020,
                                       end_year=2030),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied):
            write()
    assert Target.objects.get(pk=target.pk).title == "Halve emissions by 2030"


def test_an_editor_of_another_city_is_refused(
    target: Target, strategy: Strategy, make_user: Callable[..., Any], paris: City
) -> None:
    with pytest.raises(PermissionDenied):
        services.save_target(by=make_user("editor", paris), strategy=strategy, target=target,
                             title="x")


def test_only_administrators_publish_a_strategy(
    strategy: Strategy, make_user: Callable[..., Any], barcelona: City
) -> None:
    editor = make_user("editor", barcelona)
    with pytest.raises(PermissionDenied):
        services.publish_strategy(by=editor, strategy=strategy, published=False)
    services.save_strategy(by=editor, city=barcelona, strategy=strategy, vision="New vision")
    admin = make_user("admin", barcelona)
    services.publish_strategy(by=admin, strategy=strategy, published=False)
    assert not Strategy.objects.get(pk=strategy.pk).is_published


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"target_value": 5.0}, "target_value"),  # lower is better but target above baseline
        ({"target_year": 2005}, "target_year"),
        ({"baseline_value": None}, "baseline_value"),
        ({"indicator": None}, "indicator"),
        ({"title": " "}, "title"),
        ({"theme_id": 999_999}, "theme"),
    ],
)
def test_invalid_targets_are_refused_and_nothing_changes(
    fields: dict[str, Any], field: str, target: Target, strategy: Strategy
) -> None:
    with pytest.raises(ValidationError) as info:
        services.save_target(by=None, strategy=strategy, target=target, **fields)
    assert field in info.value.message_dict
    stored = Target.objects.get(pk=target.pk)
    assert (stored.target_value, stored.target_year, stored.title) == (
        2.0, 2030, "Halve emissions by 2030"
    )


def test_another_citys_indicator_cannot_be_used(
    strategy: Strategy, paris: City, catalogue: None
) -> None:
    own = services.create_indicator(by=None, city=paris, code="roofs", name="Solar roofs",
                                    unit="%", direction="up", theme="energy")
    assert own.code == "paris-roofs"
    with pytest.raises(ValidationError):
        services.save_target(by=None, strategy=strategy, title="x", indicator=own,
                             target_value=20.0, target_year=2030, direction="up")


def test_dependencies_refuse_loops(strategy: Strategy, action: Action) -> None:
    second = services.save_action(by=None, strategy=strategy, title="Grid", depends_on=[action])
    with pytest.raises(ValidationError) as info:
        services.save_action(by=None, strategy=strategy, action=action, depends_on=[second])
    assert "loop" in str(info.value)
    with pytest.raises(ValidationError):
        services.save_action(by=None, strategy=strategy, action=action, depends_on=[action])
    assert list(action.depends_on.all()) == []


def test_action_validation(strategy: Strategy, action: Action) -> None:
    with pytest.raises(ValidationError) as info:
        services.save_action(by=None, strategy=strategy, action=action,
                             start_date=dt.date(2025, 1, 1), end_date=dt.date(2024, 1, 1),
                             budget=-5)
    assert {"end_date", "budget"} <= set(info.value.message_dict)
    with pytest.raises(ValidationError):
        services.save_action(by=None, strategy=strategy, action=action,
                             funding=[{"kind": "lottery"}])
    assert action.funding.get().kind == "eu_fund"


def test_action_progress_counts_done_and_late_milestones(action: Action) -> None:
    progress = queries.action_progress(action, on=dt.date(2022, 1, 1))
    assert progress["milestones_done"] == 1 and progress["milestones_total"] == 2
    assert progress["late"] is True
    assert progress["late_milestones"] == [{"title": "Build", "due": "2021-01-01"}]
    assert progress["percent"] == 50
    assert progress["status"] == "in_progress"
    assert queries.action_progress(action, on=dt.date(2020, 6, 1))["late"] is False


def test_target_status_uses_the_city_observations(
    target: Target, barcelona: City, paris: City
) -> None:
    assert queries.target_status(target)["status"] == "no_data"
    observe(paris, "urbis-ghg-emissions", 2020, 1.0)  # another city's data does not count
    assert queries.target_status(target)["status"] == "no_data"
    observe(barcelona, "urbis-ghg-emissions", 2020, 3.0)  # halfway in time and in value
    status = queries.target_status(target, on=dt.date(2021, 6, 1))
    assert status["status"] == "on_track"
    assert status["percent"] == 50


def test_qualitative_targets_carry_the_city_status(strategy: Strategy) -> None:
    target = services.save_target(by=None, strategy=strategy, title="Air like WHO says",
                                  kind="qualitative", qualitative_status="at_risk")
    status = queries.target_status(target)
    assert status["status"] == "at_risk" and "set by the city" in status["reason"]


def test_catalogue_is_idempotent_and_large_enough(catalogue: None) -> None:
    count = Indicator.objects.filter(city__isnull=True).count()
    assert count >= 40
    assert Indicator.objects.filter(framework="iso37120").count() >= 40
    services.load_catalogue()
    assert Indicator.objects.filter(city__isnull=True).count() == count


def test_the_reason_sentences_match_the_engine_in_english(db: Any) -> None:
    from django.utils import translation

    from urbis.engines import monitoring
    from urbis.strategy.queries import status

    with translation.override("en"):
        # "stale" counts years, so the page words it with ngettext instead of one template.
        assert status._templates() == {
            k: v for k, v in monitoring.ENGLISH.items() if k != "stale"
        }
        assert status.explain([("stale", {"age": "2"})]) == monitoring.ENGLISH[
            "stale"
        ].format(age=2)
        assert status.explain([("stale", {"age": "1"})]) == "The latest figure is 1 year old."


def test_load_catalogue_command_refuses_a_bad_file_whole(db: Any, tmp_path: Any) -> None:
    from django.core.management import CommandError, call_command

    call_command("load-catalogue")
    count = Indicator.objects.count()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "code,framework,reference,name,unit,direction,theme,per_capita,per_capita_factor,"
        "per_capita_unit,definition\n"
        "x-new,urbis,,New,km,up,mobility,,,,fine\n"
        "x-bad,urbis,,Bad,km,sideways,mobility,,,,wrong direction\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="row 3, field 'direction'"):
        call_command("load-catalogue", str(bad))
    assert Indicator.objects.count() == count
