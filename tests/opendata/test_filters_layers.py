"""OGC API – Features Part 3 (CQL2-text) on the energy layer, queryables, and what each layer
publishes: only what an anonymous visitor may see."""

from __future__ import annotations

import json
from typing import Any

import pytest

from urbis.energy import queries
from urbis.opendata import registry

ENERGY = "/ogc/collections/barcelona-energy-balance"


def items(client: Any, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def test_registry_discovers_every_apps_layers() -> None:
    ids = [layer.id for layer in registry.layers()]
    ours = ["districts", "neighbourhoods", "energy-balance", "street-cells", "pv-installations",
            "ideas", "indicator-observations"]
    # Other apps may add theirs; these come in their declared order.
    assert [i for i in ids if i in ours] == ours


def test_layer_declaration_is_checked() -> None:
    with pytest.raises(ValueError, match="temporal field"):
        registry.Layer(id="x", title="X", description="", rows=lambda c, h: [],
                       fields=(registry.Field("a", "string", "A"),), temporal="year")
    with pytest.raises(ValueError, match="type"):
        registry.Field("a", "text", "A")


def test_req_filter_cql2_text_basic_comparison_on_energy(client: Any, energy: None,
                                                          barcelona: Any) -> None:
    url = (f"{ENERGY}/items?filter-lang=cql2-text&limit=1000&filter="
           "year=2025 AND sector='residential' AND month=0 AND level='neighbourhood'")
    data = items(client, url)
    expected = {
        r["code"]: r for r in queries.balance_table(barcelona, level="neighbourhood", year=2025,
                                                    sector="residential")
        if r["consumption_kwh"] is not None
    }
    assert set(expected) == {"B02", "B07"}
    assert data["numberMatched"] == 2
    for feature in data["features"]:
        p = feature["properties"]
        assert (p["year"], p["sector"], p["month"]) == (2025, "residential", 0)
        assert feature["geometry"] is None
        assert p["consumption_kwh"] == expected[p["area_code"]]["consumption_kwh"]
        assert p["production_kwh"] == expected[p["area_code"]]["production_kwh"]


def test_cql2_or_not_between_in_like_isnull(client: Any, energy: None, barcelona: Any) -> None:
    base = f"{ENERGY}/items?limit=1000&filter="

    def codes(expr: str) -> set[tuple[str, int, str]]:
        return {(f["properties"]["area_code"], f["properties"]["month"],
                 f["properties"]["sector"]) for f in items(client, base + expr)["features"]}

    assert codes("month=6 AND sector='all' AND area_code IN ('B07','D01')") == {
        ("B07", 6, "all"), ("D01", 6, "all")}
    assert codes("month BETWEEN 5 AND 6 AND sector='all' AND area_code='B07'") == {
        ("B07", 6, "all")}
    assert codes("month=0 AND sector='all' AND area_code LIKE 'B0%'") == {
        ("B02", 0, "all"), ("B07", 0, "all")}
    assert codes("month=0 AND sector='all' AND level='neighbourhood' AND "
                 "NOT area_code='B02' AND production_kwh IS NOT NULL") == {("B07", 0, "all")}
    assert codes("month=0 AND sector='all' AND (area_code='B02' OR area_code='B07')") == {
        ("B02", 0, "all"), ("B07", 0, "all")}
    produced = codes("month=0 AND sector='all' AND production_kwh > 0")
    assert ("B07", 0, "all") in produced and ("B02", 0, "all") not in produced


def test_simple_property_filters_equal_cql2(client: Any, energy: None) -> None:
    by_params = items(client, f"{ENERGY}/items?year=2025&sector=residential&month=0&limit=100")
    by_cql = items(client, f"{ENERGY}/items?limit=100&filter=year=2025 AND sector='residential'"
                           " AND month=0")
    # B02 in district D01, B07 in D02.
    assert by_params["numberMatched"] == by_cql["numberMatched"] == 4
    assert [f["id"] for f in by_params["features"]] == [f["id"] for f in by_cql["features"]]


@pytest.mark.parametrize("expr", ["year='2025'", "nope=1", "year=2025 AND", "year + 1 = 2026",
                                  "S_INTERSECTS(geometry, POINT(2 41))", "2025=year"])
def test_bad_filters_are_400_problems(client: Any, energy: None, expr: str) -> None:
    response = client.get(f"{ENERGY}/items?filter={expr}")
    assert response.status_code == 400, expr
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["parameter"] == "filter"


def test_queryables_list_the_fields(client: Any, energy: None) -> None:
    response = client.get(f"{ENERGY}/queryables")
    assert response["Content-Type"] == "application/schema+json"
    schema = json.loads(response.content)
    assert schema["properties"]["year"]["type"] == "integer"
    assert schema["properties"]["sector"]["type"] == "string"


def test_energy_datetime_by_year(client: Any, energy: None) -> None:
    assert items(client, f"{ENERGY}/items?datetime=2025-06-02&limit=1")["numberMatched"] > 0
    assert items(client, f"{ENERGY}/items?datetime=2024-01-01/2024-12-31")["numberMatched"] == 0


def test_street_cells_withhold_small_groups(client: Any, energy: None) -> None:
    data = items(client, "/ogc/collections/barcelona-street-cells/items")
    assert data["numberMatched"] == 1  # the B02 cell has 3 meters: withheld
    assert data["features"][0]["properties"]["connections"] >= 10


def test_city_without_readings_has_no_energy_collections(client: Any, energy: None,
                                                         paris: Any) -> None:
    assert client.get("/ogc/collections/paris-energy-balance").status_code == 404


def test_hidden_and_unpublished_ideas_are_not_published(client: Any, barcelona: Any,
                                                        ideas: dict[str, Any]) -> None:
    data = items(client, "/ogc/collections/barcelona-ideas/items?limit=100")
    assert [f["id"] for f in data["features"]] == [str(ideas["shown"].pk)]
    for key in ("hidden", "unpublished"):
        response = client.get(f"/ogc/collections/barcelona-ideas/items/{ideas[key].pk}")
        assert response.status_code == 404


def test_unpublished_observations_and_cities_are_not_published(
    client: Any, barcelona: Any, observations: dict[str, Any]
) -> None:
    data = items(client, "/ogc/collections/barcelona-indicator-observations/items?limit=100")
    assert {f["id"] for f in data["features"]} == {str(observations["city"].pk),
                                                  str(observations["area"].pk)}
    barcelona.is_published = False
    barcelona.save()
    assert client.get("/ogc/collections/barcelona-neighbourhoods").status_code == 404
    ids = {c["id"] for c in items(client, "/ogc/collections")["collections"]}
    assert not any(i.startswith("barcelona-") for i in ids)
    assert client.get("/cities/barcelona/open-data.zip").status_code == 404


@pytest.mark.parametrize("query", ["year=38662", "year=2024.5", "filter=year=38662"])
def test_impossible_years_match_nothing(client: Any, barcelona: Any, observations: Any,
                                        query: str) -> None:
    """Found by schemathesis: a year past 9999 made the observations layer fail (500)."""
    url = f"/ogc/collections/barcelona-indicator-observations/items?{query}"
    response = client.get(url)
    if query == "year=2024.5":
        assert response.status_code == 400  # not an integer
    else:
        assert response.status_code == 200
        assert json.loads(response.content)["numberMatched"] == 0
