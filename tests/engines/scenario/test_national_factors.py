"""National electricity factors shipped as data: only figures found published, each naming
where it was read; a bad row is refused naming file, row and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from urbis.engines import scenario as engine


def test_the_shipped_figures_and_their_sources() -> None:
    rows = {(r.country, r.year): r for r in engine.national_factor_rows()}
    # RTE, Bilan électrique 2023: 32 g CO2eq per kWh produced in France.
    assert rows[("FR", 2023)].t_co2e_per_mwh == pytest.approx(0.032)
    assert "RTE" in rows[("FR", 2023)].publisher
    # REE: 0.26 t CO2-eq per MWh generated in Spain in 2015 (as quoted by the press).
    assert rows[("ES", 2015)].t_co2e_per_mwh == pytest.approx(0.26)
    assert rows[("ES", 2015)].verification.startswith("secondary")
    for r in rows.values():
        assert r.read_from.startswith("http") and r.licence and r.document


def test_a_country_without_a_published_figure_has_none() -> None:
    assert engine.national_electricity_factor("DE") is None
    fr = engine.national_electricity_factor("fr")
    # France is in the published yearly series, which comes before the single published figure
    # (RTE 2023): a year per row, from 2005.
    assert fr is not None and min(fr.by_year) == 2005 and 2023 in fr.by_year
    assert "Our World in Data" in fr.source


def test_a_bad_row_names_file_row_and_field(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    header = ("country,year,t_co2e_per_mwh,basis,publisher,document,read_from,verification,"
              "licence\n")
    path.write_text(header + "FR,2023,0.032,b,RTE,doc,https://x,primary,quoted\n"
                    "Spain,2015,7,b,,doc,https://x,primary,quoted\n", encoding="utf-8")
    with pytest.raises(engine.ScenarioInputError) as err:
        engine.national_factor_rows(path)
    problems = err.value.problems
    assert ("f.csv row 3", "country", "not an ISO 3166-1 alpha-2 code: 'Spain'") in problems
    assert ("f.csv row 3", "t_co2e_per_mwh", "7.0 is outside 0–2 t/MWh") in problems
    assert ("f.csv row 3", "publisher", "missing: every figure names its source") in problems
