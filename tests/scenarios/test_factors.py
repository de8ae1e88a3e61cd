"""A city's own emission factors: edited in the builder (per carrier, with source and year),
shown as entered by the city; the national or default factor is the fallback, shown as such."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from urbis.scenarios import queries, services
from urbis.scenarios.models import EmissionFactor, InventoryRow, Scenario

pytestmark = pytest.mark.django_db
PAGE = "/cities/barcelona/scenarios/factors/"
API = "/api/v1/cities/barcelona/emission-factors"


def _stored() -> list[tuple[Any, ...]]:
    return list(EmissionFactor.objects.order_by("carrier", "year").values_list(
        "city__code", "carrier", "year", "t_co2_per_mwh", "source", "edition"))


def _origins(city: Any) -> dict[str, str | None]:
    return {f["carrier"]: f["origin"] for f in queries.factors_in_use(city)}


def test_origins_city_then_national_then_default(scenario: Scenario, barcelona: Any,
                                                  client_for: Any) -> None:
    origins = _origins(barcelona)
    assert origins["electricity"] == "city"  # the fixture's test path
    assert origins["natural_gas"] == "default" and origins["district_heating"] is None
    page = client_for(None).get(PAGE).content.decode()
    assert 'data-carrier="electricity" data-origin="city"' in page
    assert 'data-carrier="natural_gas" data-origin="default"' in page
    EmissionFactor.objects.filter(city=barcelona).delete()
    assert barcelona.country == "ES"
    assert _origins(barcelona)["electricity"] == "national"  # the published series, shipped as data
    page = client_for(None).get(PAGE).content.decode()
    assert 'data-carrier="electricity" data-origin="national"' in page


def test_an_editor_enters_a_factor_and_the_run_uses_it(scenario: Scenario, barcelona: Any,
                                                      client_for: Any, make_user: Any) -> None:
    client = client_for(make_user("editor", barcelona))
    rows = [(f.carrier, f.year, f.t_co2_per_mwh, f.source) for f in
            EmissionFactor.objects.filter(city=barcelona).order_by("year")]
    form: dict[str, Any] = {"factors-TOTAL_FORMS": len(rows) + 1, "factors-INITIAL_FORMS": 0}
    for k, (carrier, year, value, source) in enumerate(rows):
        form.update({f"factors-{k}-carrier": carrier, f"factors-{k}-year": year,
                     f"factors-{k}-t_co2_per_mwh": value, f"factors-{k}-source": source})
    k = len(rows)
    form.update({f"factors-{k}-carrier": "natural_gas", f"factors-{k}-year": "",
                 f"factors-{k}-t_co2_per_mwh": "0.25",
                 f"factors-{k}-source": "city gas supplier's declared factor (test)",
                 f"factors-{k}-edition": "2020"})
    response = client.post(PAGE, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _origins(barcelona)["natural_gas"] == "city"
    run = services.run_scenario(None, scenario, samples=10, seed=1, operator=True)
    gas = next(r for r in run.result["inventory"]["rows"]
               if (r["sector"], r["carrier"]) == ("residential_buildings", "natural_gas"))
    assert gas["t_co2"] == pytest.approx(1_000_000 * 0.25)
    used = {f["carrier"]: f for f in run.result["factors"]}
    assert used["natural_gas"]["origin"] == "city" and used["gasoline"]["origin"] == "default"
    page = client_for(None).get("/cities/barcelona/scenarios/pla-clima/").content.decode()
    assert "city gas supplier&#x27;s declared factor (test)" in page


@pytest.mark.parametrize(("row", "words"), [
    ({"carrier": "peat", "t_co2_per_mwh": 0.3, "source": "x"}, "unknown carrier 'peat'"),
    ({"carrier": "natural_gas", "t_co2_per_mwh": -0.1, "source": "x"}, "0 or more"),
    ({"carrier": "natural_gas", "t_co2_per_mwh": 0.2, "source": " "}, "where the figure"),
    ({"carrier": "natural_gas", "year": 1900, "t_co2_per_mwh": 0.2, "source": "x"},
     "between 1990 and 2100"),
    ({"carrier": "electricity", "t_co2_per_mwh": 0.2, "source": "x"},
     "a factor for every year and factors by year"),
    ({"carrier": "electricity", "year": 2020, "t_co2_per_mwh": 0.2, "source": "x"},
     "the same carrier and year as row 1"),
])
def test_bad_factor_rows_are_refused_naming_row_and_field(scenario: Scenario, barcelona: Any,
                                                          make_user: Any, row: dict[str, Any],
                                                          words: str) -> None:
    before = _stored()
    given = [{"carrier": "electricity", "year": 2020, "t_co2_per_mwh": 0.25, "source": "t"},
             {"carrier": "electricity", "year": 2040, "t_co2_per_mwh": 0.05, "source": "t"},
             {"year": None, "edition": "", **row}]
    with pytest.raises(ValidationError) as err:
        services.save_factors(make_user("editor", barcelona), barcelona, given)
    text = " ".join(err.value.messages)
    assert words in text and "Row " in text, text
    assert _stored() == before


def test_removing_a_factor_a_scenario_needs_is_refused(scenario: Scenario, barcelona: Any,
                                                       make_user: Any) -> None:
    editor = make_user("editor", barcelona)
    heat = [{"carrier": "district_heating", "year": None, "t_co2_per_mwh": 0.15,
             "source": "network operator (test)"}]
    services.save_factors(editor, barcelona, heat)
    InventoryRow.objects.create(inventory=scenario.inventory, sector="residential_buildings",
                                carrier="district_heating", energy_mwh=1000)
    before = _stored()
    with pytest.raises(ValidationError) as err:
        services.save_factors(editor, barcelona, [])
    assert "no emission factor for district_heating" in " ".join(err.value.messages)
    assert "Pla Clima" in " ".join(err.value.messages)
    assert _stored() == before


@pytest.mark.parametrize("role", [None, "member", "moderator"])
def test_factor_page_and_api_refuse_a_user_without_the_role(scenario: Scenario, barcelona: Any,
                                                            paris: Any, client_for: Any,
                                                            make_user: Any, role: Any) -> None:
    before = _stored()
    users = [make_user(role, barcelona) if role else None]
    if role == "member":
        users.append(make_user("editor", paris))
    form = {"factors-TOTAL_FORMS": 0, "factors-INITIAL_FORMS": 0}
    for who in users:
        client = client_for(who)
        response = client.post(PAGE, form)
        assert response.status_code == (302 if who is None else 403)
        put = client.put(API, [], content_type="application/json")
        assert put.status_code in ({401, 403} if who is None else {403})
        page = client.get(PAGE).content.decode()
        assert 'name="factors-TOTAL_FORMS"' not in page
    assert _stored() == before


def test_api_reads_origins_and_an_editor_replaces_the_citys_factors(
    scenario: Scenario, barcelona: Any, client_for: Any, make_user: Any
) -> None:
    listed = {f["carrier"]: f for f in client_for(None).get(API).json()}
    assert listed["electricity"]["origin"] == "city"
    assert listed["electricity"]["by_year"] == [[2020, 0.25], [2040, 0.05]]
    client = client_for(make_user("editor", barcelona))
    bad = client.put(API, [{"carrier": "diesel", "t_co2_per_mwh": 0.26}],
                     content_type="application/json")
    assert bad.status_code == 422 and "where the figure comes from" in bad.content.decode()
    ok = client.put(API, [{"carrier": "diesel", "t_co2_per_mwh": 0.26, "source": "test"}],
                    content_type="application/json")
    assert ok.status_code == 200
    got = {f["carrier"]: f for f in ok.json()}
    assert got["diesel"]["origin"] == "city" and got["electricity"]["origin"] == "national"
