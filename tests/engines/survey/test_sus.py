"""SUS scoring (Brooke 1996): odd items contribute answer − 1, even items 5 − answer, sum × 2.5."""

from __future__ import annotations

import pytest

from urbis.engines.survey import sus


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        # The scale's own anchors: best possible, worst possible, and all-neutral.
        ([5, 1, 5, 1, 5, 1, 5, 1, 5, 1], 100.0),
        ([1, 5, 1, 5, 1, 5, 1, 5, 1, 5], 0.0),
        ([3] * 10, 50.0),
        # Agreeing with everything cancels out: 5 × 4 from the odd items, 0 from the even ones.
        ([5] * 10, 50.0),
        ([1] * 10, 50.0),
        # Worked example: odd (3+3+4+3+3) = 16, even (3+4+3+4+3) = 17, 33 × 2.5 = 82.5.
        ([4, 2, 4, 1, 5, 2, 4, 1, 4, 2], 82.5),
        # Worked example: odd (3+3+3+4+3) = 16, even (4+4+3+4+3) = 18, 34 × 2.5 = 85.
        ([4, 1, 4, 1, 4, 2, 5, 1, 4, 2], 85.0),
        # Worked example: odd (2+1+2+1+2) = 8, even (1+2+0+1+2) = 6, 14 × 2.5 = 35.
        ([3, 4, 2, 3, 3, 5, 2, 4, 3, 3], 35.0),
    ],
)
def test_score_matches_worked_examples(answers: list[int], expected: float) -> None:
    assert sus.score(answers) == expected


@pytest.mark.parametrize(
    ("answers", "item"),
    [
        ([3] * 9, 0),
        ([3] * 11, 0),
        ([3, 3, 0, 3, 3, 3, 3, 3, 3, 3], 3),
        ([3, 3, 3, 3, 3, 3, 3, 3, 3, 6], 10),
        ([3, "4", 3, 3, 3, 3, 3, 3, 3, 3], 2),
        ([3, 3, 3, 3, True, 3, 3, 3, 3, 3], 5),
        ([3, 3, 3.5, 3, 3, 3, 3, 3, 3, 3], 3),
    ],
)
def test_invalid_answers_name_the_item(answers: list[object], item: int) -> None:
    with pytest.raises(sus.SusAnswerError) as caught:
        sus.score(answers)
    assert caught.value.item == item
    assert caught.value.code == ("count" if item == 0 else "not_whole" if answers[item - 1] in (
        "4", True, 3.5) else "out_of_range")


def test_summary_of_several_questionnaires() -> None:
    summary = sus.summarise([50.0, 70.0, 90.0])
    assert summary.count == 3
    assert summary.mean == 70.0
    assert summary.median == 70.0
    assert summary.sd == pytest.approx(20.0)
    # t(0.975, 2) = 4.303; half-width 4.303 × 20 / √3 = 49.69
    assert summary.ci_low == pytest.approx(20.31, abs=0.01)
    assert summary.ci_high == 100.0  # clipped to the scale
    assert summary.above_average == 2


def test_summary_of_nothing_and_of_one() -> None:
    assert sus.summarise([]).mean is None
    one = sus.summarise([72.5])
    assert one.mean == 72.5 and one.sd is None and one.ci_low is None


def test_task_summary() -> None:
    result = sus.summarise_task([(True, 30.0), (True, 50.0), (False, 120.0), (True, 40.0)])
    assert result.successes == 3 and result.attempts == 4
    assert result.success_rate == 0.75
    assert result.median_seconds == 45.0
    assert result.median_seconds_successful == 40.0
    assert 0.0 < result.success_low < 0.75 < result.success_high <= 1.0  # type: ignore[operator]
