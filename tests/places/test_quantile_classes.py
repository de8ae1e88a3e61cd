"""The one helper that cuts map legends into quantile classes."""

from __future__ import annotations

from urbis.places.queries import quantile_classes


def test_each_bound_is_a_value_at_the_class_edge() -> None:
    assert quantile_classes([float(v) for v in range(10, 0, -1)]) == [2, 4, 6, 8, 10]


def test_equal_bounds_collapse_and_missing_values_are_left_out() -> None:
    assert quantile_classes([1.0, 1.0, None, 1.0, 1.0, 5.0]) == [1.0, 5.0]  # type: ignore[list-item]
    assert quantile_classes([], count=4) == []
    assert quantile_classes([3.0], count=4) == [3.0]
