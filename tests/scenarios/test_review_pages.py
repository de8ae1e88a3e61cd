"""Found in a page review: what a reader of the scenario pages saw that made no sense to them."""

from __future__ import annotations

import re
from typing import Any

from urbis.scenarios import services


def _cells(html: str, table_caption: str) -> list[str]:
    """The text of every cell of the table whose caption starts with ``table_caption``."""
    start = html.index(table_caption)
    body = html[start:html.index("</table>", start)]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip()
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", body, re.S)]


def test_lever_sector_and_carrier_are_named_not_coded(scenario: Any, client_for: Any) -> None:
    services.run_scenario(None, scenario, samples=50, seed=1, operator=True)
    html = client_for(None).get("/cities/barcelona/scenarios/pla-clima/").content.decode()
    levers = _cells(html, "Shapley share")
    assert "Efficiency" in levers and "Fuel switch" in levers
    assert "Local renewable production" in levers
    assert not {"FuelSwitch", "LocalProduction"} & set(levers)
    inventory = _cells(html, "Final energy × emission factor")
    assert "Residential buildings" in inventory and "Natural gas" in inventory
    assert not {"residential_buildings", "natural_gas"} & set(inventory)


def test_observed_emissions_say_their_unit_once_and_right(scenario: Any, client_for: Any) -> None:
    """3,600,000 t published as 3.6 Mt read as "3,600,000 (Mt CO2e)" under a column "t"."""
    import datetime as dt

    from urbis.strategy.models import Observation

    indicator = scenario.strategy.targets.get().indicator
    Observation.objects.create(indicator=indicator, city=scenario.city, date=dt.date(2019, 12, 31),
                               value=3.6, source="test source")
    services.run_scenario(None, scenario, samples=50, seed=1, operator=True)
    html = client_for(None).get("/cities/barcelona/scenarios/pla-clima/").content.decode()
    cells = _cells(html, "Observed emissions")
    assert "Emissions (t)" in cells
    assert "3,600,000 t published in Mt CO2e" in cells
    assert not any("(Mt CO2e)" in c for c in cells)


def _browser_post_data(html: str) -> dict[str, str]:
    """What a browser sends for the page's main form unchanged: each input's value, each
    select's selected option or else its first one (checkboxes only when checked)."""
    from html.parser import HTMLParser

    data: dict[str, str] = {}

    class Form(HTMLParser):
        select: str | None = None
        first: str | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            name = a.get("name") or ""
            if tag == "input" and name and a.get("type") not in ("checkbox", "file"):
                data[name] = a.get("value") or ""
            elif tag == "input" and a.get("type") == "checkbox" and "checked" in a:
                data[name] = a.get("value") or "on"
            elif tag == "select":
                self.select, self.first = name, None
            elif tag == "option" and self.select:
                if self.first is None:
                    self.first = a.get("value") or ""
                    data[self.select] = self.first
                if "selected" in a:
                    data[self.select] = a.get("value") or ""

        def handle_endtag(self, tag: str) -> None:
            if tag == "select":
                self.select = None

    Form().feed(html[html.index('<form method="post" class="form"'):])
    return data


def test_inventory_saves_unchanged_with_its_empty_rows(inventory: Any, make_user: Any,
                                                       client_for: Any, barcelona: Any) -> None:
    """Saving the inventory as shown refused the three empty rows: 'This field is required.'"""
    client = client_for(make_user("editor", barcelona))
    url = f"/cities/barcelona/scenarios/inventories/{inventory.pk}/"
    page = client.get(url).content.decode()
    answer = client.post(url, _browser_post_data(page))
    errors = re.findall(r'class="error"[^>]*>([^<]*)', answer.content.decode())
    assert answer.status_code == 302, errors
    assert inventory.rows.count() == 5


def test_builder_shows_capital_costs_with_thousands_separators(scenario: Any, make_user: Any,
                                                               client_for: Any,
                                                               barcelona: Any) -> None:
    """'50000000' in the measures table: an editor had to count the zeros."""
    html = client_for(make_user("editor", barcelona)).get(
        "/cities/barcelona/scenarios/pla-clima/edit/").content.decode()
    cells = _cells(html, "Each measure is a lever")
    assert "50,000,000" in cells and "50000000" not in cells


def test_scenario_page_has_no_style_attribute(scenario: Any, client_for: Any) -> None:
    """The Content-Security-Policy blocks style attributes: the MACC chart's
    'max-width:100%' was never applied (the chart overflowed phones) and logged a violation."""
    services.run_scenario(None, scenario, samples=50, seed=1, operator=True)
    answer = client_for(None).get("/cities/barcelona/scenarios/pla-clima/")
    assert "'unsafe-inline'" not in answer.headers["Content-Security-Policy"]
    assert " style=" not in answer.content.decode()


def test_german_measure_column_is_not_called_an_indicator(scenario: Any, make_user: Any,
                                                          client_for: Any,
                                                          barcelona: Any) -> None:
    """'Measure' (a lever) was translated as the word for an indicator's measure (Kenngröße),
    and the delete buttons' column as the language switch's 'Change' (Wechseln)."""
    from django.utils import translation

    client = client_for(make_user("editor", barcelona))
    services.run_scenario(None, scenario, samples=50, seed=1, operator=True)
    with translation.override("de"):
        edit = client.get("/cities/barcelona/scenarios/pla-clima/edit/",
                          HTTP_ACCEPT_LANGUAGE="de").content.decode()
        detail = client.get("/cities/barcelona/scenarios/pla-clima/",
                            HTTP_ACCEPT_LANGUAGE="de").content.decode()
        # The captions are translated too: find the tables by their German captions.
        lever_caption = translation.gettext(
            "Each measure is a lever on the inventory, linked to an action of the strategy")[:25]
    assert lever_caption.startswith("Jede"), lever_caption
    headers = _cells(edit, lever_caption)[:8]
    assert "Kenngröße" not in headers + _cells(detail, "Shapley")[:5]
    assert "Wechseln" not in headers


def test_central_projection_is_not_called_a_median(scenario: Any, client_for: Any) -> None:
    """The line 'with the measures' is the run with every uncertain input at its median
    (services.run_scenario stores proj.total), not the median of the Monte Carlo runs."""
    from urbis.scenarios.models import Scenario

    services.run_scenario(None, scenario, samples=50, seed=1, operator=True)
    Scenario.objects.create(city=scenario.city, inventory=scenario.inventory, slug="other",
                            title="Other", end_year=2040, is_published=True)
    services.run_scenario(None, Scenario.objects.get(slug="other"), samples=50, seed=1,
                          operator=True)
    client = client_for(None)
    detail = client.get("/cities/barcelona/scenarios/pla-clima/").content.decode()
    assert "with the measures (median)" not in detail
    assert "with the measures (central values)" in detail
    compare = client.get("/cities/barcelona/scenarios/compare/?a=pla-clima&b=other")
    assert "median of the deterministic run" not in compare.content.decode()
    assert "central projection" in compare.content.decode()
