"""A layer that declares a version (``Layer.version``) has its temporal extent read from its
rows once per version, not on every /collections page; without one it is read each time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from urbis.opendata import provider
from urbis.opendata.registry import Field, Hints, Layer, Row


def _layer(version: Any, years: list[int], calls: list[int]) -> Layer:
    def rows(city: Any, hints: Hints) -> list[Row]:
        calls.append(1)
        return [Row(id=str(y), properties={"year": y}) for y in years]

    return Layer(id="test-span", title="t", description="d",
                 fields=(Field("year", "integer", "Year"),), rows=rows, temporal="year",
                 version=version)


def test_span_is_kept_until_the_version_changes(barcelona: Any) -> None:
    state = {"version": 1}
    years = [2021, 2019, 2020]
    calls: list[int] = []
    c = provider.Collection(barcelona, _layer(lambda city: state["version"], years, calls))
    whole = (dt.date(2019, 1, 1), dt.date(2021, 12, 31))
    assert provider.temporal_span(c) == whole
    assert provider.temporal_span(c) == whole
    assert len(calls) == 1
    years.append(2024)  # the rows change and their version with them
    state["version"] = 2
    assert provider.temporal_span(c) == (dt.date(2019, 1, 1), dt.date(2024, 12, 31))
    assert len(calls) == 2


def test_without_a_version_the_rows_are_read_each_time(barcelona: Any) -> None:
    years = [2020]
    calls: list[int] = []
    c = provider.Collection(barcelona, _layer(None, years, calls))
    assert provider.temporal_span(c) == (dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    years.append(2022)
    assert provider.temporal_span(c) == (dt.date(2020, 1, 1), dt.date(2022, 12, 31))
    assert len(calls) == 2


def test_energy_layers_declare_their_store_key() -> None:
    from urbis.energy import engine
    from urbis.opendata.registry import get_layer

    for layer_id in ("energy-balance", "street-cells"):
        layer = get_layer(layer_id)
        assert layer is not None and layer.version is engine.catalogue_key
