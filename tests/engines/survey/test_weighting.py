"""Raking: a published worked example, margins reproduced, trimming, design effect, bad input."""

import numpy as np
import pytest

from urbis.engines.survey import simulate
from urbis.engines.survey.weighting import WeightingError, design_effect, rake, rake_table

# Wikipedia, "Iterative proportional fitting", section "Example" (CC BY-SA 4.0): a 4 × 4 seed
# table raked to row targets 150, 300, 400, 150 and column targets 200, 300, 400, 100. The
# article prints the table after each round; after the third its first row reads
# 64.61, 46.28, 35.42, 3.83.
WIKIPEDIA_SEED = [[40, 30, 20, 10], [35, 50, 100, 75], [30, 80, 70, 120], [20, 30, 40, 50]]
WIKIPEDIA_ROWS = [150, 300, 400, 150]
WIKIPEDIA_COLUMNS = [200, 300, 400, 100]


def test_published_worked_example_third_round():
    table = rake_table(
        np.array(WIKIPEDIA_SEED),
        [np.array(WIKIPEDIA_ROWS), np.array(WIKIPEDIA_COLUMNS)],
        [[0], [1]],
        passes=3,
    )
    assert np.round(table[0], 2).tolist() == [64.61, 46.28, 35.42, 3.83]


def test_published_worked_example_converges_to_its_targets():
    table = rake_table(
        np.array(WIKIPEDIA_SEED),
        [np.array(WIKIPEDIA_ROWS), np.array(WIKIPEDIA_COLUMNS)],
        [[0], [1]],
    )
    assert np.allclose(table.sum(axis=1), WIKIPEDIA_ROWS, rtol=1e-8)
    assert np.allclose(table.sum(axis=0), WIKIPEDIA_COLUMNS, rtol=1e-8)
    # Raking keeps the seed's odds ratios (it only rescales rows and columns).
    seed = np.array(WIKIPEDIA_SEED, dtype=float)
    assert table[0, 0] * table[1, 1] / (table[0, 1] * table[1, 0]) == pytest.approx(
        seed[0, 0] * seed[1, 1] / (seed[0, 1] * seed[1, 0])
    )


def _sample(seed=7, n=1500):
    rng = np.random.default_rng(seed)
    city = simulate.make_city("X", [f"d{i}" for i in range(6)], 0.0, rng)
    return city, simulate.draw([city], n, 1, rng)


def _weighted(sample, weights, variable):
    values = getattr(sample, variable)
    return {v: float(weights[values == v].sum()) for v in set(values)}


def test_weights_reproduce_one_way_margins():
    city, sample = _sample()
    margins = simulate.margins_of(city)
    result = rake(
        {"age": sample.age, "sex": sample.sex, "district": sample.district}, margins, trim=None
    )
    for variable in ("age", "sex", "district"):
        got = _weighted(sample, result.weights, variable)
        for (value,), count in margins[(variable,)].items():
            assert got[value] == pytest.approx(count, rel=1e-6)
    assert result.max_margin_error < 1e-6
    # The sample over-represents the old, so their weights are below the young's.
    assert result.weights[sample.age == "65+"].mean() < result.weights[sample.age == "16-29"].mean()


def test_joint_margin_in_either_order():
    city, sample = _sample()
    joint: dict[tuple[str, ...], float] = {}
    district: dict[tuple[str, ...], float] = {}
    for (age, sex, d), count in city.population.items():
        joint[(sex, age)] = joint.get((sex, age), 0) + count
        district[(d,)] = district.get((d,), 0) + count
    result = rake(
        {"age": sample.age, "sex": sample.sex, "district": sample.district},
        {("sex", "age"): joint, ("district",): district},
        trim=None,
    )
    for (sex, age), count in joint.items():
        mask = (sample.sex == sex) & (sample.age == age)
        assert result.weights[mask].sum() == pytest.approx(count, rel=1e-6)


def test_trimming_caps_weights_and_reports_the_design_effect():
    city, sample = _sample(n=800)
    codes = {"age": sample.age, "sex": sample.sex, "district": sample.district}
    untrimmed = rake(codes, simulate.margins_of(city), trim=None)
    assert untrimmed.max_ratio > 1.8
    capped = rake(codes, simulate.margins_of(city), trim=1.8)
    assert capped.max_ratio <= 1.8 * 1.001
    assert capped.max_margin_error < 1e-6
    assert capped.trimmed > 0 and untrimmed.trimmed == 0
    # A cap the margins cannot live with: the margins win and the result says so.
    tight = rake(codes, simulate.margins_of(city), trim=1.3)
    assert tight.trimmed > 0 and tight.max_ratio > 1.3
    assert tight.max_margin_error < 1e-6
    w = untrimmed.weights
    assert untrimmed.design_effect == pytest.approx(w.size * (w**2).sum() / w.sum() ** 2)
    assert untrimmed.effective_n == pytest.approx(w.size / untrimmed.design_effect)


def test_equal_weights_have_no_design_effect():
    assert design_effect(np.full(50, 3.0)) == pytest.approx(1.0)


def test_a_category_missing_from_the_margins_is_named():
    with pytest.raises(WeightingError) as error:
        rake({"sex": ["female", "other"]}, {("sex",): {("female",): 10, ("male",): 10}})
    assert error.value.field == "sex"


def test_a_populated_cell_without_respondents_is_refused():
    with pytest.raises(WeightingError, match="no respondent in"):
        rake({"sex": ["female", "female"]}, {("sex",): {("female",): 10, ("male",): 10}})


def test_margins_with_different_totals_are_refused():
    with pytest.raises(WeightingError, match="totals differ"):
        rake(
            {"sex": ["female", "male"], "age": ["a", "b"]},
            {("sex",): {("female",): 10, ("male",): 10}, ("age",): {("a",): 5, ("b",): 5}},
        )
