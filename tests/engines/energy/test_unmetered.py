"""Estimates of unmetered carriers: floor area of a use × a published intensity, on the lowest
areas that have a floor area, never where readings of that use and carrier are metered, stored
as annual readings flagged as estimates that the balance sums like any other."""

from __future__ import annotations

import polars as pl
import pytest

from tests.engines.energy.conftest import write_csv
from urbis.engines.energy import Area, AreaIndex, energy_balance, ingest_file, list_files
from urbis.engines.energy.model import EnergyEngineError
from urbis.engines.energy.store import committed_paths
from urbis.engines.energy.unmetered import (
    EnergyIntensity,
    FloorAreaByUse,
    estimate_unmetered,
    metered_consumption,
    store_unmetered_estimates,
    stored_keys,
    unmetered_year,
)

OIL = EnergyIntensity("residential", "oil", 20.0, 2023, "Published table")
HEAT = EnergyIntensity("commercial", "heat", 35.5, 2022, "Heat report")


def _floors() -> list[FloorAreaByUse]:
    return [
        FloorAreaByUse("N1", "residential", 1000.0, "Cadastre"),
        FloorAreaByUse("N2", "residential", 500.0, "Cadastre"),
        FloorAreaByUse("N2", "commercial", 200.0, "Cadastre"),
        # The district's figure is its neighbourhoods' sum: counting it too would double it.
        FloorAreaByUse("D1", "residential", 1500.0, "Cadastre"),
        FloorAreaByUse("ELSEWHERE", "residential", 9.0, "Other city"),  # not an area here
    ]


def test_floor_area_times_intensity_on_the_lowest_areas(areas: list[Area]) -> None:
    found = estimate_unmetered(AreaIndex(areas), _floors(), [OIL, HEAT], 2024)
    assert [(e.area_code, e.sector, e.carrier, e.kwh) for e in found] == [
        ("N1", "residential", "oil", 20_000.0),
        ("N2", "commercial", "heat", 7_100.0),
        ("N2", "residential", "oil", 10_000.0),
    ]
    first = found[0]
    assert first.unit == "kWh" and first.year == 2024
    assert first.explanation == (
        "1,000 m² of residential floor area (Cadastre) × 20 kWh/m² a year of oil "
        "(Published table, 2023) = 20,000 kWh, estimated"
    )


def test_a_district_figure_counts_when_nothing_below_has_one(areas: list[Area]) -> None:
    floors = [FloorAreaByUse("D1", "residential", 1500.0, "Cadastre")]
    found = estimate_unmetered(AreaIndex(areas), floors, [OIL], 2024)
    assert [(e.area_code, e.kwh) for e in found] == [("D1", 30_000.0)]


@pytest.mark.parametrize(
    ("metered_on", "estimated"),
    [
        ("N1", {"N2"}),  # metered in N1: N1 is not estimated, its sibling is
        ("D1", set()),  # metered on the district: everything below is covered
        ("BCN", set()),  # on the city
    ],
)
def test_metered_wins(areas: list[Area], metered_on: str, estimated: set[str]) -> None:
    found = estimate_unmetered(
        AreaIndex(areas), _floors(), [OIL], 2024,
        metered=[(metered_on, "residential", "oil"), ("N2", "residential", "gas")],
    )
    assert {e.area_code for e in found} == estimated


def test_metered_below_covers_the_area_above(areas: list[Area]) -> None:
    floors = [FloorAreaByUse("D1", "residential", 1500.0, "Cadastre")]
    found = estimate_unmetered(
        AreaIndex(areas), floors, [OIL], 2024, metered=[("N1", "residential", "oil")]
    )
    assert found == []


@pytest.mark.parametrize(
    ("floors", "intensities", "message"),
    [
        ([FloorAreaByUse("N1", "housing", 10.0)], [OIL], "unknown sector"),
        ([FloorAreaByUse("N1", "residential", 0.0)], [OIL], "above 0"),
        ([], [EnergyIntensity("residential", "coal", 1.0, 2020, "x")], "unknown sector or"),
        ([], [EnergyIntensity("residential", "oil", -1.0, 2020, "x")], "0 or more"),
        ([], [OIL, OIL], "given twice"),
        ([FloorAreaByUse("N1", "residential", 1.0)] * 2, [OIL], "given twice"),
    ],
)
def test_inputs_no_estimate_can_come_from_are_refused(
    areas: list[Area], floors: list[FloorAreaByUse], intensities: list[EnergyIntensity],
    message: str,
) -> None:
    with pytest.raises(EnergyEngineError, match=message):
        estimate_unmetered(AreaIndex(areas), floors, intensities, 2024)


def test_stored_as_flagged_annual_readings_the_balance_sums(tmp_path, areas: list[Area]) -> None:
    index = AreaIndex(areas)
    found = estimate_unmetered(index, _floors(), [OIL, HEAT], 2024)
    record = store_unmetered_estimates(tmp_path, "bcn", index, 2024, found, tz="Europe/Madrid")
    assert record is not None and record.estimate and unmetered_year(record) == 2024
    assert stored_keys(tmp_path, "bcn", 2024) == {
        ("N1", "residential", "oil"), ("N2", "residential", "oil"), ("N2", "commercial", "heat")}
    assert stored_keys(tmp_path, "bcn", 2023) == set()
    stored = pl.read_parquet(committed_paths(tmp_path, "bcn"))
    assert stored.height == 3 and stored["estimate"].all()
    assert set(stored["resolution"]) == {"annual"}
    # Local midnight of 1 January in Madrid is 23:00 UTC the day before.
    assert str(stored["ts"].min()) == "2023-12-31 23:00:00"
    balance = energy_balance(tmp_path, "bcn", areas, tz="Europe/Madrid")
    oil = balance.row("D1", 2024, carrier="oil")
    assert oil is not None and oil.consumption_kwh == pytest.approx(30_000.0)
    assert oil.coarse_consumption_kwh == pytest.approx(30_000.0)
    heat = balance.row("BCN", 2024, carrier="heat", sector="commercial")
    assert heat is not None and heat.consumption_kwh == pytest.approx(7_100.0)

    # Again: replaced, not added; nothing to store removes that year's file.
    store_unmetered_estimates(tmp_path, "bcn", index, 2024, found[:1], tz="Europe/Madrid")
    assert pl.read_parquet(committed_paths(tmp_path, "bcn")).height == 1
    assert store_unmetered_estimates(tmp_path, "bcn", index, 2024, [], tz="Europe/Madrid") is None
    assert list_files(tmp_path, "bcn") == []


def test_metered_consumption_is_read_from_the_stored_readings(tmp_path, areas) -> None:
    lines = [f"m1;2024-03-01T{h:02d}:00:00Z;1.5;kWh;consumption;residential;gas;N1"
             for h in range(24)]
    source = write_csv(tmp_path / "gas.csv", lines)
    report = ingest_file(source, city="bcn", areas=areas, data_dir=tmp_path / "data")
    assert report.status == "stored"
    assert metered_consumption(tmp_path / "data", "bcn", 2024) == {("N1", "residential", "gas")}
    assert metered_consumption(tmp_path / "data", "bcn", 2023) == set()
    # Estimates are not meters: stored oil estimates do not count as metered oil.
    index = AreaIndex(areas)
    store_unmetered_estimates(tmp_path / "data", "bcn", index, 2024,
                              estimate_unmetered(index, _floors(), [OIL], 2024))
    assert metered_consumption(tmp_path / "data", "bcn", 2024) == {("N1", "residential", "gas")}


def test_unchanged_estimates_are_left_in_place(tmp_path, areas: list[Area]) -> None:
    index = AreaIndex(areas)
    found = estimate_unmetered(index, _floors(), [OIL], 2024)
    first = store_unmetered_estimates(tmp_path, "bcn", index, 2024, found)
    again = store_unmetered_estimates(tmp_path, "bcn", index, 2024, found)
    assert first is not None and again is not None
    assert again.ingested_at == first.ingested_at  # the stored file itself, not a new one
    changed = store_unmetered_estimates(tmp_path, "bcn", index, 2024, found[:1])
    assert changed is not None and changed.file_hash != first.file_hash
    assert [f.file_hash for f in list_files(tmp_path, "bcn")] == [changed.file_hash]
