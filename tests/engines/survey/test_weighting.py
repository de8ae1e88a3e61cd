"""Raking: a hand-computed worked example, margins reproduced, trimming, deff, bad input."""

import csv
from pathlib import Path

import numpy as np
import pytest

from urbis.engines.survey import simulate
from urbis.engines.survey.weighting import WeightingError, design_effect, rake, rake_table

# A worked example computed by hand (the published Wikipedia table could not be retrieved to check
# the figures that stood here, which had been written from memory). Seed [[8, 3], [1, 1]], row
# targets 30, 70, column targets 50, 50 (total 100).
#
# First pass, rows: row 1 sums to 11, times 30/11 -> [240/11, 90/11]; row 2 sums to 2, times 35 ->
# [35, 35]. Columns: column 1 sums to 240/11 + 35 = 625/11, times 50 / (625/11) = 22/25 ->
# [19.2, 30.8]; column 2 sums to 90/11 + 35 = 475/11, times 550/475 -> [180/19, 770/19].
#
# Limit: raking only rescales rows and columns, so the seed's odds ratio 8·1 / (3·1) = 8/3 is kept.
# With the margins, the table is [[a, 30 - a], [50 - a, 20 + a]] and a(20 + a) / ((30 - a)(50 - a))
# = 8/3 gives 5a² - 700a + 12000 = 0, a = 20 or 120; only a = 20 keeps every cell positive, so the
# fitted table is [[20, 10], [30, 40]].
HAND_SEED = [[8, 3], [1, 1]]
HAND_ROWS = [30, 70]
HAND_COLUMNS = [50, 50]


def test_hand_worked_example_first_pass():
    table = rake_table(
        np.array(HAND_SEED), [np.array(HAND_ROWS), np.array(HAND_COLUMNS)], [[0], [1]], passes=1
    )
    assert table == pytest.approx(np.array([[19.2, 180 / 19], [30.8, 770 / 19]]), rel=1e-12)


def test_hand_worked_example_converges_to_the_odds_ratio_solution():
    table = rake_table(
        np.array(HAND_SEED), [np.array(HAND_ROWS), np.array(HAND_COLUMNS)], [[0], [1]]
    )
    assert table == pytest.approx(np.array([[20.0, 10.0], [30.0, 40.0]]), rel=1e-8)


def test_a_larger_table_converges_to_its_targets_and_keeps_odds_ratios():
    seed = np.array([[40, 30, 20, 10], [35, 50, 100, 75], [30, 80, 70, 120], [20, 30, 40, 50]])
    rows, columns = [150, 300, 400, 150], [200, 300, 400, 100]
    table = rake_table(seed, [np.array(rows), np.array(columns)], [[0], [1]])
    assert np.allclose(table.sum(axis=1), rows, rtol=1e-8)
    assert np.allclose(table.sum(axis=0), columns, rtol=1e-8)
    s = seed.astype(float)
    for i, j in [(0, 1), (2, 3), (1, 3)]:
        assert table[0, 0] * table[i, j] / (table[0, j] * table[i, 0]) == pytest.approx(
            s[0, 0] * s[i, j] / (s[0, j] * s[i, 0])
        )


# A published example: the R survey package's reference output ``tests/rakecheck.Rout.save``
# (survey 4.5, CRAN 2026-02-24) rakes the cluster sample ``apiclus1`` (183 Californian schools) to
# the population counts of school type and of "met the school-wide growth target" and prints the
# raked mean of api00 (641.23) and total of enrolment (3,647,280). The data, its source and
# licence: tests/engines/survey/data/ (SOURCE.md).
APICLUS1 = Path(__file__).parent / "data" / "apiclus1.csv"
POP_TYPES = {("E",): 4421.0, ("H",): 755.0, ("M",): 1018.0}
POP_SCHWIDE = {("No",): 1072.0, ("Yes",): 5122.0}


def test_published_example_r_survey_rakecheck():
    with APICLUS1.open(encoding="utf-8") as handle:
        schools = list(csv.DictReader(handle))
    assert len(schools) == 183
    result = rake(
        {"stype": [s["stype"] for s in schools], "sch.wide": [s["sch.wide"] for s in schools]},
        {("stype",): POP_TYPES, ("sch.wide",): POP_SCHWIDE},
        trim=None,
    )
    w = result.weights
    api00 = np.array([float(s["api00"]) for s in schools])
    enroll = np.array([float(s["enroll"]) for s in schools])
    assert w.sum() == pytest.approx(6194.0)
    # Printed as "641.23" and "3647280": equal to the printed digits.
    assert round(float((w * api00).sum() / w.sum()), 2) == 641.23
    assert round(float((w * enroll).sum()), -1) == 3647280.0
    assert result.max_margin_error < 1e-8


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
