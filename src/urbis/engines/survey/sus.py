"""The System Usability Scale (Brooke 1996): scoring one questionnaire and summarising many.

Ten statements answered on a five-point agreement scale (1 = strongly disagree … 5 = strongly
agree). Odd items are worded positively and contribute ``answer − 1``; even items are worded
negatively and contribute ``5 − answer``; the sum (0–40) times 2.5 gives a score from 0 to 100.
A score is not a percentage. Sauro (2011) puts the average of about 500 studies at 68.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

ITEMS = 10
AVERAGE_BENCHMARK = 68.0  # Sauro, "A Practical Guide to the System Usability Scale" (2011)

# The English wording of Brooke (1996), used by the study pages (translated there).
STATEMENTS = (
    "I think that I would like to use this system frequently.",
    "I found the system unnecessarily complex.",
    "I thought the system was easy to use.",
    "I think that I would need the support of a technical person to be able to use this system.",
    "I found the various functions in this system were well integrated.",
    "I thought there was too much inconsistency in this system.",
    "I would imagine that most people would learn to use this system very quickly.",
    "I found the system very cumbersome to use.",
    "I felt very confident using the system.",
    "I needed to learn a lot of things before I could get going with this system.",
)


class SusAnswerError(ValueError):
    """The answers are not ten whole numbers from 1 to 5; ``item`` is 1-based (0: the count).

    ``code`` (``count``, ``not_whole``, ``out_of_range``) and ``value`` (the count of answers or
    the answer refused) let the application word the refusal in the reader's language; the
    message is the developer's English."""

    def __init__(self, item: int, reason: str, *, code: str = "", value: object = None):
        self.item = item
        self.reason = reason
        self.code = code
        self.value = value
        super().__init__(f"item {item}: {reason}" if item else reason)


def validate(answers: Sequence[object]) -> list[int]:
    if len(answers) != ITEMS:
        raise SusAnswerError(0, f"the questionnaire has {ITEMS} items, got {len(answers)} answers",
                             code="count", value=len(answers))
    clean = []
    for number, answer in enumerate(answers, start=1):
        if isinstance(answer, bool) or not isinstance(answer, int):
            raise SusAnswerError(number, f"not a whole number: {answer!r}", code="not_whole",
                                 value=answer)
        if not 1 <= answer <= 5:
            raise SusAnswerError(number, f"must be from 1 to 5, got {answer}",
                                 code="out_of_range", value=answer)
        clean.append(answer)
    return clean


def score(answers: Sequence[object]) -> float:
    """The SUS score (0–100) of one completed questionnaire, scored as Brooke (1996) says."""
    clean = validate(answers)
    contributions = sum(
        (answer - 1) if number % 2 == 1 else (5 - answer)
        for number, answer in enumerate(clean, start=1)
    )
    return contributions * 2.5


@dataclass(frozen=True)
class SusSummary:
    count: int
    mean: float | None
    sd: float | None
    ci_low: float | None  # 95 % confidence interval of the mean (t distribution)
    ci_high: float | None
    median: float | None
    above_average: int  # questionnaires scoring above the 68 benchmark


# Two-sided 97.5 % quantiles of Student's t for small samples; beyond 30 the normal 1.96
# is close enough for a summary (the difference is under 5 %).
_T975 = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
    10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110,
    18: 2.101, 19: 2.093, 20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060,
    26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042,
}


def summarise(scores: Sequence[float]) -> SusSummary:
    values = list(scores)
    n = len(values)
    if n == 0:
        return SusSummary(0, None, None, None, None, None, 0)
    mean = statistics.fmean(values)
    above = sum(1 for v in values if v > AVERAGE_BENCHMARK)
    if n == 1:
        return SusSummary(1, mean, None, None, None, mean, above)
    sd = statistics.stdev(values)
    half = _T975.get(n - 1, 1.96) * sd / math.sqrt(n)
    return SusSummary(
        n, mean, sd, max(0.0, mean - half), min(100.0, mean + half), statistics.median(values),
        above,
    )


@dataclass(frozen=True)
class TaskSummary:
    attempts: int
    successes: int
    success_rate: float | None
    success_low: float | None  # Wilson 95 % interval of the completion rate
    success_high: float | None
    median_seconds: float | None
    median_seconds_successful: float | None


def summarise_task(results: Sequence[tuple[bool, float]]) -> TaskSummary:
    """Completion rate with its Wilson interval (good for the small samples usability studies
    have) and median times (times are skewed, so the mean would mislead)."""
    from urbis.engines.ranking import wilson_interval

    attempts = len(results)
    if attempts == 0:
        return TaskSummary(0, 0, None, None, None, None, None)
    successes = sum(1 for ok, _ in results if ok)
    low, high = wilson_interval(successes, attempts)
    times = [s for _, s in results]
    ok_times = [s for ok, s in results if ok]
    return TaskSummary(
        attempts,
        successes,
        successes / attempts,
        low,
        high,
        statistics.median(times),
        statistics.median(ok_times) if ok_times else None,
    )
