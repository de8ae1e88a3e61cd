from __future__ import annotations

from pathlib import Path

import pytest

from urbis.errors import ImportRefused
from urbis.places import services
from urbis.places.models import Area, City

HEADER = "code,population,households,reference_date,source\n"


def test_population_is_real_and_dated(barcelona: City, paris: City) -> None:
    raval = Area.objects.get(city=barcelona, code="B01")
    assert raval.population and raval.population_date is not None and raval.population_source
    # Barris add up to the published city total for the same date.
    barris = barcelona.areas.filter(level="neighbourhood")
    assert sum(a.population for a in barris) == barcelona.population
    arrondissements = paris.areas.filter(level="district")
    assert sum(a.population for a in arrondissements) == paris.population
    # Households are census counts with their own date: 2011 in Barcelona, 2021 in Paris.
    assert sum(a.households for a in barris) == 684_076  # the census file's city row: 684,078
    assert {str(a.households_date) for a in barris} == {"2011-11-01"}
    assert sum(a.households for a in arrondissements) == 1_128_250  # INSEE: 1,128,250.9
    assert {str(a.households_date) for a in arrondissements} == {"2021-01-01"}
    # INSEE publishes no population per quartier: stored as no data, not split evenly.
    assert not paris.areas.filter(level="neighbourhood", population__isnull=False).exists()


def test_bad_population_rows_are_refused_and_nothing_changes(
    barcelona: City, tmp_path: Path
) -> None:
    before = dict(barcelona.areas.values_list("code", "population"))
    path = tmp_path / "population.csv"
    path.write_text(
        HEADER
        + "B01,1000,,2024-01-01,test\n"
        + "B02,many,,2024-01-01,test\n"
        + "B999,10,,2024-01-01,test\n"
        + "B03,10,,,test\n"
    )
    with pytest.raises(ImportRefused) as refused:
        services.import_population(path, city=barcelona)
    found = {(e.row, e.field) for e in refused.value.errors}
    assert found == {(3, "population"), (4, "code"), (5, "reference_date")}
    assert dict(barcelona.areas.values_list("code", "population")) == before


def test_empty_cell_means_no_data(barcelona: City, tmp_path: Path) -> None:
    path = tmp_path / "population.csv"
    path.write_text(HEADER + "B01,,,,\n")
    services.import_population(path, city=barcelona)
    area = Area.objects.get(city=barcelona, code="B01")
    assert area.population is None and area.density is None


def test_households_keep_their_own_date_and_source(barcelona: City, tmp_path: Path) -> None:
    path = tmp_path / "population.csv"
    path.write_text(
        "code,population,households,reference_date,source,households_reference_date,"
        "households_source\n"
        "B01,47000,17752,2024-01-01,Padró 2024,2011-11-01,Cens 2011\n"
        "B02,20000,8209,2024-01-01,Padró 2024,,\n"
        "B03,,100,,,2011-11-01,Cens 2011\n"
    )
    assert services.import_population(path, city=barcelona) == 3
    b01, b02, b03 = (Area.objects.get(city=barcelona, code=c) for c in ("B01", "B02", "B03"))
    assert (str(b01.population_date), b01.population_source) == ("2024-01-01", "Padró 2024")
    assert (str(b01.households_date), b01.households_source) == ("2011-11-01", "Cens 2011")
    # Without their own columns filled, households share the population's date and source.
    assert (str(b02.households_date), b02.households_source) == ("2024-01-01", "Padró 2024")
    assert b03.population is None and b03.population_date is None
    assert (b03.households, str(b03.households_date)) == (100, "2011-11-01")


def test_households_without_any_date_are_refused(barcelona: City, tmp_path: Path) -> None:
    before = dict(barcelona.areas.values_list("code", "households"))
    path = tmp_path / "population.csv"
    path.write_text(
        "code,population,households,reference_date,source,households_reference_date,"
        "households_source\n"
        "B01,,17752,,,,x\n"
        "B02,,10,,,2011-13-01,x\n"
    )
    with pytest.raises(ImportRefused) as refused:
        services.import_population(path, city=barcelona)
    assert [(e.row, e.field) for e in refused.value.errors] == [
        (2, "households_reference_date"), (3, "households_reference_date")
    ]
    assert "households need their date" in str(refused.value)
    assert dict(barcelona.areas.values_list("code", "households")) == before
