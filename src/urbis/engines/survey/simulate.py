"""Simulated respondents with a known truth, for tests, the benchmark and the demo.

Nothing here is survey data: every figure produced from it is labelled *simulated* where shown.
Respondents are drawn with a deliberately skewed composition (older people and one sex
over-represented) so that weighting has work to do; each person's answer to a yes/no reading of a
question follows a logistic model with known age, sex and city effects, so an analysis can be
checked against the truth it should recover.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

AGE_BANDS = ("16-29", "30-44", "45-64", "65+")
SEXES = ("female", "male")
# Log-odds shifts by age band and sex used by the simulation (the "known truth").
AGE_EFFECT = {"16-29": 0.6, "30-44": 0.3, "45-64": 0.0, "65+": -0.5}
SEX_EFFECT = {"female": 0.2, "male": 0.0}


@dataclass(frozen=True)
class SimulatedCity:
    code: str
    districts: tuple[str, ...]
    population: dict[tuple[str, str, str], float]  # (age, sex, district) → residents
    city_effect: float  # log-odds, the attitude net of composition


@dataclass
class Sample:
    city: np.ndarray
    age: np.ndarray
    sex: np.ndarray
    district: np.ndarray
    answers: np.ndarray  # respondents × questions, 0/1


def make_city(
    code: str, districts: Sequence[str], city_effect: float, rng: np.random.Generator
) -> SimulatedCity:
    age_share = np.array([0.2, 0.27, 0.32, 0.21])
    population = {}
    for district in districts:
        size = float(rng.integers(20_000, 120_000))
        for a, age in enumerate(AGE_BANDS):
            for sex in SEXES:
                population[(age, sex, district)] = round(size * age_share[a] / 2)
    return SimulatedCity(code, tuple(districts), population, city_effect)


def draw(
    cities: Sequence[SimulatedCity],
    respondents: int,
    questions: int,
    rng: np.random.Generator,
    *,
    question_effects: np.ndarray | None = None,
) -> Sample:
    """``respondents`` per city; question ``q`` has the intercept ``question_effects[q]``."""
    q_effects = np.zeros(questions) if question_effects is None else question_effects
    # Over-represent the old and women: a response bias the weights must undo.
    bias = {("65+",): 2.0, ("45-64",): 1.4, ("female",): 1.3}
    parts = []
    for city in cities:
        cells = list(city.population)
        prob = np.array(
            [city.population[c] * bias.get((c[0],), 1.0) * bias.get((c[1],), 1.0) for c in cells]
        )
        chosen = rng.choice(len(cells), size=respondents, p=prob / prob.sum())
        age = np.array([cells[i][0] for i in chosen])
        sex = np.array([cells[i][1] for i in chosen])
        district = np.array([cells[i][2] for i in chosen])
        linear = (
            np.vectorize(AGE_EFFECT.get)(age) + np.vectorize(SEX_EFFECT.get)(sex) + city.city_effect
        )
        p = 1 / (1 + np.exp(-(linear[:, None] + q_effects[None, :])))
        answers = (rng.random((respondents, questions)) < p).astype(np.int8)
        parts.append((np.full(respondents, city.code), age, sex, district, answers))
    return Sample(
        city=np.concatenate([p[0] for p in parts]),
        age=np.concatenate([p[1] for p in parts]),
        sex=np.concatenate([p[2] for p in parts]),
        district=np.concatenate([p[3] for p in parts]),
        answers=np.vstack([p[4] for p in parts]),
    )


def margins_of(city: SimulatedCity) -> dict[tuple[str, ...], dict[tuple[str, ...], float]]:
    """One-way age, sex and district margins of the city's population (what raking uses)."""
    result: dict[tuple[str, ...], dict[tuple[str, ...], float]] = {
        ("age",): {},
        ("sex",): {},
        ("district",): {},
    }
    for (age, sex, district), count in city.population.items():
        for key, value in ((("age",), age), (("sex",), sex), (("district",), district)):
            result[key][(value,)] = result[key].get((value,), 0.0) + count
    return result


def true_share(city: SimulatedCity, question_effect: float = 0.0) -> float:
    """The population share answering yes under the simulation's model."""
    total = sum(city.population.values())
    share = 0.0
    for (age, sex, _district), count in city.population.items():
        linear = AGE_EFFECT[age] + SEX_EFFECT[sex] + city.city_effect + question_effect
        share += count / total / (1 + np.exp(-linear))
    return float(share)
