"""National electricity factors shipped as data: the published yearly series (read from Our
World in Data's compilation of Ember and Energy Institute data) and the single published
figures as the fallback for a country the series does not cover."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from urbis.engines.scenario import factors
from urbis.engines.scenario.model import ScenarioInputError


def test_yearly_series_holds_the_figures_as_published() -> None:
    rows = factors.national_factor_rows(factors.YEARLY_SERIES)
    got = {(r.country, r.year): r.t_co2e_per_mwh for r in rows}
    # Spot checks against owid-energy-data.csv (commit e7897ae), column carbon_intensity_elec,
    # in g CO2-eq/kWh: Spain 2005 475.060, 2019 246.670, 2024 146.220; France 2005 85.530,
    # 2023 53.260, 2024 40.480.
    assert got[("ES", 2005)] == 0.47506 and got[("ES", 2019)] == 0.24667
    assert got[("ES", 2024)] == 0.14622
    assert got[("FR", 2005)] == 0.08553 and got[("FR", 2023)] == 0.05326
    assert got[("FR", 2024)] == 0.04048
    assert sorted({r.year for r in rows}) == list(range(2005, 2025))
    for r in rows:
        # Each row says what it is, as published, with its source and licence.
        assert f"published as {r.t_co2e_per_mwh * 1000:.3f} g" in r.basis
        assert "e7897aed55b514b8d16e0a3d8f1518789ac3de31" in r.read_from and r.licence


def test_a_country_in_the_series_takes_its_path_else_the_single_figures(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spain = factors.national_electricity_factor("ES")
    assert spain is not None and spain.edition == "2005–2024"
    assert spain.by_year is not None and spain.by_year[2015] == 0.3285
    assert spain.source.startswith("national factor: Ember")
    assert factors.national_electricity_factor("DE") is None  # nothing found published
    # A series without Spain: Spain falls back to REE's single published figure.
    only_france = tmp_path / "yearly.csv"
    with factors.YEARLY_SERIES.open(encoding="utf-8") as src:
        lines = [line for line in src if not line.startswith("ES,")]
    only_france.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setattr(factors, "YEARLY_SERIES", only_france)
    fallback = factors.national_electricity_factor("ES")
    assert fallback is not None and fallback.by_year == {2015: 0.26}
    assert "Red Eléctrica de España" in fallback.source


def test_a_row_without_its_source_is_refused_naming_the_row(tmp_path: Path) -> None:
    bad = tmp_path / "yearly.csv"
    shutil.copy(factors.YEARLY_SERIES, bad)
    text = bad.read_text(encoding="utf-8").splitlines()
    fields = text[3].split(",")
    fields[-1] = ""  # the licence of the third data row
    text[3] = ",".join(fields)
    bad.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(ScenarioInputError) as err:
        factors.national_factor_rows(bad)
    assert ("yearly.csv row 4", "licence", "missing: every figure names its source") in \
        err.value.problems
