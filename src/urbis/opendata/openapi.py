"""The OpenAPI 3.0 definition of /ogc/ (OGC API – Features Part 1, requirement class
"OpenAPI 3.0") and each collection's queryables (Part 3), generated from the registry so
that every collection's property filters are declared."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from urbis.opendata import provider
from urbis.opendata.provider import CRS84, CRS84H, DEFAULT_LIMIT, MAX_LIMIT
from urbis.opendata.registry import Field

JSON_TYPES = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "date": {"type": "string", "format": "date"},
    "boolean": {"type": "boolean"},
}
PROBLEM = {"$ref": "#/components/responses/Problem"}


def _schema(f: Field, *, nullable: bool = True) -> dict[str, Any]:
    schema: dict[str, Any] = dict(JSON_TYPES[f.type])
    schema["title"] = str(f.title)
    if f.unit:
        schema["x-unit"] = f.unit
    if nullable:
        schema["nullable"] = True
    return schema


def queryables(request: HttpRequest, c: provider.Collection) -> dict[str, Any]:
    """The JSON Schema of a collection's queryable properties (Part 3, 6.2)."""
    properties: dict[str, Any] = {}
    for f in c.layer.fields:
        schema: dict[str, Any] = dict(JSON_TYPES[f.type])
        schema["title"] = str(f.title)
        if f.description:
            schema["description"] = str(f.description)
        properties[f.name] = schema
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": request.build_absolute_uri(reverse("opendata:queryables", args=[c.id])),
        "type": "object",
        "title": f"{c.city.name}: {c.layer.title}",
        "properties": properties,
        "additionalProperties": False,
    }


def _content(*types: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {t: {"schema": schema or {"type": "object"}} if t != "text/html" else
            {"schema": {"type": "string"}} for t in types}


def _f(*values: str) -> dict[str, Any]:
    return {"name": "f", "in": "query", "required": False, "style": "form",
            "schema": {"type": "string", "enum": list(values)},
            "description": "The encoding of the response."}


def _op(op_id: str, summary: str, responses: dict[str, Any],
        parameters: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"get": {"operationId": op_id, "summary": summary, "tags": ["OGC API – Features"],
                    "parameters": parameters or [], "responses": responses}}


def definition(request: HttpRequest, collections: list[provider.Collection],
               conformance: list[str]) -> dict[str, Any]:
    base = request.build_absolute_uri(reverse("opendata:landing")).rstrip("/")
    paths: dict[str, Any] = {
        "/": _op("getLandingPage", "Landing page", {
            "200": {"description": "Links to the API, conformance and collections.",
                    "content": _content("application/json", "text/html",
                                        schema={"$ref": "#/components/schemas/landingPage"})},
            "400": PROBLEM}, [_f("json", "html")]),
        "/conformance": _op("getConformance", "Conformance classes", {
            "200": {"description": "The conformance classes this API implements.",
                    "content": _content("application/json", "text/html",
                                        schema={"$ref": "#/components/schemas/confClasses"})},
            "400": PROBLEM}, [_f("json", "html")]),
        "/api": _op("getApi", "This API definition", {
            "200": {"description": "OpenAPI 3.0 document.",
                    "content": _content("application/vnd.oai.openapi+json;version=3.0",
                                        "text/html")},
            "400": PROBLEM}, [_f("json", "html")]),
        "/collections": _op("getCollections", "Collections", {
            "200": {"description": "Every published collection.",
                    "content": _content("application/json", "text/html",
                                        schema={"$ref": "#/components/schemas/collections"})},
            "400": PROBLEM}, [_f("json", "html")]),
    }
    for c in collections:
        cid = c.id
        item_params: list[dict[str, Any]] = [
            {"$ref": "#/components/parameters/limit"},
            {"$ref": "#/components/parameters/offset"},
            {"$ref": "#/components/parameters/filter"},
            {"$ref": "#/components/parameters/filter-lang"},
            {"$ref": "#/components/parameters/crs"},
            _f("json", "html"),
        ]
        if c.layer.geometry:
            item_params += [{"$ref": "#/components/parameters/bbox"},
                            {"$ref": "#/components/parameters/bbox-crs"}]
        if c.layer.temporal:
            item_params.append({"$ref": "#/components/parameters/datetime"})
        for f in c.layer.fields:
            item_params.append({
                "name": f.name, "in": "query", "required": False, "style": "form",
                "explode": False, "schema": _schema(f, nullable=False),
                "description": f"Only features whose {f.name} equals this value.",
            })
        key = cid.replace("-", "_")
        paths[f"/collections/{cid}"] = _op(f"describeCollection_{key}", f"Collection {cid}", {
            "200": {"description": "The collection.",
                    "content": _content("application/json", "text/html",
                                        schema={"$ref": "#/components/schemas/collection"})},
            "400": PROBLEM, "404": PROBLEM}, [_f("json", "html")])
        paths[f"/collections/{cid}/queryables"] = _op(
            f"getQueryables_{key}", f"Queryables of {cid}", {
                "200": {"description": "JSON Schema of the queryable properties.",
                        "content": _content("application/schema+json")},
                "400": PROBLEM}, [_f("json")])
        paths[f"/collections/{cid}/items"] = _op(f"getFeatures_{key}", f"Features of {cid}", {
            "200": {"description": "A page of features.",
                    "content": _content("application/geo+json", "text/html",
                                        schema={"$ref": "#/components/schemas/featureCollection"})},
            "400": PROBLEM, "404": PROBLEM}, item_params)
        paths[f"/collections/{cid}/items/{{featureId}}"] = _op(
            f"getFeature_{key}", f"One feature of {cid}", {
                "200": {"description": "The feature.",
                        "content": _content("application/geo+json", "text/html",
                                            schema={"$ref": "#/components/schemas/feature"})},
                "400": PROBLEM, "404": PROBLEM},
            [{"name": "featureId", "in": "path", "required": True, "schema": {"type": "string"}},
             _f("json", "html")])
    link = {"type": "object", "required": ["href", "rel"], "properties": {
        "href": {"type": "string"}, "rel": {"type": "string"}, "type": {"type": "string"},
        "title": {"type": "string"}}}
    links = {"type": "array", "items": {"$ref": "#/components/schemas/link"}}
    geometry = {"type": "object", "nullable": True, "required": ["type"],
                "properties": {"type": {"type": "string", "enum": [
                    "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                    "MultiPolygon", "GeometryCollection"]}}}
    feature = {"type": "object", "required": ["type", "geometry", "properties"], "properties": {
        "type": {"type": "string", "enum": ["Feature"]},
        "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        "geometry": geometry,
        "properties": {"type": "object", "nullable": True},
        "links": links}}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Urbis OGC API – Features",
            "version": "1.0.0",
            "description": "Published layers of every city, per OGC API – Features Part 1 "
                           "(Core, GeoJSON, HTML, OpenAPI 3.0) and Part 3 (CQL2-text filters). "
                           f"Conformance classes: {', '.join(conformance)}.",
            "license": {"name": "Each collection's licence is given in the DCAT-AP catalogue",
                        "url": request.build_absolute_uri(reverse("opendata:catalog"))},
        },
        "servers": [{"url": base}],
        "paths": paths,
        "components": {
            "parameters": {
                "limit": {"name": "limit", "in": "query", "required": False, "style": "form",
                          "explode": False, "schema": {"type": "integer", "minimum": 1,
                                                       "maximum": MAX_LIMIT,
                                                       "default": DEFAULT_LIMIT}},
                "offset": {"name": "offset", "in": "query", "required": False, "style": "form",
                           "explode": False, "schema": {"type": "integer", "minimum": 0,
                                                        "default": 0}},
                "bbox": {"name": "bbox", "in": "query", "required": False, "style": "form",
                         "explode": False, "schema": {"type": "array", "minItems": 4,
                                                      "maxItems": 6,
                                                      "items": {"type": "number"}}},
                "bbox-crs": {"name": "bbox-crs", "in": "query", "required": False,
                             "schema": {"type": "string", "format": "uri",
                                        "enum": [CRS84, CRS84H]}},
                "crs": {"name": "crs", "in": "query", "required": False,
                        "schema": {"type": "string", "format": "uri", "enum": [CRS84]}},
                "datetime": {"name": "datetime", "in": "query", "required": False,
                             "style": "form", "explode": False, "schema": {"type": "string"}},
                "filter": {"name": "filter", "in": "query", "required": False,
                           "schema": {"type": "string"},
                           "description": "A CQL2-text expression, e.g. year=2025 AND "
                                          "sector='residential'."},
                "filter-lang": {"name": "filter-lang", "in": "query", "required": False,
                                "schema": {"type": "string", "enum": ["cql2-text"],
                                           "default": "cql2-text"}},
            },
            "responses": {
                "Problem": {"description": "An RFC 9457 problem document.",
                            "content": {"application/problem+json": {"schema": {
                                "type": "object", "required": ["status", "title"],
                                "properties": {"type": {"type": "string"},
                                               "title": {"type": "string"},
                                               "status": {"type": "integer"},
                                               "detail": {"type": "string"}}}}}},
            },
            "schemas": {
                "link": link,
                "landingPage": {"type": "object", "required": ["links"],
                                "properties": {"title": {"type": "string"},
                                               "description": {"type": "string"},
                                               "links": links}},
                "confClasses": {"type": "object", "required": ["conformsTo"], "properties": {
                    "conformsTo": {"type": "array", "items": {"type": "string"}}}},
                "collection": {"type": "object", "required": ["id", "links"], "properties": {
                    "id": {"type": "string"}, "title": {"type": "string"},
                    "description": {"type": "string"}, "links": links,
                    "extent": {"type": "object"}, "itemType": {"type": "string"},
                    "crs": {"type": "array", "items": {"type": "string"}}}},
                "collections": {"type": "object", "required": ["links", "collections"],
                                "properties": {"links": links, "collections": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/collection"}}}},
                "feature": feature,
                "featureCollection": {
                    "type": "object", "required": ["type", "features"], "properties": {
                        "type": {"type": "string", "enum": ["FeatureCollection"]},
                        "features": {"type": "array",
                                     "items": {"$ref": "#/components/schemas/feature"}},
                        "links": links,
                        "timeStamp": {"type": "string", "format": "date-time"},
                        "numberMatched": {"type": "integer", "minimum": 0},
                        "numberReturned": {"type": "integer", "minimum": 0}}},
            },
        },
    }
