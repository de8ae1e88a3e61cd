"""Comparing cities' answers while separating who answered (composition) from what they think.

For a yes/no reading of a question (agree or not, chose an option or not) a logistic regression
(``statsmodels`` binomial ``GLM``) is fitted on all cities' respondents at once, with the respondent
characteristics used for weighting (age band, sex) and one effect per city. The city effects are
then *attitude* net of composition. Each city's **adjusted share** is the model's average
prediction for the pooled sample of every city as if all lived in that city (standardisation), so
the cities are compared on one common population. The **raw share** is the city's weighted share;
the gap between raw and adjusted differences is what composition explains.

Two cities differ beyond the uncertainty when the Wald test of their city effects' difference has a
p-value below ``alpha`` after Holm's correction over all pairs; with two cities
there is one pair and the test's false-positive rate is ``alpha``.

``model="multilevel"`` treats the city as a random intercept instead (partial pooling): each
city's intercept from the fit above, with its standard error, is drawn toward the cities' common
mean by the share of its variance that is noise, ``τ² / (τ² + se²)``, where ``τ²``, the variance
of the true city intercepts, is estimated by Paule and Mandel's method
(``statsmodels.stats.meta_analysis.combine_effects``). A city with few respondents (large
``se``) moves most; a large one hardly moves; if the cities differ no more than their noise
(``τ² = 0``) all are pooled to the mean. This is the normal approximation of a random-intercept
logistic model (empirical Bayes), fast enough for 30 questions × 20 cities; it ignores the small
correlation between the cities' intercepts that the shared covariate effects bring.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from scipy.stats import norm
from statsmodels.genmod.families import Binomial
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.stats.meta_analysis import combine_effects
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

ALPHA = 0.05
MODELS = ("fixed", "multilevel")


class ComparisonError(ValueError):
    pass


@dataclass(frozen=True)
class CityEstimate:
    city: str
    n: int
    raw_share: float  # weighted share if weights are given, else the sample share
    adjusted_share: float  # standardised to the pooled sample's composition
    effect: float  # log-odds relative to the reference (first) city
    effect_se: float
    # Multilevel only: the weight kept on the city's own estimate, τ² / (τ² + se²) (1: none of
    # it pooled; 0: wholly pooled to the mean).
    own_weight: float | None = None


@dataclass(frozen=True)
class PairDifference:
    city_a: str
    city_b: str
    log_odds: float  # a − b, net of composition
    low: float
    high: float
    p_value: float
    p_adjusted: float  # Holm over all pairs
    differs: bool  # beyond the uncertainty at ``alpha``
    raw_difference: float  # raw share a − b
    adjusted_difference: float  # adjusted share a − b (attitude)
    composition: float  # raw − adjusted: what who answered explains


@dataclass(frozen=True)
class Comparison:
    cities: list[CityEstimate]
    pairs: list[PairDifference]
    alpha: float
    n: int
    covariates: list[str]
    model: str = "fixed"
    between_city_sd: float | None = None  # multilevel: τ, on the log-odds scale


def holm(p_values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values.

    ``statsmodels.stats.multitest.multipletests`` gives the same numbers but runs a full garbage
    collection on every call (a quarter of a second on a busy machine, times 30 questions).
    """
    p = np.asarray(p_values, dtype=float)
    m = p.size
    if m == 0:
        return p
    order = np.argsort(p)
    stepped = np.maximum.accumulate((m - np.arange(m)) * p[order])
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(stepped, 1.0)
    return adjusted


def _codes(
    values: Sequence[object] | np.ndarray, n: int, name: str
) -> tuple[list[str], np.ndarray]:
    column = np.asarray(values).astype(str)
    if column.size != n:
        raise ComparisonError(f"{name}: {column.size} values for {n} respondents")
    levels, inverse = np.unique(column, return_inverse=True)
    return [str(level) for level in levels], inverse.reshape(-1)


def compare(
    outcome: Sequence[int] | np.ndarray,
    city: Sequence[str] | np.ndarray,
    covariates: dict[str, Sequence[str] | np.ndarray],
    *,
    weights: Sequence[float] | np.ndarray | None = None,
    alpha: float = ALPHA,
    model: str = "fixed",
) -> Comparison:
    """Compare the share of ``outcome == 1`` across cities, net of ``covariates``.

    The covariates are categorical, so the model is fitted on the table of cells (city × each
    covariate) with the count of yes and no in each: the same likelihood, and the same estimates,
    as one row per respondent, at a fraction of the cost.
    """
    return compare_models(outcome, city, covariates, weights=weights, alpha=alpha,
                          models=(model,))[model]


def compare_models(
    outcome: Sequence[int] | np.ndarray,
    city: Sequence[str] | np.ndarray,
    covariates: dict[str, Sequence[str] | np.ndarray],
    *,
    weights: Sequence[float] | np.ndarray | None = None,
    alpha: float = ALPHA,
    models: Sequence[str] = MODELS,
) -> dict[str, Comparison]:
    """:func:`compare` under each of ``models``, from one fit (the multilevel estimate starts
    from the fixed one)."""
    for model in models:
        if model not in MODELS:
            raise ComparisonError(f"model {model!r} is not one of {', '.join(MODELS)}")
    y = np.asarray(outcome, dtype=float)
    n = y.size
    if n == 0:
        raise ComparisonError("no respondents")
    if not np.isin(y, (0.0, 1.0)).all():
        raise ComparisonError("the outcome must be 0 or 1 for every respondent")
    levels, city_code = _codes(city, n, "city")
    k = len(levels)
    if k < 2:
        raise ComparisonError("a comparison needs at least two cities")
    coded = [(name, *_codes(values, n, name)) for name, values in covariates.items()]
    shape = [k] + [len(c[1]) for c in coded]
    cell = np.ravel_multi_index(tuple([city_code] + [c[2] for c in coded]), shape)
    size = int(np.prod(shape))
    total = np.bincount(cell, minlength=size).astype(float)
    yes = np.bincount(cell, weights=y, minlength=size)
    present = np.flatnonzero(total > 0)
    index = np.array(np.unravel_index(present, shape))  # variables × cells

    def design(city_index: np.ndarray, cov_index: np.ndarray) -> np.ndarray:
        columns = [np.ones(city_index.size)]
        columns += [(city_index == c).astype(float) for c in range(1, k)]
        for v, (_name, cov_levels, _) in enumerate(coded):
            columns += [(cov_index[v] == c).astype(float) for c in range(1, len(cov_levels))]
        return np.column_stack(columns)

    x = design(index[0], index[1:])
    endog = np.column_stack([yes[present], total[present] - yes[present]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        fit = GLM(endog, x, family=Binomial()).fit()
    params = np.asarray(fit.params)
    cov = np.asarray(fit.cov_params())
    fixed_effect = np.concatenate([[0.0], params[1:k]])
    fixed_cov = np.zeros((k, k))
    fixed_cov[1:, 1:] = cov[1:k, 1:k]

    # The pooled sample's composition: respondents in each covariate cell, all cities together.
    if coded:
        pooled = total.reshape(k, -1).sum(axis=0)
        cov_cells = np.flatnonzero(pooled > 0)
        cov_index = np.array(np.unravel_index(cov_cells, shape[1:]))
        base = design(np.zeros(cov_cells.size, dtype=int), cov_index)
        mix = pooled[cov_cells] / pooled[cov_cells].sum()
    else:
        base = design(np.zeros(1, dtype=int), np.zeros((0, 1), dtype=int))
        mix = np.ones(1)
    linear_base = base @ params
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    if w.size != n:
        raise ComparisonError(f"{w.size} weights for {n} respondents")
    weighted_yes = np.bincount(city_code, weights=w * y, minlength=k)
    weighted_all = np.bincount(city_code, weights=w, minlength=k)
    counts = np.bincount(city_code, minlength=k)
    results = {}
    for model in models:
        own_weight: np.ndarray | None = None
        tau: float | None = None
        effect, effect_cov = fixed_effect, fixed_cov
        if model == "multilevel":
            effect, effect_cov, own_weight, tau = _partial_pooling(params, cov, k, mix @ base)
        estimates = []
        adjusted = {}
        raw = {}
        for i, level in enumerate(levels):
            raw[level] = float(weighted_yes[i] / weighted_all[i])
            adjusted[level] = float(mix @ (1 / (1 + np.exp(-(linear_base + effect[i])))))
            estimates.append(
                CityEstimate(
                    city=level,
                    n=int(counts[i]),
                    raw_share=raw[level],
                    adjusted_share=adjusted[level],
                    effect=float(effect[i]),
                    effect_se=float(np.sqrt(effect_cov[i, i])),
                    own_weight=None if own_weight is None else float(own_weight[i]),
                )
            )
        z = float(norm.ppf(1 - alpha / 2))
        # All pairs at once: one call into scipy instead of one per pair (190 for 20 cities).
        first, second = (np.array(side, dtype=int).reshape(-1)
                         for side in zip(*combinations(range(k), 2), strict=True))
        diffs = effect[first] - effect[second]
        ses = np.sqrt(np.maximum(effect_cov[first, first] + effect_cov[second, second]
                                 - 2 * effect_cov[first, second], 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            p_values = np.where(ses > 0, 2 * norm.sf(np.abs(diffs) / ses), 1.0)
        rows = [(int(i), int(j), float(d), float(se), float(p))
                for i, j, d, se, p in zip(first, second, diffs, ses, p_values, strict=True)]
        adjusted_p = holm(p_values)
        pairs = []
        for (i, j, diff, se, p), p_adj in zip(rows, adjusted_p, strict=True):
            a, b = levels[i], levels[j]
            raw_diff = raw[a] - raw[b]
            adj_diff = adjusted[a] - adjusted[b]
            pairs.append(
                PairDifference(
                    city_a=a,
                    city_b=b,
                    log_odds=diff,
                    low=diff - z * se,
                    high=diff + z * se,
                    p_value=p,
                    p_adjusted=float(p_adj),
                    differs=bool(p_adj < alpha),
                    raw_difference=raw_diff,
                    adjusted_difference=adj_diff,
                    composition=raw_diff - adj_diff,
                )
            )
        results[model] = Comparison(estimates, pairs, alpha, n, list(covariates), model=model,
                                    between_city_sd=tau)
    return results


def _partial_pooling(
    params: np.ndarray, cov: np.ndarray, k: int, centre: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Shrink the fixed fit's city log-odds toward their common mean (see the module text).

    Each city's log-odds is taken at the pooled sample's covariate mix (``centre``: the design
    row of the reference city averaged over that mix), where its standard error is mostly the
    city's own sampling noise; at the reference covariate cell the shared uncertainty of the
    covariate effects would count as noise and over-pool. Returns the pooled effects relative to
    the reference city's fixed log-odds there (so that the rest of the comparison reads them as
    it reads the fixed ones), their covariance (diagonal: the pooled values are treated as
    independent), the weight each city keeps on its own estimate, and τ."""
    pick = np.tile(centre, (k, 1))
    for c in range(1, k):
        pick[c, c] += 1.0
    own = pick @ params
    variance = np.diag(pick @ cov @ pick.T)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        pooled = combine_effects(own, variance, method_re="iterated")
    tau2 = max(float(pooled.tau2), 0.0)
    mean = float(pooled.mean_effect_re)
    mean_variance = float(pooled.var_eff_w_re)
    keep = tau2 / (tau2 + variance)
    shrunk = mean + keep * (own - mean)
    # Posterior variance of each pooled value, with the uncertainty of the common mean.
    shrunk_variance = keep * variance + (1 - keep) ** 2 * mean_variance
    return shrunk - own[0], np.diag(shrunk_variance), keep, float(np.sqrt(tau2))
