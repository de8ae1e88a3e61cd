"""The comparison model: recovers a known truth, separates composition, keeps its error rate."""

import numpy as np
import pytest

from urbis.engines.survey import simulate
from urbis.engines.survey.comparison import ComparisonError, compare, holm
from urbis.engines.survey.estimates import by_group, distribution, numeric_summary
from urbis.engines.survey.weighting import rake


def _weights(cities, sample):
    weights = np.zeros(sample.city.size)
    for city in cities:
        mask = sample.city == city.code
        weights[mask] = rake(
            {"age": sample.age[mask], "sex": sample.sex[mask], "district": sample.district[mask]},
            simulate.margins_of(city),
        ).weights
    return weights


def test_known_city_effects_are_recovered_within_their_intervals():
    rng = np.random.default_rng(2026)
    truth = {"A": 0.0, "B": 0.5, "C": -0.3}
    cities = [simulate.make_city(code, ["d1", "d2", "d3"], e, rng) for code, e in truth.items()]
    sample = simulate.draw(cities, 3000, 1, rng)
    result = compare(sample.answers[:, 0], sample.city, {"age": sample.age, "sex": sample.sex})
    for estimate in result.cities:
        if estimate.city == "A":
            continue
        true_difference = truth[estimate.city] - truth["A"]
        assert abs(estimate.effect - true_difference) < 1.96 * estimate.effect_se
    pairs = {(p.city_a, p.city_b): p for p in result.pairs}
    assert pairs[("A", "B")].differs and pairs[("B", "C")].differs
    ab = pairs[("A", "B")]
    assert ab.low < -0.5 < ab.high


def test_weighted_shares_recover_the_population_share():
    rng = np.random.default_rng(11)
    cities = [simulate.make_city("A", ["d1", "d2", "d3", "d4"], 0.4, rng)]
    sample = simulate.draw(cities, 4000, 1, rng)
    weights = _weights(cities, sample)
    weighted = distribution(list(sample.answers[:, 0]), weights, [0, 1]).shares[1]
    unweighted = distribution(list(sample.answers[:, 0]), np.ones(4000), [0, 1]).shares[1]
    truth = simulate.true_share(cities[0])
    assert weighted.low < truth < weighted.high
    # The sample over-represents the old, who agree less: unweighted, the share is too low.
    assert abs(weighted.share - truth) < abs(unweighted.share - truth)


def test_composition_is_separated_from_attitude():
    rng = np.random.default_rng(5)
    young = simulate.make_city("Young", ["d1"], 0.0, rng)
    old = simulate.make_city("Old", ["d1"], 0.0, rng)
    # Same attitudes, different people: the old city has four times as many over-65s.
    old.population.update({k: v * 4 for k, v in old.population.items() if k[0] == "65+"})
    sample = simulate.draw([young, old], 4000, 1, rng)
    result = compare(sample.answers[:, 0], sample.city, {"age": sample.age, "sex": sample.sex})
    (pair,) = result.pairs
    assert abs(pair.raw_difference) > 0.04
    assert abs(pair.adjusted_difference) < 0.025
    assert pair.composition == pytest.approx(pair.raw_difference - pair.adjusted_difference)
    assert not pair.differs


def test_false_positive_rate_is_near_the_stated_level():
    rng = np.random.default_rng(20)
    cities = [simulate.make_city(c, ["d1", "d2"], 0.2, rng) for c in ("A", "B")]
    runs = 300
    found = 0
    sample = simulate.draw(cities, 400, runs, rng)  # each question is an independent replicate
    for q in range(runs):
        result = compare(sample.answers[:, q], sample.city, {"age": sample.age, "sex": sample.sex})
        found += result.pairs[0].differs
    rate = found / runs
    # 0.05 ± about 2.5 binomial standard deviations (0.0126 each at 300 runs).
    assert 0.02 <= rate <= 0.085, rate


def test_holm_matches_its_definition():
    adjusted = holm([0.01, 0.04, 0.03])
    assert adjusted.tolist() == pytest.approx([0.03, 0.06, 0.06])


def test_bad_outcome_is_refused():
    with pytest.raises(ComparisonError, match="0 or 1"):
        compare([0, 2], ["A", "B"], {})
    with pytest.raises(ComparisonError, match="two cities"):
        compare([0, 1], ["A", "A"], {})


def test_district_estimates_and_small_sample_flag():
    answers = ["yes"] * 30 + ["no"] * 10 + ["yes"] * 3 + ["no"] * 2
    groups = ["d1"] * 40 + ["d2"] * 5
    result = by_group(groups, answers, np.ones(45), ["yes", "no"])
    assert result["d1"].shares[0].share == pytest.approx(0.75)
    assert result["d1"].shares[0].low < 0.75 < result["d1"].shares[0].high
    assert not result["d1"].small_sample
    assert result["d2"].small_sample
    # Unequal weights widen the interval: fewer effective respondents.
    wide = distribution(answers[:40], np.r_[np.ones(20), np.full(20, 5.0)], ["yes"])
    narrow = distribution(answers[:40], np.ones(40), ["yes"])
    assert wide.effective_n < narrow.effective_n


def test_numeric_summary():
    summary = numeric_summary([1, 2, 3, 4], [1, 1, 1, 1])
    assert summary.mean == pytest.approx(2.5)
    assert summary.mean_low < 2.5 < summary.mean_high


def test_group_estimates_equal_the_estimate_on_each_group_alone():
    rng = np.random.default_rng(3)
    groups = rng.choice(["d1", "d2", "d3"], 500)
    answers = rng.choice(["a", "b", "c"], 500)
    weights = rng.uniform(0.5, 3.0, 500)
    grouped = by_group(groups, answers, weights, ["a", "b", "c"])
    assert list(grouped) == list(dict.fromkeys(groups))
    for group, result in grouped.items():
        mask = groups == group
        alone = distribution(answers[mask], weights[mask], ["a", "b", "c"])
        assert result.n == alone.n
        assert result.effective_n == pytest.approx(alone.effective_n)
        for got, expected in zip(result.shares, alone.shares, strict=True):
            assert (got.share, got.low, got.high) == pytest.approx(
                (expected.share, expected.low, expected.high)
            )


def _sized_sample(effects, sizes, rng):
    """One simulated city per effect, with its own number of respondents."""
    cities = [simulate.make_city(f"c{i:02d}", ["d1"], e, rng) for i, e in enumerate(effects)]
    parts = [simulate.draw([city], n, 1, rng) for city, n in zip(cities, sizes, strict=True)]
    return (np.concatenate([p.answers[:, 0] for p in parts]),
            np.concatenate([p.city for p in parts]),
            {"age": np.concatenate([p.age for p in parts]),
             "sex": np.concatenate([p.sex for p in parts])})


def test_multilevel_pools_small_cities_toward_the_mean_and_errs_less():
    """Simulated truth: 12 cities whose attitudes (log-odds) are drawn from N(0, 0.3²); six have
    40 respondents, six have 2,000. Over repeated draws the partially pooled estimates of the
    small cities are closer to the truth than the fixed ones; the large cities hardly move."""
    rng = np.random.default_rng(20)
    sizes = [40] * 6 + [2000] * 6
    squared = {"fixed": 0.0, "multilevel": 0.0}
    spread = {"fixed": 0.0, "multilevel": 0.0}
    runs = 40
    for _ in range(runs):
        truth = rng.normal(0.0, 0.3, len(sizes))
        y, city, covariates = _sized_sample(truth, sizes, rng)
        centred_truth = truth - truth.mean()
        for model in ("fixed", "multilevel"):
            result = compare(y, city, covariates, model=model)
            assert result.model == model
            effect = np.array([e.effect for e in result.cities])
            centred = effect - effect.mean()
            squared[model] += float(np.sum((centred[:6] - centred_truth[:6]) ** 2))
            spread[model] += float(np.std(centred[:6]))
            if model == "multilevel":
                kept = np.array([e.own_weight for e in result.cities])
                assert kept[:6].max() < kept[6:].min()  # the small cities move most
                assert kept[6:].min() > 0.85  # a city of 2,000 keeps its own estimate
                assert result.between_city_sd is not None
            else:
                assert result.cities[0].own_weight is None and result.between_city_sd is None
    # Mean squared error of the small cities' estimates: partial pooling at least a third lower.
    assert squared["multilevel"] < 0.67 * squared["fixed"], squared
    assert spread["multilevel"] < spread["fixed"]


def test_multilevel_pools_everything_when_cities_do_not_differ():
    rng = np.random.default_rng(3)
    y, city, covariates = _sized_sample([0.0] * 8, [300] * 8, rng)
    fixed = compare(y, city, covariates)
    pooled = compare(y, city, covariates, model="multilevel")
    assert pooled.between_city_sd is not None and pooled.between_city_sd < 0.1
    spread_fixed = np.ptp([e.effect for e in fixed.cities])
    spread_pooled = np.ptp([e.effect for e in pooled.cities])
    assert spread_pooled < 0.5 * spread_fixed
    assert not any(p.differs for p in pooled.pairs)


def test_unknown_model_is_refused():
    with pytest.raises(ComparisonError, match="model 'bayes'"):
        compare([0, 1], ["a", "b"], {}, model="bayes")


def test_cities_compare_without_covariates():
    # Shares 1/4 and 3/4: with no covariate the adjusted share is the sample share.
    y = [1, 0, 0, 0, 1, 1, 1, 0]
    city = ["a"] * 4 + ["b"] * 4
    for model in ("fixed", "multilevel"):
        result = compare(y, city, {}, model=model)
        if model == "fixed":
            assert [e.adjusted_share for e in result.cities] == pytest.approx([0.25, 0.75])
        assert result.cities[1].effect > result.cities[0].effect
