"""The area balance is summed over carriers in one pass for every year, month and sector of
the area; it must give exactly what summing each period and sector on its own gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.management import call_command

from tests.energy.conftest import readings
from urbis.energy import engine, queries
from urbis.energy.queries import SECTORS, _cube, _figures, _per_unit, _select

pytestmark = pytest.mark.django_db


def _period_by_period(city: Any, area: str, carrier: str) -> dict[str, Any]:
    """The balance as it was computed before: one selection per year, month and sector."""
    cube = _cube(city).filter(pl.col("area_code") == area)
    years = []
    for year in sorted(set(cube["year"].to_list())):
        def rows(month: int, sector: str, year: int = year) -> list[dict[str, Any]]:
            return list(_select(cube, level=None, year=year, month=month, sector=sector,
                                carrier=carrier).iter_rows(named=True))
        first = next(iter(rows(0, "all")), None)
        years.append({
            "year": year,
            "total": _figures(first) if first else None,
            **_per_unit(first),
            "months": [{"month": r["month"], **_figures(r)}
                       for m in range(1, 13) for r in rows(m, "all")],
            "sectors": [{"sector": s, **_figures(r)} for s in SECTORS for r in rows(0, s)],
        })
    return {"area": area, "carrier": carrier, "years": years}


def test_one_pass_equals_each_period_on_its_own(barcelona: Any, energy_dir: Path,
                                                write_file: Any) -> None:
    engine.forget(barcelona)
    files = {
        "a.csv": readings(4, 72, start_day="2024-06-03", prefix="a"),
        "b.csv": readings(4, 48, start_day="2025-01-06", prefix="b")
        .replace(";residential;electricity;", ";commercial;gas;"),
        "c.csv": readings(3, 24, start_day="2025-06-02", prefix="c", pv=False)
        .replace(";residential;", ";public;"),
    }
    for name, text in files.items():
        call_command("energy", "ingest", str(write_file(name, text)), "--city", "barcelona",
                     verbosity=0)
    for area in ("B07", barcelona.code):
        for carrier in ("all", "electricity", "gas", "heat"):
            got = queries.area_balance(barcelona, area, carrier=carrier)
            assert got == _period_by_period(barcelona, area, carrier), (area, carrier)
    balance = queries.area_balance(barcelona, "B07")
    assert [y["year"] for y in balance["years"]] == [2024, 2025]
    assert {s["sector"] for s in balance["years"][1]["sectors"]} >= {"commercial", "public"}
    assert len(balance["years"][1]["months"]) >= 2
