"""Scenario services: the inventory import is all-or-nothing, measures are checked by the engine,
runs are stored with their wedges and targets."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from urbis.errors import ImportRefused
from urbis.scenarios import queries, services
from urbis.scenarios.models import Inventory, Measure, ScenarioRun

from .conftest import CSV

pytestmark = pytest.mark.django_db


def test_import_then_export_round_trip(inventory: Inventory) -> None:
    assert inventory.rows.count() == 5
    text = queries.inventory_csv(inventory)
    assert text.splitlines()[0] == "sector,carrier,energy_mwh,source"
    assert "residential_buildings,natural_gas,1e+06,test" in text


def test_bad_rows_refuse_the_whole_file_and_keep_what_was_stored(
    barcelona: Any, inventory: Inventory
) -> None:
    bad = CSV + "housing,natural_gas,5,x\nindustry,peat,5,x\nindustry,coal,lots,x\n" \
                "industry,coal,-1,x\nresidential_buildings,natural_gas,3,x\n"
    with pytest.raises(ImportRefused) as err:
        services.import_inventory_csv(None, barcelona, 2020, bad, file_name="bei.csv",
                                      operator=True)
    shown = [str(e) for e in err.value.errors]
    assert "bei.csv, row 7, field 'sector': unknown sector 'housing'" in shown
    assert "bei.csv, row 8, field 'carrier': unknown carrier 'peat'" in shown
    assert "bei.csv, row 9, field 'energy_mwh': not a number: 'lots'" in shown
    assert "bei.csv, row 10, field 'energy_mwh': must be a number ≥ 0" in shown
    assert any("row 11" in s and "appears twice" in s for s in shown)
    inventory.refresh_from_db()
    assert inventory.rows.count() == 5  # the stored inventory is untouched


def test_import_refused_without_the_editor_role(barcelona: Any, make_user: Any) -> None:
    for user in (None, make_user("member", barcelona), make_user("moderator", barcelona)):
        with pytest.raises(PermissionDenied):
            services.import_inventory_csv(user, barcelona, 2021, CSV)
    assert not Inventory.objects.filter(year=2021).exists()
    editor = make_user("editor", barcelona)
    assert services.import_inventory_csv(editor, barcelona, 2021, CSV).rows.count() == 5


def test_a_share_above_100_percent_is_refused_naming_measure_and_field(scenario: Any) -> None:
    with pytest.raises(ValidationError) as err:
        services.add_measure(None, scenario, operator=True, name="Massa", kind="fuel_switch",
                             sector="residential_buildings", carrier="natural_gas",
                             to_carrier="electricity", value=1.2, to_efficiency=3.0,
                             start_year=2025)
    assert "measure 'Massa': share" in "; ".join(err.value.messages)
    assert not Measure.objects.filter(name="Massa").exists()


def test_overlapping_fuel_switches_are_refused(scenario: Any) -> None:
    with pytest.raises(ValidationError) as err:
        services.add_measure(None, scenario, operator=True, name="Xarxa de calor",
                             kind="fuel_switch", sector="residential_buildings",
                             carrier="natural_gas", to_carrier="district_heating", value=0.7,
                             start_year=2025)
    text = "; ".join(err.value.messages)
    assert "'Bombes de calor', 'Xarxa de calor'" in text and "more than exists" in text
    assert not Measure.objects.filter(name="Xarxa de calor").exists()


def test_add_measure_refused_without_the_editor_role(scenario: Any, make_user: Any,
                                                     barcelona: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.add_measure(make_user("member", barcelona), scenario, name="X",
                             kind="efficiency", sector="residential_buildings",
                             carrier="electricity", value=0.1, start_year=2025)
    assert not Measure.objects.filter(name="X").exists()


def test_run_stores_wedges_bands_and_target_probability(scenario: Any) -> None:
    run = services.run_scenario(None, scenario, samples=400, seed=3, operator=True)
    r = run.result
    assert r["years"][0] == 2020 and r["years"][-1] == 2040
    assert [w["name"] for w in r["wedges"]] == ["Rehabilitació", "Bombes de calor", "Solar"]
    for i in range(len(r["years"])):
        total = sum(w["values"][i] for w in r["wedges"])
        assert total == pytest.approx(r["bau"][i] - r["scenario"][i], abs=0.01)
    assert r["wedge_runs"] == 400
    low, mid, high = r["wedges"][0]["cumulative_band_t"]  # Rehabilitació has a range
    assert low < mid < high
    p5, p50, p95 = r["bands"]["scenario"]
    assert all(a <= b <= c for a, b, c in zip(p5, p50, p95, strict=True))
    (target,) = r["targets"]
    assert target["t_co2"] == pytest.approx(700_000)
    assert 0 <= target["probability"] <= 1 and target["percent"] == round(
        100 * target["probability"])
    assert r["inventory"]["illustrative"] is True
    gas = next(row for row in r["inventory"]["rows"]
               if (row["sector"], row["carrier"]) == ("residential_buildings", "natural_gas"))
    assert gas["t_co2"] == pytest.approx(1_000_000 * 0.202)  # CoM default factor
    # Cheapest first: the two measures without costs (0 EUR/t, by name), then the one with capex.
    assert [b["name"] for b in r["macc"]] == ["Bombes de calor", "Solar", "Rehabilitació"]
    again = services.run_scenario(None, scenario, samples=400, seed=3, operator=True)
    assert again.result["bands"] == r["bands"]  # the same seed gives the same bands


def test_run_refused_without_the_editor_role(scenario: Any, make_user: Any,
                                             barcelona: Any) -> None:
    for user in (None, make_user("member", barcelona)):
        with pytest.raises(PermissionDenied):
            services.run_scenario(user, scenario, samples=10)
    assert not ScenarioRun.objects.exists()


def test_cli_runs_and_stores(scenario: Any, capsys: Any) -> None:
    call_command("scenario", "run", "barcelona", "pla-clima", "--samples", "100", "--seed", "1")
    out = capsys.readouterr()
    assert "stored as run" in out.out and "t CO2" in out.out
    assert ScenarioRun.objects.filter(scenario=scenario, seed=1, samples=100).exists()
    with pytest.raises(CommandError, match="known: pla-clima"):
        call_command("scenario", "run", "barcelona", "nope")


def test_a_city_without_its_own_electricity_factor_uses_the_national_one(
        barcelona: Any, inventory: Any) -> None:
    from urbis.scenarios.models import Scenario

    sc = Scenario.objects.create(city=barcelona, inventory=inventory, slug="national",
                                 title="National factor", end_year=2030)
    factors = {f.carrier: f for f in queries.engine_factors(barcelona)}
    assert barcelona.country == "ES"
    # The published yearly series (Ember via Our World in Data) covers Spain, 2005–2024.
    path = factors["electricity"].by_year
    assert min(path) == 2005 and max(path) == 2024 and path[2020] == 0.1991
    assert "Our World in Data" in factors["electricity"].source
    run = services.run_scenario(None, sc, samples=20, seed=1, operator=True)
    row = next(r for r in run.result["inventory"]["rows"]
               if (r["sector"], r["carrier"]) == ("tertiary_buildings", "electricity"))
    assert row["t_co2"] == pytest.approx(900_000 * 0.1991, abs=1)  # the inventory's year, 2020
    assert "national factor: Ember" in row["how"]
