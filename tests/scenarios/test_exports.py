"""Exports of a stored run (CSV streamed, JSON): read back, they equal the stored run; every
figure carries its unit and is marked modelled; readers of the scenario may download it."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from urbis.scenarios import queries, services
from urbis.scenarios.models import InventoryRow

pytestmark = pytest.mark.django_db

URLS = ["/cities/barcelona/scenarios/pla-clima/run.{fmt}",
        "/api/v1/cities/barcelona/scenarios/pla-clima/run.{fmt}"]


def _csv_records(response: Any) -> list[dict[str, str]]:
    assert response.streaming, "the CSV is streamed"
    text = b"".join(response.streaming_content).decode()
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == queries.EXPORT_COLUMNS
    return list(reader)


def _num(value: str) -> float | None:
    return None if value == "" else float(value)


def _check_against_run(records: list[dict[str, Any]], run: Any, num: Any) -> None:
    """Rebuild the stored run's series from the records and compare them one by one."""
    r = run.result
    years = r["years"]
    got: dict[tuple[str, ...], dict[int | None, float | None]] = {}
    for rec in records:
        assert str(rec["modelled"]).lower() == "true"
        assert rec["unit"] == queries.EXPORT_UNITS[rec["quantity"]]
        assert rec["inventory_origin"] == "illustrative"
        year = None if rec["year"] in ("", None) else int(rec["year"])
        key = (rec["quantity"], rec["case"], rec["sector"], rec["carrier"], rec["measure"],
               rec["statistic"])
        assert year not in got.setdefault(key, {}), f"{key} {year} twice"
        got[key][year] = num(rec["value"])

    def series(*key: str) -> list[float | None]:
        return [got[key][y] for y in years]

    assert r["cells"], "the run stores its cells"
    for cell in r["cells"]:
        s, c = cell["sector"], cell["carrier"]
        assert series("final_energy", "bau", s, c, "", "central") == cell["bau_mwh"]
        assert series("final_energy", "scenario", s, c, "", "central") == cell["mwh"]
        assert series("emissions", "bau", s, c, "", "central") == cell["bau_t"]
        assert series("emissions", "scenario", s, c, "", "central") == cell["t"]
    for case in ("bau", "scenario"):
        assert series("emissions", case, "total", "total", "", "central") == r[case]
        for stat, band in zip(("p5", "median", "p95"), r["bands"][case], strict=True):
            assert series("emissions", case, "total", "total", "", stat) == band
        assert series("local_production_credit", case, "total", "", "", "central") == \
            r["by_sector"]["local_credit"][case]
    for w in r["wedges"]:
        n = w["name"]
        assert series("avoided_emissions", "measure", "", "", n, "central") == w["values"]
        assert w["band_t"], "the run stores each measure's band per year"
        for stat, band in zip(("p5", "median", "p95"), w["band_t"], strict=True):
            assert series("avoided_emissions", "measure", "", "", n, stat) == band
        cum = [got[("avoided_emissions_cumulative", "measure", "", "", n, st)][None]
               for st in ("central", "p5", "median", "p95")]
        assert cum == [w["cumulative_t"], *w["cumulative_band_t"]]
        assert got[("cost_per_tonne", "measure", "", "", n, "central")][None] == w["cost_per_t"]
    # Nothing else: every record was one of the figures above.
    # 2 quantities × 2 cases per cell; 4 statistics × 2 cases of the totals; 2 credits; per
    # measure its wedge with its 3 yearly statistics, 4 cumulative figures and its cost per
    # tonne.
    assert len(got) == 4 * len(r["cells"]) + 8 + 2 + 9 * len(r["wedges"])


@pytest.mark.parametrize("url", URLS)
def test_csv_export_reads_back_as_the_stored_run(scenario: Any, client_for: Any,
                                                 url: str) -> None:
    run = services.run_scenario(None, scenario, samples=300, seed=4, operator=True)
    response = client_for(None).get(url.format(fmt="csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"run-{run.pk}.csv" in response["Content-Disposition"]
    _check_against_run(_csv_records(response), run, _num)


@pytest.mark.parametrize("url", URLS)
def test_json_export_reads_back_as_the_stored_run(scenario: Any, client_for: Any,
                                                  url: str) -> None:
    run = services.run_scenario(None, scenario, samples=300, seed=4, operator=True)
    body = json.loads(client_for(None).get(url.format(fmt="json")).content)
    assert body["modelled"] is True and body["columns"] == queries.EXPORT_COLUMNS
    assert body["inventory"] == {"year": 2020, "source": "test rows", "origin": "illustrative"}
    assert body["seed"] == 4 and body["samples"] == 300
    assert body["wedge_runs"] == 300
    _check_against_run(body["records"], run, lambda v: v)


def test_energy_cells_sum_to_the_inventory_in_the_first_year(scenario: Any) -> None:
    run = services.run_scenario(None, scenario, samples=50, seed=1, operator=True)
    cells = {(c["sector"], c["carrier"]): c for c in run.result["cells"]}
    for row in InventoryRow.objects.filter(inventory=scenario.inventory):
        assert cells[(row.sector, row.carrier)]["bau_mwh"][0] == pytest.approx(row.energy_mwh)
    # The scenario's emissions per cell, less the local credit, are its total.
    first_total = sum(c["t"][-1] for c in run.result["cells"]) - \
        run.result["by_sector"]["local_credit"]["scenario"][-1]
    assert first_total == pytest.approx(run.result["scenario"][-1], abs=0.01)


def test_origin_measured_when_every_row_is_from_measured_data(scenario: Any) -> None:
    inv = scenario.inventory
    assert queries.inventory_origin(inv) == "illustrative"
    inv.is_illustrative = False
    inv.save()
    assert queries.inventory_origin(inv) == "entered"
    inv.rows.update(source=f"{queries.MEASURED_SOURCE_PREFIX}, Open Data BCN, 2020")
    assert queries.inventory_origin(inv) == "measured"


@pytest.mark.parametrize("url", URLS)
def test_unpublished_scenario_export_is_refused_to_readers(
        scenario: Any, client_for: Any, make_user: Any, barcelona: Any, url: str) -> None:
    services.run_scenario(None, scenario, samples=20, seed=1, operator=True)
    scenario.is_published = False
    scenario.save()
    for fmt in ("csv", "json"):
        assert client_for(None).get(url.format(fmt=fmt)).status_code == 404
        member = client_for(make_user("member", barcelona))
        assert member.get(url.format(fmt=fmt)).status_code == 404
        editor = client_for(make_user("editor", barcelona))
        assert editor.get(url.format(fmt=fmt)).status_code == 200


def test_no_run_no_export_and_the_page_links_it(scenario: Any, client_for: Any) -> None:
    client = client_for(None)
    for url in URLS:
        assert client.get(url.format(fmt="csv")).status_code == 404
    services.run_scenario(None, scenario, samples=20, seed=1, operator=True)
    page = client.get("/cities/barcelona/scenarios/pla-clima/").content.decode()
    assert 'href="/cities/barcelona/scenarios/pla-clima/run.csv"' in page
    assert 'href="/cities/barcelona/scenarios/pla-clima/run.json"' in page


def test_command_line_export_equals_the_download(scenario: Any, client_for: Any) -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="no stored run"):
        call_command("scenario", "export", "barcelona", "pla-clima", stdout=io.StringIO())
    run = services.run_scenario(None, scenario, samples=50, seed=2, operator=True)
    out = io.StringIO()
    call_command("scenario", "export", "barcelona", "pla-clima", stdout=out)
    downloaded = b"".join(client_for(None).get(
        "/cities/barcelona/scenarios/pla-clima/run.csv").streaming_content).decode()
    assert out.getvalue() == downloaded
    out = io.StringIO()
    call_command("scenario", "export", "barcelona", "pla-clima", "--format", "json", stdout=out)
    _check_against_run(json.loads(out.getvalue())["records"], run, lambda v: v)
