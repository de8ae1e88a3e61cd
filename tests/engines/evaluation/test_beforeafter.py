"""Before/after and difference-in-differences on figures worked out by hand."""

import datetime as dt

import pytest

from urbis.engines.evaluation.beforeafter import (
    METHOD_BEFORE_AFTER,
    METHOD_DIFFERENCE_IN_DIFFERENCES,
    EvaluationError,
    evaluate,
)

D = dt.date
BEFORE = (D(2020, 1, 1), D(2021, 12, 31))
AFTER = (D(2023, 1, 1), D(2024, 12, 31))
# Pilot area: before 10 and 12 (mean 11), after 8 and 9 (mean 8.5); 30 in 2022 lies between the
# periods and must be ignored. Change 8.5 - 11 = -2.5, relative -2.5 / 11 = -0.22727...
PILOT = [(D(2020, 12, 31), 10.0), (D(2021, 12, 31), 12.0), (D(2022, 12, 31), 30.0),
         (D(2023, 12, 31), 8.0), (D(2024, 12, 31), 9.0)]
# Comparison A: before 20, 22 (mean 21), after 21, 21 (mean 21): change 0.
# Comparison B: before 5, after 4: change -1. Mean comparison change (0 - 1) / 2 = -0.5.
# Difference-in-differences: -2.5 - (-0.5) = -2.0.
A = [(D(2020, 12, 31), 20.0), (D(2021, 12, 31), 22.0), (D(2023, 12, 31), 21.0),
     (D(2024, 12, 31), 21.0)]
B = [(D(2021, 6, 30), 5.0), (D(2024, 6, 30), 4.0)]


def test_before_after_alone():
    result = evaluate(PILOT, before=BEFORE, after=AFTER, direction="down")
    assert result.method == METHOD_BEFORE_AFTER
    assert (result.pilot.before_mean, result.pilot.after_mean) == (11.0, 8.5)
    assert (result.pilot.before_n, result.pilot.after_n) == (2, 2)
    assert result.pilot.change == -2.5
    assert result.pilot.relative_change == pytest.approx(-2.5 / 11)
    assert result.difference_in_differences is None and result.estimate == -2.5
    assert result.improved is True  # lower is better and it fell


def test_difference_in_differences_against_two_areas():
    result = evaluate(PILOT, before=BEFORE, after=AFTER, comparisons={"A": A, "B": B},
                      direction="up")
    assert result.method == METHOD_DIFFERENCE_IN_DIFFERENCES
    assert [(c.name, c.change) for c in result.comparisons] == [("A", 0.0), ("B", -1.0)]
    assert result.comparison_change == -0.5
    assert result.difference_in_differences == -2.0 and result.estimate == -2.0
    assert result.improved is False  # higher is better and it fell relative to the others


def test_no_direction_no_verdict():
    assert evaluate(PILOT, before=BEFORE, after=AFTER).improved is None


def test_a_period_without_observations_is_named():
    with pytest.raises(EvaluationError) as error:
        evaluate(PILOT, before=BEFORE, after=AFTER, comparisons={"Sud": A[:2]})
    assert error.value.field == "Sud" and "2023-01-01" in error.value.reason
    with pytest.raises(EvaluationError, match="pilot: no observation between 2010"):
        evaluate(PILOT, before=(D(2010, 1, 1), D(2011, 1, 1)), after=AFTER)


def test_periods_must_be_in_order():
    with pytest.raises(EvaluationError, match="before: ends"):
        evaluate(PILOT, before=(D(2021, 1, 1), D(2020, 1, 1)), after=AFTER)
    with pytest.raises(EvaluationError, match="after: must start after"):
        evaluate(PILOT, before=BEFORE, after=(D(2021, 6, 1), D(2024, 1, 1)))
