"""Built floor area per area: imported all or nothing, shown on the area page and in the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from urbis.errors import ImportRefused
from urbis.places import services
from urbis.places.models import Area, City

HEADER = "code,floor_area_m2,reference_date,source\n"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "floor.csv"
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def test_floor_area_is_stored_with_date_and_source(barcelona: City, tmp_path: Path) -> None:
    path = _write(tmp_path, "B01,2953018,2014-01-01,Cadastre 2014\nB02,1500000.5,2014-01-01,x\n")
    assert services.import_floor_area(path, city=barcelona) == 2
    raval = Area.objects.get(city=barcelona, code="B01")
    assert raval.floor_area_m2 == 2953018
    assert str(raval.floor_area_date) == "2014-01-01" and raval.floor_area_source == "Cadastre 2014"


def test_bad_floor_area_rows_are_refused_and_nothing_changes(
    barcelona: City, tmp_path: Path
) -> None:
    services.import_floor_area(_write(tmp_path, "B01,1000,2014-01-01,first\n"), city=barcelona)
    before = dict(barcelona.areas.values_list("code", "floor_area_m2"))
    assert before["B01"] == 1000
    path = _write(
        tmp_path,
        "B02,2000,2014-01-01,ok\n"  # row 2: fine, but must not be stored either
        "B03,lots,2014-01-01,x\n"
        "B04,-5,2014-01-01,x\n"
        "B999,10,2014-01-01,x\n"
        "B05,10,,x\n"
        "B02,30,2014-01-01,again\n"
        "B06,inf,2014-01-01,x\n",
    )
    with pytest.raises(ImportRefused) as refused:
        services.import_floor_area(path, city=barcelona)
    found = {(e.row, e.field) for e in refused.value.errors}
    assert found == {
        (3, "floor_area_m2"), (4, "floor_area_m2"), (5, "code"), (6, "reference_date"),
        (7, "code"), (8, "floor_area_m2"),
    }
    message = str(refused.value)
    assert "floor.csv, row 4, field 'floor_area_m2': must be above 0 m², not -5" in message
    assert "already given in row 2" in message
    assert dict(barcelona.areas.values_list("code", "floor_area_m2")) == before


def test_missing_column_is_named(barcelona: City, tmp_path: Path) -> None:
    path = tmp_path / "floor.csv"
    path.write_text("code,floor_area_m2\nB01,10\n")
    with pytest.raises(ImportRefused) as refused:
        services.import_floor_area(path, city=barcelona)
    assert [(e.row, e.field, e.reason) for e in refused.value.errors] == [
        (2, "reference_date", "column missing")
    ]


def test_empty_value_clears_the_figure(barcelona: City, tmp_path: Path) -> None:
    services.import_floor_area(_write(tmp_path, "B01,1000,2014-01-01,x\n"), city=barcelona)
    services.import_floor_area(_write(tmp_path, "B01,,,\n"), city=barcelona)
    raval = Area.objects.get(city=barcelona, code="B01")
    assert raval.floor_area_m2 is None and raval.floor_area_date is None
    assert raval.floor_area_source == ""


def test_command_line(barcelona: City, tmp_path: Path, capsys: Any) -> None:
    call_command("import-floor-area", str(_write(tmp_path, "B01,1000,2014-01-01,x\n")),
                 city="barcelona")
    assert "floor area set for 1 area." in capsys.readouterr().out
    with pytest.raises(CommandError, match="row 2, field 'floor_area_m2'"):
        call_command("import-floor-area", str(_write(tmp_path, "B01,0,2014-01-01,x\n")),
                     city="barcelona")
    with pytest.raises(CommandError, match="No city"):
        call_command("import-floor-area", str(tmp_path / "floor.csv"), city="atlantis")


def test_page_and_api_show_the_floor_area(client: Any, barcelona: City, tmp_path: Path) -> None:
    services.import_floor_area(
        _write(tmp_path, "B01,2953018,2014-01-01,Cadastre 2014\n"), city=barcelona
    )
    page = client.get("/cities/barcelona/areas/B01/").content.decode()
    assert "Built floor area" in page and "2,953,018 m²" in page and "Cadastre 2014" in page
    area = client.get("/api/v1/cities/barcelona/areas/B01").json()
    assert area["floor_area_m2"] == 2953018
