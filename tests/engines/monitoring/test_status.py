"""Target status at its edges, and milestone lateness: pure functions, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from urbis.engines.monitoring import (
    ACHIEVED,
    AT_RISK,
    NO_DATA,
    OFF_TRACK,
    ON_TRACK,
    MilestoneInfo,
    Point,
    TargetSpec,
    milestone_summary,
    target_status,
    year_position,
)

# Cut emissions from 100 (2010) to 50 (2030): the path loses 2.5 a year.
DOWN = TargetSpec(
    baseline_year=2010, baseline_value=100, target_year=2030, target_value=50, direction="down"
)
# Raise a share from 10 (2020) to 30 (2030): the path gains 2 a year.
UP = TargetSpec(
    baseline_year=2020, baseline_value=10, target_year=2030, target_value=30, direction="up"
)


def test_year_position_puts_annual_figures_on_their_year() -> None:
    assert year_position(dt.date(2020, 12, 31)) == 2020
    assert year_position(dt.date(2021, 12, 31)) == 2021
    assert 2020 < year_position(dt.date(2021, 7, 1)) < 2021


def test_no_data_without_observations() -> None:
    result = target_status(DOWN, [], today=2024)
    assert result.status == NO_DATA
    assert "after the baseline year 2010" in result.reason
    assert result.percent is None


def test_no_data_when_the_baseline_is_missing() -> None:
    spec = TargetSpec(None, None, 2030, 50, "down")
    result = target_status(spec, [Point(2020, 80)], today=2024)
    assert result.status == NO_DATA
    assert "missing baseline value" in result.reason


def test_an_observation_at_the_baseline_year_is_not_progress() -> None:
    result = target_status(DOWN, [Point(2010, 100)], today=2024)
    assert result.status == NO_DATA


def test_no_data_says_when_the_target_year_has_passed() -> None:
    result = target_status(DOWN, [Point(2005, 120)], today=2031)
    assert result.status == NO_DATA
    assert "target year 2030 has passed" in result.reason


def test_one_point_on_the_path_is_on_track() -> None:
    # 2020 is halfway: the path expects 75.
    result = target_status(DOWN, [Point(2020, 75)], today=2021)
    assert result.status == ON_TRACK
    assert result.expected_at_latest == pytest.approx(75)
    assert result.percent == pytest.approx(50)
    assert "expects 75" in result.reason


def test_one_point_slightly_behind_is_at_risk() -> None:
    # Halfway in time, 45 % of the change done: 5 points behind, inside the 10 % tolerance.
    result = target_status(DOWN, [Point(2020, 77.5)], today=2021)
    assert result.status == AT_RISK
    assert "within the 10% tolerance" in result.reason


def test_one_point_far_behind_is_off_track() -> None:
    result = target_status(DOWN, [Point(2020, 90)], today=2021)
    assert result.status == OFF_TRACK
    assert "more than the 10% tolerance" in result.reason


def test_the_latest_point_decides() -> None:
    points = [Point(2015, 70), Point(2020, 90)]  # was ahead, now behind
    assert target_status(DOWN, points, today=2021).status == OFF_TRACK
    assert target_status(DOWN, list(reversed(points)), today=2021).status == OFF_TRACK


def test_direction_down_reached_early_is_achieved() -> None:
    result = target_status(DOWN, [Point(2020, 49)], today=2021)
    assert result.status == ACHIEVED
    assert result.percent == 100


def test_direction_up_reached_is_achieved_and_below_path_is_not() -> None:
    assert target_status(UP, [Point(2024, 31)], today=2025).status == ACHIEVED
    assert target_status(UP, [Point(2025, 20)], today=2026).status == ON_TRACK
    assert target_status(UP, [Point(2025, 12)], today=2026).status == OFF_TRACK


def test_moving_the_wrong_way_is_off_track_with_negative_progress() -> None:
    result = target_status(UP, [Point(2024, 8)], today=2025)
    assert result.status == OFF_TRACK
    assert result.progress is not None and result.progress < 0
    assert result.percent == 0


def test_target_year_passed_and_missed_is_off_track() -> None:
    result = target_status(DOWN, [Point(2030, 60)], today=2031)
    assert result.status == OFF_TRACK
    assert "target year 2030 has passed" in result.reason


def test_target_year_passed_with_old_data_is_off_track_and_says_how_old() -> None:
    result = target_status(DOWN, [Point(2020, 75)], today=2032)
    assert result.status == OFF_TRACK
    assert "12 years old" in result.reason


def test_target_year_passed_and_met_is_achieved() -> None:
    assert target_status(DOWN, [Point(2030, 50)], today=2032).status == ACHIEVED


def test_holding_a_level() -> None:
    spec = TargetSpec(2020, 100, 2030, 100, "down")
    assert target_status(spec, [Point(2022, 99)], today=2023).status == ACHIEVED
    assert target_status(spec, [Point(2022, 101)], today=2023).status == OFF_TRACK


def test_target_year_before_baseline_cannot_be_judged() -> None:
    spec = TargetSpec(2030, 100, 2020, 50, "down")
    assert target_status(spec, [Point(2025, 60)], today=2026).status == NO_DATA


def test_milestones_late_and_done() -> None:
    today = dt.date(2025, 6, 1)
    summary = milestone_summary(
        [
            MilestoneInfo("done on time", dt.date(2025, 1, 1), dt.date(2024, 12, 20)),
            MilestoneInfo("done late", dt.date(2025, 1, 1), dt.date(2025, 2, 1)),
            MilestoneInfo("late", dt.date(2025, 5, 31), None),
            MilestoneInfo("due today", dt.date(2025, 6, 1), None),
            MilestoneInfo("to come", dt.date(2026, 1, 1), None),
        ],
        today=today,
    )
    assert (summary.total, summary.done) == (5, 2)
    assert [m.title for m in summary.late] == ["late"]
    assert [m.title for m in summary.done_late] == ["done late"]
    assert summary.is_late and summary.percent == 40


def test_no_milestones() -> None:
    summary = milestone_summary([], today=dt.date(2025, 1, 1))
    assert summary.percent is None and not summary.is_late
