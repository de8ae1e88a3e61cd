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
