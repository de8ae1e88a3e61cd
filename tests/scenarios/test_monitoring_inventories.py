"""Monitoring emission inventories (MEI): added through the same editor, CSV import and measured
pre-fill as the baseline; listed beside it; drawn on the scenario's chart as observations."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from urbis.errors import ImportRefused
from urbis.scenarios import queries, services
from urbis.scenarios.models import Inventory

from .test_prefill import measured_2019  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

MEI_CSV = """sector,carrier,energy_mwh,source
residential_buildings,natural_gas,900000,test MEI
residential_buildings,electricity,820000,test MEI
"""


def _upload(text: str, name: str = "mei.csv") -> io.BytesIO:
    handle = io.BytesIO(text.encode())
    handle.name = name
    return handle


def _rows(*cells: tuple[str, str, float]) -> list[dict[str, Any]]:
    return [{"sector": s, "carrier": c, "energy_mwh": m, "source": "test"} for s, c, m in cells]


def test_editor_adds_an_mei_through_the_form(inventory: Any, client_for: Any, make_user: Any,
                                             barcelona: Any) -> None:
    editor = client_for(make_user("editor", barcelona))
    data = {"inv-kind": "mei", "inv-year": "2023", "inv-local_production_mwh": "0",
            "inv-source": "MEI 2023", "inv-is_published": "on",
            "rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "0",
            "rows-0-sector": "residential_buildings", "rows-0-carrier": "natural_gas",
            "rows-0-energy_mwh": "900000", "rows-0-source": "entered"}
    response = editor.post("/cities/barcelona/scenarios/inventories/new/", data)
    assert response.status_code == 302
    mei = Inventory.objects.get(city=barcelona, kind="mei")
    assert mei.year == 2023 and mei.rows.get().energy_mwh == 900000
    # Before the baseline year: refused on the year field, nothing stored.
    response = editor.post("/cities/barcelona/scenarios/inventories/new/",
                           {**data, "inv-year": "2019"})
    assert response.status_code == 422
    assert "after the baseline inventory&#x27;s year 2020" in response.content.decode()
    assert Inventory.objects.filter(kind="mei").count() == 1


def test_mei_rules_name_row_and_field_and_store_nothing(inventory: Any, barcelona: Any,
                                                       make_user: Any) -> None:
    editor = make_user("editor", barcelona)
    with pytest.raises(ValidationError) as err:
        services.save_inventory(editor, barcelona, kind="mei", year=2024,
                                rows=_rows(("residential_buildings", "natural_gas", 1.0),
                                           ("homes", "natural_gas", 1.0),
                                           ("industry", "uranium", 1.0)))
    text = " ".join(err.value.messages)
    assert "Row 2, sector: unknown sector 'homes'." in text
    assert "Row 3, carrier: unknown carrier 'uranium'." in text
    services.save_inventory(editor, barcelona, kind="mei", year=2024,
                            rows=_rows(("residential_buildings", "natural_gas", 1.0)))
    with pytest.raises(ValidationError) as err:
        services.save_inventory(editor, barcelona, kind="mei", year=2024,
                                rows=_rows(("industry", "electricity", 1.0)))
    assert err.value.message_dict["year"] == [
        "This city already has an inventory of this kind for this year."]
    for year in (2020, 2015):
        with pytest.raises(ValidationError) as err:
            services.save_inventory(editor, barcelona, kind="mei", year=year,
                                    rows=_rows(("industry", "electricity", 1.0)))
        assert "after the baseline inventory's year 2020" in err.value.message_dict["year"][0]
    assert list(Inventory.objects.filter(kind="mei").values_list("year", flat=True)) == [2024]
    assert Inventory.objects.get(kind="mei").rows.get().sector == "residential_buildings"


def test_mei_needs_a_baseline(barcelona: Any, make_user: Any) -> None:
    with pytest.raises(ValidationError) as err:
        services.save_inventory(make_user("editor", barcelona), barcelona, kind="mei",
                                year=2024, rows=_rows(("industry", "electricity", 1.0)))
    assert "baseline inventory first" in err.value.message_dict["kind"][0]
    assert not Inventory.objects.exists()


def test_mei_csv_import_and_its_refusals(inventory: Any, barcelona: Any, make_user: Any,
                                         client_for: Any) -> None:
    editor = make_user("editor", barcelona)
    with pytest.raises(ImportRefused) as refused:
        services.import_inventory_csv(editor, barcelona, 2018, MEI_CSV, kind="mei",
                                      file_name="mei.csv")
    assert [(e.file, e.field) for e in refused.value.errors] == [("mei.csv", "year")]
    bad = MEI_CSV + "public_lighting,candles,3,test\n"
    with pytest.raises(ImportRefused) as refused:
        services.import_inventory_csv(editor, barcelona, 2022, bad, kind="mei",
                                      file_name="mei.csv")
    assert [(e.row, e.field) for e in refused.value.errors] == [(4, "carrier")]
    assert not Inventory.objects.filter(kind="mei").exists()
    # The API: kind=mei; the page: the kind select.
    api = client_for(editor)
    response = api.post("/api/v1/cities/barcelona/inventories/2022",
                        {"file": _upload(MEI_CSV), "kind": "mei"})
    assert response.status_code == 201, response.content
    assert response.json() == {"kind": "mei", "year": 2022, "rows": 2}
    csv_text = api.get("/api/v1/cities/barcelona/inventories/2022.csv?kind=mei").content.decode()
    assert "residential_buildings,natural_gas,900000,test MEI" in csv_text
    page = api.post("/cities/barcelona/scenarios/inventory/",
                    {"file": _upload(MEI_CSV), "year": "2019", "kind": "mei"})
    assert page.status_code == 422
    assert "after the baseline inventory&#x27;s year 2020" in page.content.decode()
    response = api.post("/api/v1/cities/barcelona/inventories/2019",
                        {"file": _upload(MEI_CSV), "kind": "mei"})
    assert response.status_code == 422
    assert list(Inventory.objects.filter(kind="mei").values_list("year", flat=True)) == [2022]


@pytest.mark.parametrize("role", [None, "member", "moderator"])
def test_mei_writes_refused_without_the_role(inventory: Any, barcelona: Any, make_user: Any,
                                             client_for: Any, role: str | None) -> None:
    user = make_user(role, barcelona) if role else None
    client = client_for(user)
    api = client.post("/api/v1/cities/barcelona/inventories/2022",
                      {"file": _upload(MEI_CSV), "kind": "mei"})
    assert api.status_code in ({401, 403} if user is None else {403})
    page = client.post("/cities/barcelona/scenarios/inventory/",
                       {"file": _upload(MEI_CSV), "year": "2022", "kind": "mei"})
    assert page.status_code in ({302} if user is None else {403})
    form = client.post("/cities/barcelona/scenarios/inventories/new/",
                       {"inv-kind": "mei", "inv-year": "2022"})
    assert form.status_code in ({302} if user is None else {403})
    prefill = client.post("/api/v1/cities/barcelona/inventories/2020/prefill")
    assert prefill.status_code in ({401, 403} if user is None else {403})
    if user is not None:
        with pytest.raises(Exception) as err:
            services.save_inventory(user, barcelona, kind="mei", year=2022,
                                    rows=_rows(("industry", "electricity", 1.0)))
        assert type(err.value).__name__ == "PermissionDenied"
    assert not Inventory.objects.filter(kind="mei").exists()


def test_mei_prefilled_from_measured_data(barcelona: Any, make_user: Any, client_for: Any,
                                          measured_2019: dict[str, float]) -> None:  # noqa: F811
    services.save_inventory(make_user("editor", barcelona), barcelona, kind="bei", year=2015,
                            rows=_rows(("industry", "electricity", 1.0)))
    mei = Inventory.objects.create(city=barcelona, kind="mei", year=2019, source="MEI 2019")
    editor = client_for(make_user("editor", barcelona))
    response = editor.post("/api/v1/cities/barcelona/inventories/2019/prefill?kind=mei")
    assert response.status_code == 200, response.content
    rows = {(r.sector, r.carrier): r for r in mei.rows.all()}
    assert rows[("residential_buildings", "electricity")].energy_mwh == pytest.approx(
        measured_2019["residential"], abs=0.01)
    assert all(r.source.startswith("from measured data, ") for r in rows.values())
    assert queries.inventory_origin(mei) == "measured"
    mei.is_published = True
    mei.save()
    listed = client_for(None).get("/api/v1/cities/barcelona/inventories").json()
    assert [(i["kind"], i["year"], i["origin"]) for i in listed] == [("mei", 2019, "measured")]


def test_inventory_page_lists_bei_and_meis(inventory: Any, barcelona: Any, make_user: Any,
                                           client_for: Any) -> None:
    editor = make_user("editor", barcelona)
    services.save_inventory(editor, barcelona, kind="mei", year=2024, is_published=True,
                            source="MEI 2024",
                            rows=_rows(("residential_buildings", "natural_gas", 1000.0)))
    page = client_for(editor).get("/cities/barcelona/scenarios/inventories/")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('data-kind="bei"') == 1 and text.count('data-kind="mei"') == 1
    # Natural gas's shipped default factor (IPCC 2006), 1,000 MWh.
    gas = next(f for f in queries.engine_factors(barcelona) if f.carrier == "natural_gas")
    summary = queries.inventory_summaries(queries.visible_inventories(barcelona, editor),
                                          barcelona)
    mei = next(s for s in summary if s["kind"] == "mei")
    assert mei["t_co2"] == pytest.approx(1000 * gas.t_per_mwh, abs=0.1)
    # Readers see only the published one (the test baseline is not published).
    anonymous = client_for(None).get("/cities/barcelona/scenarios/inventories/").content.decode()
    assert anonymous.count('data-kind="bei"') == 0 and anonymous.count('data-kind="mei"') == 1


def test_scenario_chart_shows_the_meis_totals(scenario: Any, barcelona: Any, make_user: Any,
                                              client_for: Any) -> None:
    editor = make_user("editor", barcelona)
    services.save_inventory(editor, barcelona, kind="mei", year=2023, is_published=True,
                            source="MEI 2023", local_production_mwh=10000.0,
                            rows=_rows(("residential_buildings", "natural_gas", 900000.0),
                                       ("residential_buildings", "electricity", 820000.0)))
    services.save_inventory(editor, barcelona, kind="mei", year=2025, is_published=False,
                            rows=_rows(("residential_buildings", "natural_gas", 1.0)))
    services.run_scenario(None, scenario, samples=20, seed=1, operator=True)
    gas = next(f for f in queries.engine_factors(barcelona) if f.carrier == "natural_gas")
    # Electricity: the test path 0.25 (2020) → 0.05 (2040), 2023 interpolated: 0.22.
    expected = 900000 * gas.t_per_mwh + (820000 - 10000) * 0.22
    points = queries.monitoring_points(scenario, None)
    assert [p["year"] for p in points] == [2023]
    assert points[0]["t_co2"] == pytest.approx(expected, abs=0.1)
    text = client_for(None).get("/cities/barcelona/scenarios/pla-clima/").content.decode()
    assert 'id="mei-table"' in text and "MEI 2023" in text
    assert '"monitoring": [{"year": 2023' in text
    assert [p["year"] for p in queries.monitoring_points(scenario, editor)] == [2023, 2025]


def test_scenario_page_reads_any_number_of_meis_in_fixed_queries(
        scenario: Any, barcelona: Any, make_user: Any, client_for: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    editor = make_user("editor", barcelona)
    services.run_scenario(None, scenario, samples=20, seed=1, operator=True)
    client = client_for(None)
    counts = []
    for year in (2022, 2024, 2026):
        services.save_inventory(editor, barcelona, kind="mei", year=year, is_published=True,
                                rows=_rows(("residential_buildings", "natural_gas", 1000.0),
                                           ("industry", "electricity", 500.0)))
        with CaptureQueriesContext(connection) as ctx:
            page = client.get("/cities/barcelona/scenarios/pla-clima/")
        assert page.content.decode().count("<tr><th scope=\"row\">202") >= 1
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == counts[2], counts
    assert len(queries.monitoring_points(scenario, None)) == 3
