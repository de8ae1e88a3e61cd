"""Two scenarios of one city side by side: per year and per sector, with the difference."""

from __future__ import annotations

from typing import Any

import pytest

from urbis.scenarios import services
from urbis.scenarios.models import Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def bau(scenario: Scenario) -> Scenario:
    return Scenario.objects.create(city=scenario.city, inventory=scenario.inventory, slug="bau",
                                   title="Tendencial", end_year=2040, is_published=True)


def test_comparison_per_year_and_sector_with_the_difference(scenario: Any, bau: Any,
                                                            client_for: Any) -> None:
    services.run_scenario(None, scenario, samples=50, seed=1, operator=True)
    services.run_scenario(None, bau, samples=50, seed=1, operator=True)
    body = client_for(None).get(
        "/api/v1/cities/barcelona/scenarios-compare?a=bau&b=pla-clima").json()
    assert body["unit"] == "t CO2" and body["modelled"] is True
    assert body["years"][0] == 2020 and body["years"][-1] == 2040
    bau_run, plan_run = bau.runs.get().result, scenario.runs.get().result
    for k, row in enumerate(body["totals"]):
        assert row["a"] == bau_run["scenario"][k] and row["b"] == plan_run["scenario"][k]
        assert row["difference"] == pytest.approx(row["b"] - row["a"], abs=1e-6)
    # No measure in business as usual: in 2020 both are the inventory; by 2040 the plan is lower.
    assert body["totals"][0]["difference"] == pytest.approx(0, abs=1)
    assert body["totals"][-1]["difference"] < -100_000
    # The sectors (less the local production credit) add up to each year's total.
    for k, year in enumerate(body["years"]):
        for side in ("a", "b"):
            total = sum(s["values"][k][side] for s in body["sectors"])
            assert total == pytest.approx(body["totals"][k][side], abs=1), (year, side)
    gas = next(s for s in body["sectors"] if s["sector"] == "residential_buildings")
    assert gas["values"][-1]["difference"] < 0  # renovation and heat pumps cut it
    page = client_for(None).get("/cities/barcelona/scenarios/compare/?a=bau&b=pla-clima")
    text = page.content.decode()
    assert page.status_code == 200 and "Modelled figures." in text
    assert 'id="compare-chart"' in text and "Residential buildings" in text
    assert "Difference, second − first (t CO2)" in text and "Local production (credit)" in text


def test_comparison_needs_runs_and_stays_in_one_city(scenario: Any, bau: Any, client_for: Any,
                                                     paris: Any) -> None:
    client = client_for(None)
    body = client.get("/api/v1/cities/barcelona/scenarios-compare?a=bau&b=pla-clima").json()
    assert body["missing_run"] == ["a", "b"] and body["totals"] == []
    page = client.get("/cities/barcelona/scenarios/compare/?a=bau&b=pla-clima")
    assert "has no stored run yet" in page.content.decode()
    Scenario.objects.create(city=paris, inventory=scenario.inventory, slug="paris-only",
                            title="P", is_published=True)
    assert client.get("/api/v1/cities/barcelona/scenarios-compare?a=bau&b=paris-only"
                      ).status_code == 404


def test_an_unpublished_scenario_is_not_compared_for_anonymous(scenario: Any, bau: Any,
                                                                client_for: Any) -> None:
    bau.is_published = False
    bau.save()
    response = client_for(None).get(
        "/api/v1/cities/barcelona/scenarios-compare?a=bau&b=pla-clima")
    assert response.status_code == 404


def test_network_dashboard_shows_each_citys_modelled_reduction(scenario: Any, client_for: Any,
                                                               barcelona: Any) -> None:
    page = client_for(None).get("/network/").content.decode()
    assert "Modelled emission reductions of the cities" not in page  # no run yet
    run = services.run_scenario(None, scenario, samples=50, seed=1, operator=True)
    page = client_for(None).get("/network/").content.decode()
    assert "Modelled emission reductions of the cities" in page and "Modelled figures." in page
    r = run.result
    base, in_2030 = r["scenario"][0], r["scenario"][r["years"].index(2030)]
    expected = f"{100 * (1 - in_2030 / base):.1f} %"
    assert expected in page and "illustrative inventory" in page
    # The fixture's scenario ends in 2040: no 2050 figure is invented.
    section = page.split('id="network-scenarios"')[1].split("</table>")[0]
    assert section.count("—") >= 1
    scenario.is_published = False
    scenario.save()
    page = client_for(None).get("/network/").content.decode()
    assert "Modelled emission reductions of the cities" not in page


def test_per_sector_comparison_is_a_chart_with_its_table(scenario: Any, bau: Any,
                                                         client_for: Any) -> None:
    services.run_scenario(None, scenario, samples=20, seed=1, operator=True)
    services.run_scenario(None, bau, samples=20, seed=1, operator=True)
    page = client_for(None).get("/cities/barcelona/scenarios/compare/?a=bau&b=pla-clima")
    text = page.content.decode()
    chart = page.context["sector_chart"]
    assert 'id="compare-sectors-chart"' in text and 'id="compare-sectors-data"' in text
    assert "(modelled)" in text.split('id="compare-sectors-chart"')[1].split(">")[0]
    # The chart's bars are the per-sector figures of the last common year, in the table's order.
    body = client_for(None).get(
        "/api/v1/cities/barcelona/scenarios-compare?a=bau&b=pla-clima").json()
    assert chart["year"] == body["years"][-1] == 2040
    assert chart["a"] == [row["values"][-1]["a"] for row in body["sectors"]]
    assert chart["b"] == [row["values"][-1]["b"] for row in body["sectors"]]
    assert "Residential buildings" in chart["labels"] and len(chart["labels"]) == 4
