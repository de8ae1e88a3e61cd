"""Across cities: the comparison (per capita where the unit asks) and the network figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.strategy.conftest import observe
from urbis.places.models import City
from urbis.strategy import queries, services
from urbis.strategy.models import Indicator, Strategy, Target


def test_compare_divides_city_totals_by_population(
    catalogue: None, barcelona: City, paris: City, client_for: Callable[..., Any]
) -> None:
    observe(barcelona, "urbis-final-energy-consumption", 2020, 13222)
    observe(barcelona, "urbis-final-energy-consumption", 2022, 14413)
    observe(paris, "urbis-final-energy-consumption", 2014, 31500)
    indicator = Indicator.objects.get(code="urbis-final-energy-consumption")
    rows = {r["city"].code: r for r in queries.compare(indicator)["rows"]}
    assert rows["barcelona"]["latest"].value == 14413 and rows["barcelona"]["year"] == 2022
    # GWh × 1000 = MWh, divided by the city's population.
    assert rows["barcelona"]["per_capita"] == pytest.approx(14413 * 1000 / barcelona.population)
    assert rows["paris"]["per_capita"] == pytest.approx(31500 * 1000 / paris.population)
    assert len(rows["barcelona"]["series"]) == 2
    api = client_for(None).get("/api/v1/compare/indicators/urbis-final-energy-consumption").json()
    assert {r["city"] for r in api["rows"]} == {"barcelona", "paris"}
    page = client_for(None).get("/compare/indicators/urbis-final-energy-consumption/")
    assert page.status_code == 200
    assert "MWh/inhabitant" in page.content.decode()


def test_compare_keeps_rates_as_they_are_and_hides_unpublished(
    catalogue: None, barcelona: City, paris: City, make_user: Callable[..., Any]
) -> None:
    observe(barcelona, "iso37120-8-3", 2017, 2.11)
    observe(paris, "iso37120-8-3", 2017, 3.0)
    indicator = Indicator.objects.get(code="iso37120-8-3")
    rows = queries.compare(indicator)["rows"]
    assert {r["per_capita"] for r in rows} == {None}
    paris.is_published = False
    paris.save()
    assert [r["city"].code for r in queries.compare(indicator)["rows"]] == ["barcelona"]
    paris_editor = make_user("editor", paris)
    assert len(queries.compare(indicator, user=paris_editor)["rows"]) == 2


def test_city_indicators_are_not_compared(
    catalogue: None, paris: City, client_for: Callable[..., Any]
) -> None:
    services.create_indicator(by=None, city=paris, code="roofs", name="Roofs", unit="%",
                              direction="up", theme="energy")
    assert client_for(None).get("/compare/indicators/paris-roofs/").status_code == 404


def test_network_figures_are_computed_from_published_strategies(
    strategy: Strategy, target: Target, action: Any, departments: list[Any], paris: City,
    client_for: Callable[..., Any],
) -> None:
    # Barcelona: target 2030 (12 years after 2018), two departments → counts.
    services.save_action(by=None, strategy=strategy, title="Bike lanes", is_citizen_driven=True,
                         responsible_department=departments[1])
    services.save_action(by=None, strategy=strategy, title="Dropped", status="cancelled",
                         is_ppp=True)
    # Paris: a published strategy with a short-term target only and one department.
    short = services.save_strategy(by=None, city=paris, title="Short plan", start_year=2024,
                                   end_year=2026, is_published=True)
    services.save_target(by=None, strategy=short, title="Soon", kind="qualitative",
                         target_year=2026)
    services.save_action(by=None, strategy=short, title="Paris action")
    # An unpublished strategy counts for nothing.
    hidden = services.save_strategy(by=None, city=paris, title="Draft", start_year=2020,
                                    end_year=2050)
    services.save_action(by=None, strategy=hidden, title="Secret", is_ppp=True)

    figures = queries.network_figures()
    assert figures["cities_with_strategy"] == 2
    assert figures["cities_qualifying"] == 1
    assert figures["actions_total"] == 3  # solar roofs, bike lanes, Paris action
    assert figures["actions_ppp"] == 1 and figures["actions_citizen"] == 1
    assert figures["share_ppp"] == pytest.approx(1 / 3)
    api = client_for(None).get("/api/v1/network/figures").json()
    assert api["cities_qualifying"] == 1 and api["actions_total"] == 3
    page = client_for(None).get("/network/").content.decode()
    assert "33 %" in page
