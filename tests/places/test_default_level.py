"""A city page opens at the finest level that has areas (issue 15, security and bad input 9)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.test import Client

from urbis.places import queries, services
from urbis.places.models import City

SQUARE = [[[13.30, 52.50], [13.31, 52.50], [13.31, 52.51], [13.30, 52.51], [13.30, 52.50]]]


def _districts_only(tmp_path: Path) -> City:
    city = services.upsert_city(code="bezirkstadt", name="Bezirkstadt", country="DE")
    path = tmp_path / "districts.geojson"
    features = [
        {"type": "Feature", "properties": {"code": "01", "name": "Mitte"},
         "geometry": {"type": "Polygon", "coordinates": SQUARE}}
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    services.import_areas(path, city=city, level="district")
    return city


def test_a_city_with_districts_only_opens_at_district_level(
    db: Any, client: Client, tmp_path: Path
) -> None:
    city = _districts_only(tmp_path)
    assert queries.default_level(city) == "district"
    response = client.get("/cities/bezirkstadt/")
    assert response.status_code == 200
    assert response.context["level"] == "district"
    assert "level=district" in response.context["geojson_url"]
    assert b"Mitte" in response.content


def test_a_city_with_neighbourhoods_opens_at_neighbourhood_level(barcelona: City) -> None:
    assert queries.default_level(barcelona) == "neighbourhood"


def test_a_city_without_areas_says_so(db: Any, client: Client) -> None:
    services.upsert_city(code="leerstadt", name="Leerstadt", country="DE")
    response = client.get("/cities/leerstadt/?level=district")
    assert response.status_code == 200
    assert b"No boundaries at this level have been imported" in response.content


def test_an_explicit_level_is_kept(db: Any, client: Client, tmp_path: Path) -> None:
    _districts_only(tmp_path)
    response = client.get("/cities/bezirkstadt/?level=neighbourhood")
    assert response.context["level"] == "neighbourhood"
    assert b"No boundaries at this level" in response.content
