"""The open standards are checked by third-party validators, not by our own reading of them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from geojson_pydantic import FeatureCollection
from openapi_spec_validator import validate


def test_openapi_document_is_valid_openapi_3_1(db: Any, client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises on any violation of the OpenAPI 3.1 schema


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cities/barcelona/areas?format=geojson",
        "/api/v1/cities/paris/areas?format=geojson",
        "/cities.geojson",
        "/cities/paris/areas/75105/boundary.geojson",
    ],
)
def test_geojson_answers_are_valid_rfc7946(db: Any, client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = FeatureCollection.model_validate(json.loads(response.content))
    assert len(collection.features) > 0
