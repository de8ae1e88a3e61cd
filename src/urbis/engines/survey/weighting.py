"""Raking survey respondents to population margins, with trimmed weights and Kish's design effect.

The sample is cross-tabulated by the weighting variables (age band × sex × district); the table is
raked with iterative proportional fitting (the ``ipfn`` package) to the population margins — one-way
margins, or joint ones such as age × sex — and each respondent gets the weight of their cell
(raked cell total ÷ respondents in the cell). Weights above ``trim`` × the mean weight are capped
and the table raked again, a few rounds, so that no respondent speaks for too many people; if the
cap and the margins cannot both hold, the margins win and the result says so (``trimmed`` and the
largest remaining ratio). Kish's design effect ``n·Σw² / (Σw)²`` says how much precision the
weighting costs: the effective sample size is ``n / deff``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from ipfn import ipfn

DEFAULT_TRIM = 5.0  # cap on a weight, in multiples of the mean weight


class WeightingError(ValueError):
    """The sample or the margins cannot be raked; ``field`` names what is wrong."""

    def __init__(self, field: str, reason: str):
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


def rake_table(
    seed: np.ndarray,
    margins: Sequence[np.ndarray],
    dimensions: Sequence[Sequence[int]],
    *,
    passes: int | None = None,
    tolerance: float = 1e-10,
) -> np.ndarray:
    """Rake ``seed`` so that its sums over ``dimensions`` equal ``margins``.

    ``passes`` stops after that many full rounds over the margins (for comparing with a worked
    iteration); by default it runs to convergence.
    """
    table = np.array(seed, dtype=float)
    if (table < 0).any():
        raise WeightingError("seed", "has a negative cell")
    totals = {round(float(np.sum(m)), 6) for m in margins}
    if len(totals) > 1:
        raise WeightingError("margins", f"totals differ: {sorted(totals)}")
    max_iteration = (passes - 1) if passes is not None else 1000
    with warnings.catch_warnings():
        # ipfn divides empty cells by themselves while measuring convergence; they stay empty.
        warnings.simplefilter("ignore", RuntimeWarning)
        fitted = ipfn.ipfn(
            table,
            [np.asarray(m, dtype=float) for m in margins],
            [list(d) for d in dimensions],
            convergence_rate=tolerance,
            max_iteration=max_iteration,
            rate_tolerance=0.0 if passes is not None else 1e-14,
        ).iteration()
    return np.asarray(fitted, dtype=float)


@dataclass(frozen=True)
class Weights:
    weights: np.ndarray  # one per respondent, summing to the population total
    design_effect: float  # Kish
    effective_n: float
    trimmed: int  # respondents whose weight was capped in the last round
    max_ratio: float  # largest weight ÷ mean weight after trimming
    max_margin_error: float  # largest relative gap between weighted and population margins


def design_effect(weights: np.ndarray) -> float:
    """Kish's approximate design effect of unequal weighting, ``n·Σw² / (Σw)²``."""
    w = np.asarray(weights, dtype=float)
    if w.size == 0 or w.sum() <= 0:
        return float("nan")
    return float(w.size * np.square(w).sum() / np.square(w.sum()))


def rake(
    codes: Mapping[str, Sequence[str]],
    margins: Mapping[tuple[str, ...], Mapping[tuple[str, ...], float]],
    *,
    trim: float | None = DEFAULT_TRIM,
    rounds: int = 10,
) -> Weights:
    """Weights for respondents described by ``codes`` (variable → one category per respondent).

    ``margins`` maps a tuple of variables (``("age",)``, ``("age", "sex")``) to the population count
    of each combination of their categories. Every category a respondent has must appear in the
    margins, and every populated margin cell needs at least one respondent.
    """
    variables = list(codes)
    if not variables:
        raise WeightingError("codes", "no weighting variable")
    n = len(codes[variables[0]])
    if n == 0:
        raise WeightingError("codes", "no respondents")
    for name in variables:
        if len(codes[name]) != n:
            raise WeightingError(name, f"{len(codes[name])} values for {n} respondents")
    categories: dict[str, list[str]] = {name: [] for name in variables}
    for key, cells in margins.items():
        for name in key:
            if name not in categories:
                raise WeightingError(name, "a margin names a variable the respondents lack")
        for combo in cells:
            if len(combo) != len(key):
                raise WeightingError("/".join(key), f"cell {combo!r} does not match")
            for name, value in zip(key, combo, strict=True):
                if value not in categories[name]:
                    categories[name].append(value)
    for name in variables:
        if not categories[name]:
            raise WeightingError(name, "no margin covers this variable")
    index = {name: {c: i for i, c in enumerate(cats)} for name, cats in categories.items()}
    positions = []
    for name in variables:
        try:
            positions.append(np.array([index[name][v] for v in codes[name]], dtype=np.intp))
        except KeyError as missing:
            raise WeightingError(
                name, f"category {missing} is not in the population margins"
            ) from None
    shape = tuple(len(categories[name]) for name in variables)
    flat = np.ravel_multi_index(tuple(positions), shape)
    sample = np.bincount(flat, minlength=int(np.prod(shape))).reshape(shape).astype(float)

    margin_arrays: list[np.ndarray] = []
    dims: list[list[int]] = []
    for key, cells in margins.items():
        axes = [variables.index(name) for name in key]
        array = np.zeros(tuple(shape[a] for a in axes))
        for combo, count in cells.items():
            if count < 0:
                raise WeightingError("/".join(key), f"negative count for {combo!r}")
            array[tuple(index[name][v] for name, v in zip(key, combo, strict=True))] = count
        # Put the margin's axes in the table's order, as the fitting expects.
        order = np.argsort(axes)
        array = np.transpose(array, order)
        key = tuple(key[i] for i in order)
        axes = sorted(axes)
        reached = sample.sum(axis=tuple(a for a in range(len(shape)) if a not in axes))
        empty = (array > 0) & (reached == 0)
        if empty.any():
            where = tuple(int(i) for i in np.argwhere(empty)[0])
            label = tuple(categories[key[k]][where[k]] for k in range(len(key)))
            raise WeightingError(
                "/".join(key), f"no respondent in {label!r}, which has people in the population"
            )
        margin_arrays.append(array)
        dims.append(axes)

    seed = sample.copy()
    cell_weight = np.zeros(shape)
    trimmed = 0
    for _round in range(max(rounds, 1)):
        fitted = rake_table(seed, margin_arrays, dims)
        with np.errstate(invalid="ignore", divide="ignore"):
            cell_weight = np.where(sample > 0, fitted / sample, 0.0)
        weights = cell_weight.reshape(-1)[flat]
        if trim is None:
            break
        cap = trim * weights.mean()
        over = cell_weight > cap * (1 + 1e-9)
        trimmed = int(sample[over].sum())
        if not over.any():
            break
        seed = sample * np.minimum(cell_weight, cap)
    weights = cell_weight.reshape(-1)[flat]
    total = weights.sum()
    errors = []
    for array, axes in zip(margin_arrays, dims, strict=True):
        got = (sample * cell_weight).sum(axis=tuple(a for a in range(len(shape)) if a not in axes))
        scale = np.maximum(array, 1e-12)
        errors.append(float(np.max(np.abs(got - array) / scale)))
    deff = design_effect(weights)
    return Weights(
        weights=weights,
        design_effect=deff,
        effective_n=n / deff,
        trimmed=trimmed,
        max_ratio=float(weights.max() / (total / n)),
        max_margin_error=max(errors),
    )
