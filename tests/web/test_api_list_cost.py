"""API lists that read only the columns they return (issue 16, API lists p95 < 100 ms).

Reaching an area through the ORM loads its geometry, a GeoJSON document that every
``JSONField`` decodes on load: the observations list did so once per row (Barcelona's 278 rows:
about 200 ms of CPU per request)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tests.queries import get_with_queries
from urbis.places.models import City
from urbis.strategy import services
from urbis.strategy.models import Observation

ROWS = "indicator,area_code,year,value,source\n" + "".join(
    f"urbis-cycle-network-length,{area},{year},{n}.5,District count\n"
    for n, area in enumerate(("B01", "B02", "B03", "D01", "D02"))
    for year in (2019, 2020, 2021)
) + "urbis-ghg-emissions,,2019,3.6,Balanç 2019\nurbis-ghg-emissions,,2020,2.7,Informe 2020\n"


def _observations(barcelona: City) -> None:
    services.load_catalogue()
    services.upload_observations_csv(by=None, city=barcelona, data=ROWS.encode(), file="t.csv")
    Observation.objects.filter(city=barcelona, date__year=2021, area__code="D02").update(
        is_published=False)


def _get(client: Client, url: str) -> tuple[Any, list[str]]:
    response, sql = get_with_queries(client, url)
    return response.json(), sql


def test_observation_list_reads_no_geometry_and_pages_in_the_database(
    barcelona: City, client: Client
) -> None:
    _observations(barcelona)
    url = "/api/v1/cities/barcelona/observations"
    body, sql = _get(client, url)
    assert [q for q in sql if '"geometry"' in q or '"boundary"' in q] == []
    assert body["count"] == 16  # the unpublished row is not listed to an anonymous reader
    assert body["items"][0] == {"indicator": "urbis-cycle-network-length", "area": "B01",
                                "date": "2019-12-31", "value": 0.5, "source": "District count"}
    assert [i["area"] for i in body["items"][:5]] == ["B01", "B02", "B03", "D01", "D02"]
    assert body["items"][-1]["indicator"] == "urbis-ghg-emissions"
    # A page is a slice taken by the database (LIMIT/OFFSET), not of a list read whole.
    page, sql = _get(client, url + "?limit=3&offset=4")
    assert page["count"] == 16
    assert page["items"] == body["items"][4:7]
    assert any("LIMIT 3" in q and "OFFSET 4" in q for q in sql)
    whole_city, _ = _get(client, url + "?area=city")
    assert [(i["area"], i["value"]) for i in whole_city["items"]] == [(None, 3.6), (None, 2.7)]
    one_area, _ = _get(client, url + "?area=B02&indicator=urbis-cycle-network-length")
    assert [i["date"] for i in one_area["items"]] == ["2019-12-31", "2020-12-31", "2021-12-31"]
