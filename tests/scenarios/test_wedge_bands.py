"""Each measure's wedge per year with its Monte Carlo band: stored in the run, shown on the
scenario page beside its table, and in the exports (tests/scenarios/test_exports.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from urbis.engines import scenario as engine
from urbis.scenarios import queries, services

pytestmark = pytest.mark.django_db


def test_stored_bands_are_ordered_repeat_with_the_seed_and_match_the_fixed_measure(
        scenario: Any) -> None:
    run = services.run_scenario(None, scenario, samples=400, seed=9, operator=True)
    years = run.result["years"]
    assert run.result["wedge_runs"] == 400
    for w in run.result["wedges"]:
        low, mid, high = w["band_t"]
        assert len(low) == len(mid) == len(high) == len(years)
        assert all(a <= b <= c for a, b, c in zip(low, mid, high, strict=True)), w["name"]
    by_name = {w["name"]: w for w in run.result["wedges"]}
    # Solar has no range, and nothing uncertain moves its credit (a fixed electricity path):
    # every run attributes it the deterministic wedge, so its median is that wedge.
    solar = by_name["Solar"]
    assert solar["band_t"][1] == pytest.approx(solar["values"], abs=1e-3)
    assert solar["band_t"][0] == pytest.approx(solar["values"], abs=1e-3)
    assert solar["values"][-1] > 0
    # The insulation's cut is uncertain: its band has a width once it has started.
    low, _mid, high = by_name["Rehabilitació"]["band_t"]
    assert high[-1] - low[-1] > 1.0
    # The same seed stores the same bands; another seed other bands.
    again = services.run_scenario(None, scenario, samples=400, seed=9, operator=True)
    assert [w["band_t"] for w in again.result["wedges"]] == \
        [w["band_t"] for w in run.result["wedges"]]
    other = services.run_scenario(None, scenario, samples=400, seed=10, operator=True)
    assert by_name["Rehabilitació"]["band_t"] != other.result["wedges"][0]["band_t"]


def test_band_median_equals_the_engine_projection_for_a_fixed_measure(scenario: Any) -> None:
    run = services.run_scenario(None, scenario, samples=50, seed=1, operator=True)
    projected = engine.project(queries.engine_scenario(scenario))
    solar = next(m for m in projected.measures if m.name == "Solar")
    stored = next(w for w in run.result["wedges"] if w["name"] == "Solar")
    assert stored["band_t"][1] == pytest.approx(list(solar.wedge.values), abs=1e-3)


def test_page_shows_the_band_table_beside_its_chart(scenario: Any, client_for: Any) -> None:
    run = services.run_scenario(None, scenario, samples=200, seed=2, operator=True)
    html = client_for(None).get("/cities/barcelona/scenarios/pla-clima/").content.decode()
    assert 'id="wedge-band-chart"' in html and 'id="wedge-band-table"' in html
    assert "scenarios/wedges.js" in html  # draws both charts
    table = html[html.index('id="wedge-band-table"'):]
    table = table[:table.index("</table>")]
    # One row per year, one cell per measure, each "median" then "p5–p95".
    assert table.count("<tr>") == 1 + len(run.result["years"])
    rehab = next(w for w in run.result["wedges"] if w["name"] == "Rehabilitació")
    last = len(run.result["years"]) - 1
    shown = f"{rehab['band_t'][0][last]:,.0f}–{rehab['band_t'][2][last]:,.0f}"
    assert shown in table
    with translation.override("de"):
        html_de = client_for(None).get("/cities/barcelona/scenarios/pla-clima/",
                                       HTTP_ACCEPT_LANGUAGE="de").content.decode()
        # A template's {% translate %} keys a "%" as "%%" (Django escapes it in the catalogue).
        band = translation.gettext("5–95 %% of runs").replace("%%", "%")
    canvas = html_de[html_de.index('id="wedge-band-chart"'):]
    assert f'data-band-label="{band}"' in canvas[:canvas.index(">")]


def test_a_run_stored_before_the_bands_shows_no_band_and_exports_without_them(
        scenario: Any, client_for: Any) -> None:
    run = services.run_scenario(None, scenario, samples=50, seed=1, operator=True)
    for w in run.result["wedges"]:
        del w["band_t"]
    run.save(update_fields=["result"])
    html = client_for(None).get("/cities/barcelona/scenarios/pla-clima/").content.decode()
    assert 'id="wedge-band-chart"' not in html and 'id="wedge-chart"' in html
    records = list(queries.run_export_records(scenario, run))
    assert not [r for r in records
                if r["quantity"] == "avoided_emissions" and r["statistic"] != "central"]
