"""Business-as-usual drivers: a growth rate or a yearly path per driver, each moving the sectors
it names; checked field by field (nothing stored when refused), editable by page and API (city
editors only), used by the engine, and explained on the scenario page."""

from __future__ import annotations

from typing import Any

import pytest

from urbis.engines import scenario as engine
from urbis.scenarios import services
from urbis.scenarios.models import Driver, DriverPoint, Scenario

pytestmark = pytest.mark.django_db
URL = "/cities/barcelona/scenarios/pla-clima/"
API = "/api/v1/cities/barcelona/scenarios/pla-clima/drivers"


def test_engine_projects_with_a_path_and_a_growth_rate_by_hand() -> None:
    # Hand-worked: 2020 inventory, homes 1,000 MWh gas (0.2 t/MWh), cars 500 MWh diesel
    # (0.267 t/MWh), offices 300 MWh gas with no driver.
    spec = engine.Scenario(
        inventory=engine.Inventory(2020, {("residential_buildings", "natural_gas"): 1000.0,
                                          ("transport_private_commercial", "diesel"): 500.0,
                                          ("tertiary_buildings", "natural_gas"): 300.0}),
        factors=(engine.EmissionFactor("natural_gas", 0.2),
                 engine.EmissionFactor("diesel", 0.267),
                 engine.EmissionFactor("electricity", 0.3)),
        drivers=(engine.Driver("population", path={2020: 100.0, 2030: 120.0}),
                 engine.Driver("vehicle_km", growth_rate=0.02)),
        sector_drivers={"residential_buildings": "population",
                        "transport_private_commercial": "vehicle_km"},
        end_year=2035,
    )
    proj = engine.project(spec)
    # 2025: population index (100 + 20 × 5/10) / 100 = 1.1; vehicle-km 1.02⁵ = 1.1040808032;
    # 1000 × 1.1 × 0.2 + 500 × 1.1040808032 × 0.267 + 300 × 0.2 = 220 + 147.394787 + 60.
    assert proj.bau_total.at(2025) == pytest.approx(427.394787227, abs=1e-6)
    # 2035: the path is held at 120 after 2030 (index 1.2); 1.02¹⁵ = 1.34586833832.
    # 1000 × 1.2 × 0.2 + 500 × 1.34586833832 × 0.267 + 60 = 240 + 179.673423 + 60.
    assert proj.bau_total.at(2035) == pytest.approx(479.673423166, abs=1e-6)
    rows = {r["sector"]: r for r in proj.driver_explanation()}
    assert rows["residential_buildings"]["driver"] == "population"
    assert rows["residential_buildings"]["index_last"] == pytest.approx(1.2)
    assert rows["residential_buildings"]["mwh_last"] == pytest.approx(1200.0)
    assert rows["tertiary_buildings"]["driver"] is None
    assert rows["tertiary_buildings"]["mwh_last"] == pytest.approx(300.0)


def test_engine_refuses_a_path_that_is_zero_in_the_inventory_year() -> None:
    spec = engine.Scenario(
        inventory=engine.Inventory(2020, {("residential_buildings", "natural_gas"): 1.0}),
        factors=(engine.EmissionFactor("natural_gas", 0.2),
                 engine.EmissionFactor("electricity", 0.3)),
        drivers=(engine.Driver("population", path={2015: 0.0, 2020: 0.0, 2030: 5.0}),),
        sector_drivers={"residential_buildings": "population"}, end_year=2030)
    with pytest.raises(engine.ScenarioInputError) as err:
        engine.project(spec)
    assert err.value.problems == [("driver population", "path",
                                   "the value in the inventory's year 2020 must be > 0")]


def test_stored_drivers_move_the_stored_projection_by_hand(scenario: Scenario, make_user: Any,
                                                          barcelona: Any) -> None:
    editor = make_user("editor", barcelona)
    services.save_driver(editor, scenario, kind="population",
                         unit="inhabitants", sectors=["residential_buildings"],
                         points={2020: 1_600_000, 2030: 1_760_000}, source="test path")
    services.save_driver(editor, scenario, kind="vehicle_km", growth_rate=-0.01,
                         sectors=["transport_private_commercial"])
    run = services.run_scenario(None, scenario, samples=20, seed=3, operator=True)
    r = run.result
    k = r["years"].index(2025)
    # By hand, 2025: electricity factor on the test path 0.25 → 0.05 (2020–2040): 0.2.
    # homes: 1.05 × (1,000,000 × 0.202 + 800,000 × 0.2) = 380,100
    # offices (general growth 0): 900,000 × 0.2 = 180,000
    # cars: 0.99⁵ × (600,000 × 0.249 + 700,000 × 0.267) = 0.9509900499 × 336,300 = 319,817.954
    assert r["bau"][k] == pytest.approx(879_917.954, abs=0.01)
    rows = {row["sector"]: row for row in r["drivers"]["sectors"]}
    assert rows["residential_buildings"]["driver"] == "population"
    assert rows["residential_buildings"]["index_last"] == pytest.approx(1.1)  # held after 2030
    assert rows["transport_private_commercial"]["index_last"] == pytest.approx(0.99 ** 20)
    assert rows["tertiary_buildings"]["driver"] == "demand"
    assert [d["kind"] for d in r["drivers"]["given"]] == ["population", "vehicle_km"]


def _stored() -> tuple[Any, ...]:
    return (list(Driver.objects.values_list("kind", "growth_rate", "sectors", "unit")),
            list(DriverPoint.objects.values_list("driver__kind", "year", "value")))


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"kind": "jobs", "growth_rate": 0.01, "sectors": ["residential_buildings"]},
     "sectors", "already moved by the driver Population"),
    ({"kind": "jobs", "growth_rate": 0.01, "points": {2020: 1, 2030: 2},
      "sectors": ["tertiary_buildings"]}, "growth_rate", "not several"),
    ({"kind": "jobs", "sectors": ["tertiary_buildings"]}, "growth_rate", "not none"),
    ({"kind": "jobs", "points": {2022: 1, 2030: 2}, "sectors": ["tertiary_buildings"]},
     "points", "the inventory's year 2020 or before"),
    ({"kind": "jobs", "points": {2020: 1, 2030: -2}, "sectors": ["tertiary_buildings"]},
     "points", "Year 2030: the value must be a number above 0"),
    ({"kind": "jobs", "points": {2020: 1}, "sectors": ["tertiary_buildings"]},
     "points", "at least two years"),
    ({"kind": "jobs", "growth_rate": 0.5, "sectors": ["tertiary_buildings"]},
     "growth_rate", "Between −0.2 and 0.2"),
    ({"kind": "jobs", "growth_rate": 0.01, "sectors": ["harbour"]},
     "sectors", "Unknown sector 'harbour'"),
    ({"kind": "jobs", "growth_rate": 0.01, "sectors": []}, "sectors", "at least one sector"),
    ({"kind": "population", "growth_rate": 0.01, "sectors": ["tertiary_buildings"]},
     "kind", "already has this driver"),
    ({"kind": "wind", "growth_rate": 0.01, "sectors": ["tertiary_buildings"]},
     "kind", "Unknown driver"),
])
def test_bad_driver_is_refused_naming_the_field_and_nothing_is_stored(
    scenario: Scenario, make_user: Any, barcelona: Any, fields: dict[str, Any], field: str,
    words: str
) -> None:
    editor = make_user("editor", barcelona)
    services.save_driver(editor, scenario, kind="population", growth_rate=0.005,
                         sectors=["residential_buildings"])
    before = _stored()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        services.save_driver(editor, scenario, **fields)
    assert field in err.value.message_dict, err.value.message_dict
    assert any(words in m for m in err.value.message_dict[field]), err.value.message_dict
    assert _stored() == before


def test_changing_a_path_replaces_its_points(scenario: Scenario, make_user: Any,
                                             barcelona: Any) -> None:
    editor = make_user("editor", barcelona)
    d = services.save_driver(editor, scenario, kind="floor_area", unit="m²",
                             sectors=["tertiary_buildings"], points={2015: 10, 2030: 12})
    services.save_driver(editor, scenario, driver=d, kind="floor_area",
                         sectors=["tertiary_buildings"], points={2020: 10, 2040: 9})
    assert list(d.points.values_list("year", "value")) == [(2020, 10.0), (2040, 9.0)]
    services.save_driver(editor, scenario, driver=d, kind="floor_area", growth_rate=0.0,
                         sectors=["tertiary_buildings"], points={})
    assert not d.points.exists()


@pytest.mark.parametrize("role", [None, "member", "moderator"])
def test_driver_pages_and_api_refuse_a_user_without_the_role(
    scenario: Scenario, client_for: Any, make_user: Any, barcelona: Any, paris: Any,
    role: Any
) -> None:
    d = services.save_driver(make_user("editor", barcelona), scenario, kind="population",
                             growth_rate=0.01, sectors=["residential_buildings"])
    before = _stored()
    users = [make_user(role, barcelona) if role else None]
    if role == "member":
        users.append(make_user("editor", paris))
    form = {"kind": "jobs", "growth_rate": "0.01", "sectors": ["tertiary_buildings"],
            "points-TOTAL_FORMS": 0, "points-INITIAL_FORMS": 0,
            "periods-TOTAL_FORMS": 0, "periods-INITIAL_FORMS": 0}
    for who in users:
        client = client_for(who)
        for url in (URL + "drivers/new/", URL + f"drivers/{d.pk}/",
                    URL + f"drivers/{d.pk}/delete"):
            response = client.post(url, form)
            assert response.status_code == (302 if who is None else 403), url
            if who is None:
                assert "login" in response["Location"]
        put = client.put(API + "/jobs", {"growth_rate": 0.01,
                                         "sectors": ["tertiary_buildings"]},
                         content_type="application/json")
        assert put.status_code in ({401, 403} if who is None else {403})
        assert client.delete(API + "/population").status_code in (
            {401, 403} if who is None else {403})
    assert _stored() == before


def test_an_editor_sets_a_path_by_page_and_errors_are_on_the_fields(
    scenario: Scenario, client_for: Any, make_user: Any, barcelona: Any
) -> None:
    client = client_for(make_user("editor", barcelona))
    assert client.get(URL + "drivers/new/").status_code == 200
    bad = {"kind": "population", "unit": "inhabitants", "sectors": ["residential_buildings"],
           "points-TOTAL_FORMS": 2, "points-INITIAL_FORMS": 0,
           "periods-TOTAL_FORMS": 0, "periods-INITIAL_FORMS": 0,
           "points-0-year": 2025, "points-0-value": 1.6e6,
           "points-1-year": 2030, "points-1-value": 1.7e6}
    response = client.post(URL + "drivers/new/", bad)
    assert response.status_code == 422 and not Driver.objects.exists()
    assert "the inventory&#x27;s year 2020 or before" in response.content.decode()
    good = {**bad, "points-0-year": 2020}
    response = client.post(URL + "drivers/new/", good)
    assert response.status_code == 302
    d = Driver.objects.get()
    assert d.sectors == ["residential_buildings"] and d.growth_rate is None
    assert list(d.points.values_list("year", "value")) == [(2020, 1.6e6), (2030, 1.7e6)]
    edit = client.get(URL + "edit/").content.decode()
    assert "2020: 1600000" in edit and "Residential buildings" in edit
    # The run explains which driver moved which sector.
    services.run_scenario(None, scenario, samples=20, seed=1, operator=True)
    page = client_for(None).get(URL).content.decode()
    section = page.split('id="drivers-heading"')[1].split("</table>")[0]
    assert "Population" in section and "Residential buildings" in section
    assert "general growth of the scenario" in section
    assert "× 1.063 (+6.3 %)" in section  # 1.7 / 1.6 = 1.0625, held after 2030; a growth signed


def test_api_reads_and_writes_drivers_for_an_editor(scenario: Scenario, client_for: Any,
                                                    make_user: Any, barcelona: Any) -> None:
    client = client_for(make_user("editor", barcelona))
    body = {"unit": "vehicle-km", "points": [{"year": 2020, "value": 5e9},
                                             {"year": 2040, "value": 4e9}],
            "sectors": ["transport_private_commercial"], "source": "test"}
    response = client.put(API + "/vehicle_km", body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["points"] == body["points"]
    bad = client.put(API + "/jobs", {"growth_rate": 0.01,
                                     "sectors": ["transport_private_commercial"]},
                     content_type="application/json")
    assert bad.status_code == 422 and "sectors" in bad.content.decode()
    listed = client_for(None).get(API).json()
    assert [d["kind"] for d in listed] == ["vehicle_km"]
    assert client.delete(API + "/vehicle_km").status_code == 204
    assert not Driver.objects.exists()
