"""The scenario builder: editors create and change scenarios, measures and inventory rows with
forms whose errors are shown on the field; every write page refuses a user without the role."""

from __future__ import annotations

from typing import Any

import pytest

from urbis.scenarios.models import Inventory, Measure, Scenario

pytestmark = pytest.mark.django_db
BASE = "/cities/barcelona/scenarios/"
MEASURE = {
    "name": "Aïllament de façanes", "kind": "efficiency", "sector": "tertiary_buildings",
    "carrier": "electricity", "value": "0.2", "from_efficiency": "1", "to_efficiency": "1",
    "intensity_ratio": "1", "start_year": "2024", "ramp_years": "6", "ceiling": "0.8",
    "capex_eur": "1000000", "opex_eur_per_year": "0", "lifetime_years": "30", "order": "5",
}


def _snapshot() -> tuple[Any, ...]:
    return (
        list(Scenario.objects.values_list("slug", "title", "end_year")),
        list(Measure.objects.values_list("name", "value", "start_year").order_by("pk")),
        list(Inventory.objects.values_list("year", "source")),
        sorted(Inventory.objects.values_list("rows__sector", "rows__carrier",
                                             "rows__energy_mwh")),
    )


def _write_requests(scenario: Any) -> list[tuple[str, dict[str, Any]]]:
    measure = scenario.measures.first()
    inv = scenario.inventory
    return [
        (BASE + "new/", {"title": "X", "slug": "x", "inventory": inv.pk, "end_year": 2050,
                         "population_growth": 0}),
        (BASE + "pla-clima/edit/", {"title": "Changed", "slug": "pla-clima",
                                    "inventory": inv.pk, "end_year": 2040,
                                    "population_growth": 0}),
        (BASE + "pla-clima/measures/new/", MEASURE),
        (BASE + f"pla-clima/measures/{measure.pk}/", {**MEASURE, "name": "Changed"}),
        (BASE + f"pla-clima/measures/{measure.pk}/delete", {}),
        (BASE + "inventories/new/", {"inv-kind": "bei", "inv-year": 2021,
                                     "inv-local_production_mwh": 0,
                                     "rows-TOTAL_FORMS": 0, "rows-INITIAL_FORMS": 0}),
        (BASE + f"inventories/{inv.pk}/", {"inv-kind": "bei", "inv-year": 2020,
                                           "inv-local_production_mwh": 0, "inv-source": "x",
                                           "rows-TOTAL_FORMS": 0, "rows-INITIAL_FORMS": 0}),
        (BASE + "pla-clima/run", {}),
    ]


@pytest.mark.parametrize("role", [None, "member", "moderator"])
def test_every_write_page_refuses_a_user_without_the_role(
    scenario: Any, client_for: Any, make_user: Any, barcelona: Any, paris: Any, role: Any
) -> None:
    user = make_user(role, barcelona) if role else None
    # An editor of another city has no role here either.
    users = [user, make_user("editor", paris)] if role == "member" else [user]
    before = _snapshot()
    for who in users:
        client = client_for(who)
        for url, data in _write_requests(scenario):
            response = client.post(url, data)
            if who is None:
                assert response.status_code == 302 and "login" in response["Location"], url
            else:
                assert response.status_code == 403, url
            if not url.endswith(("delete", "run")):
                got = client.get(url)
                assert got.status_code in ({302} if who is None else {403}), url
    assert _snapshot() == before


def test_an_editor_creates_a_scenario_and_its_errors_are_on_the_fields(
    scenario: Any, client_for: Any, make_user: Any, barcelona: Any
) -> None:
    client = client_for(make_user("editor", barcelona))
    inv = scenario.inventory
    bad = client.post(BASE + "new/", {"title": "BAU", "slug": "pla-clima", "inventory": inv.pk,
                                      "end_year": 2015, "population_growth": 0})
    assert bad.status_code == 422
    form = bad.context["form"]
    assert form.errors["end_year"] == ["Must be after the inventory's year (2020)."]
    assert "Another scenario of this city has this short name." in form.errors["slug"]
    assert Scenario.objects.count() == 1
    ok = client.post(BASE + "new/", {"title": "Tendencial", "slug": "bau", "inventory": inv.pk,
                                     "end_year": 2050, "population_growth": "0.004"})
    assert ok.status_code == 302 and ok["Location"] == BASE + "bau/edit/"
    created = Scenario.objects.get(slug="bau")
    assert created.population_growth == 0.004 and created.city == barcelona
    reserved = client.post(BASE + "new/", {"title": "X", "slug": "compare", "inventory": inv.pk,
                                           "end_year": 2050, "population_growth": 0})
    assert reserved.status_code == 422 and "slug" in reserved.context["form"].errors


def test_form_errors_come_in_the_readers_language(scenario: Any, client_for: Any,
                                                  make_user: Any, barcelona: Any) -> None:
    from django.utils import translation

    client = client_for(make_user("editor", barcelona))
    try:
        page = client.post(BASE + "pla-clima/measures/new/", {"name": ""},
                           HTTP_ACCEPT_LANGUAGE="de")
        assert page.status_code == 422
        assert "Dieses Feld ist ein Pflichtfeld." in page.content.decode()
    finally:
        translation.activate("en")


def test_an_editor_adds_edits_and_deletes_a_measure(
    scenario: Any, client_for: Any, make_user: Any, barcelona: Any, strategy: Any
) -> None:
    from urbis.strategy.models import Action

    action = Action.objects.create(strategy=strategy, title="Pla d'edificis terciaris")
    client = client_for(make_user("editor", barcelona))
    assert client.get(BASE + "pla-clima/edit/").status_code == 200
    ok = client.post(BASE + "pla-clima/measures/new/", {**MEASURE, "action": action.pk})
    assert ok.status_code == 302, ok.context["form"].errors if ok.context else ok
    m = Measure.objects.get(name=MEASURE["name"])
    assert (m.action, m.start_year, m.ramp_years, m.ceiling, m.capex_eur) == \
        (action, 2024, 6, 0.8, 1e6)
    edit = client.post(BASE + f"pla-clima/measures/{m.pk}/", {**MEASURE, "value": "0.25"})
    assert edit.status_code == 302
    m.refresh_from_db()
    assert m.value == 0.25 and m.action is None
    assert client.post(BASE + f"pla-clima/measures/{m.pk}/delete").status_code == 302
    assert not Measure.objects.filter(pk=m.pk).exists()


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"value": "1.2"}, "value", "A share: at most 1 (100 %)."),
    ({"start_year": "2012"}, "start_year", "Between the inventory's year 2020 and 2040."),
    ({"value_low": "0.1"}, "value_high",
     "Give both the lowest and the highest value, or neither."),
    ({"value_low": "0.3", "value_high": "0.5"}, "value",
     "Must lie between the lowest and the highest value."),
    ({"sector": ""}, "sector", "This lever needs it."),
    ({"kind": "fuel_switch", "sector": "residential_buildings", "carrier": "natural_gas",
      "to_carrier": "natural_gas"}, "to_carrier", "Must differ from the carrier replaced."),
    ({"name": "Solar"}, "name", "Another measure of this scenario has this name."),
    ({"lifetime_years": "0"}, "lifetime_years", "At least one year."),
    ({"kind": "fuel_switch", "sector": "residential_buildings", "carrier": "natural_gas",
      "to_carrier": "district_heating"}, "to_carrier",
     "No emission factor for this carrier in this city."),
])
def test_a_refused_measure_names_the_field_and_stores_nothing(
    scenario: Any, client_for: Any, make_user: Any, barcelona: Any, change: Any, field: str,
    message: str
) -> None:
    client = client_for(make_user("editor", barcelona))
    before = _snapshot()
    page = client.post(BASE + "pla-clima/measures/new/", {**MEASURE, **change})
    assert page.status_code == 422
    assert message in page.context["form"].errors[field], page.context["form"].errors
    assert _snapshot() == before


def test_overlapping_fuel_switches_are_refused_on_the_share(
    scenario: Any, client_for: Any, make_user: Any, barcelona: Any
) -> None:
    # The fixture's "Bombes de calor" switches 40 % of residential gas; 70 % more is too much.
    client = client_for(make_user("editor", barcelona))
    page = client.post(BASE + "pla-clima/measures/new/", {
        **MEASURE, "kind": "fuel_switch", "sector": "residential_buildings",
        "carrier": "natural_gas", "to_carrier": "electricity", "value": "0.7",
        "ceiling": "1"})
    assert page.status_code == 422
    errors = page.context["form"].errors["value"]
    assert any("Bombes de calor" in e and "110 %" in e for e in errors), errors
    assert not Measure.objects.filter(name=MEASURE["name"]).exists()


def test_an_action_of_another_city_cannot_be_linked(
    scenario: Any, client_for: Any, make_user: Any, barcelona: Any, paris: Any
) -> None:
    from urbis.scenarios import services
    from urbis.strategy.models import Action, Strategy

    other = Strategy.objects.create(city=paris, slug="p", title="P", start_year=2020,
                                    end_year=2050)
    foreign = Action.objects.create(strategy=other, title="Ailleurs")
    editor = make_user("editor", barcelona)
    page = client_for(editor).post(BASE + "pla-clima/measures/new/",
                                   {**MEASURE, "action": foreign.pk})
    assert page.status_code == 422 and "action" in page.context["form"].errors
    from django.core.exceptions import ValidationError

    fields = dict(MEASURE)
    with pytest.raises(ValidationError) as err:
        services.save_measure(editor, scenario, **{
            **fields, "value": 0.2, "start_year": 2024, "ramp_years": 6, "ceiling": 0.8,
            "capex_eur": 1e6, "opex_eur_per_year": 0, "lifetime_years": 30, "order": 5,
            "from_efficiency": 1, "to_efficiency": 1, "intensity_ratio": 1,
            "action": foreign})
    assert err.value.message_dict["action"] == ["The action belongs to another city."]
    assert not Measure.objects.filter(name=MEASURE["name"]).exists()


def _rows(*rows: tuple[str, str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {"rows-TOTAL_FORMS": len(rows), "rows-INITIAL_FORMS": 0}
    for i, (sector, carrier, mwh) in enumerate(rows):
        data.update({f"rows-{i}-sector": sector, f"rows-{i}-carrier": carrier,
                     f"rows-{i}-energy_mwh": mwh, f"rows-{i}-source": "test"})
    return data


def test_an_editor_writes_an_inventory_row_by_row_all_or_nothing(
    barcelona: Any, client_for: Any, make_user: Any
) -> None:
    client = client_for(make_user("editor", barcelona))
    head = {"inv-kind": "bei", "inv-year": "2019", "inv-local_production_mwh": "0",
            "inv-source": "hand-typed test rows"}
    assert client.get(BASE + "inventories/new/").status_code == 200
    dup = client.post(BASE + "inventories/new/", {**head, **_rows(
        ("industry", "electricity", "10"), ("industry", "electricity", "20"))})
    assert dup.status_code == 422
    assert "Row 2: the same sector and carrier as row 1." in dup.content.decode()
    negative = client.post(BASE + "inventories/new/", {**head, **_rows(
        ("industry", "electricity", "-1"))})
    assert negative.status_code == 422 and not Inventory.objects.exists()
    assert negative.context["rows"].forms[0].errors["energy_mwh"]
    ok = client.post(BASE + "inventories/new/", {**head, **_rows(
        ("industry", "electricity", "10"), ("residential_buildings", "natural_gas", "5.5"))})
    assert ok.status_code == 302
    inv = Inventory.objects.get(year=2019)
    assert sorted(inv.rows.values_list("sector", "carrier", "energy_mwh")) == [
        ("industry", "electricity", 10.0), ("residential_buildings", "natural_gas", 5.5)]
    # Edit: the existing rows come back in the form; one is changed, one deleted.
    page = client.get(BASE + f"inventories/{inv.pk}/")
    assert page.context["rows"].initial_form_count() == 2
    edit = {**head, "rows-TOTAL_FORMS": 2, "rows-INITIAL_FORMS": 2,
            "rows-0-sector": "industry", "rows-0-carrier": "electricity",
            "rows-0-energy_mwh": "12", "rows-1-sector": "residential_buildings",
            "rows-1-carrier": "natural_gas", "rows-1-energy_mwh": "5.5", "rows-1-DELETE": "on"}
    assert client.post(BASE + f"inventories/{inv.pk}/", edit).status_code == 302
    assert list(inv.rows.values_list("sector", "energy_mwh")) == [("industry", 12.0)]
