"""OGC API – Features at /ogc/ (JSON, GeoJSON and HTML), the DCAT-AP catalogue at /catalog,
and the per-city downloads. Thin: the rules are in provider.py, catalog.py and exports.py."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from urbis.opendata import catalog, exports, openapi, provider
from urbis.opendata.provider import CRS84, BadRequest, Collection, OpenDataError
from urbis.opendata.registry import Row
from urbis.places.queries import get_city
from urbis.problems import problem_response

GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
]
ITEM_PARAMS = {"f", "limit", "offset", "bbox", "bbox-crs", "datetime", "filter", "filter-lang",
               "filter-crs", "crs"}


def ogc_errors(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Typed provider errors as RFC 9457 problem documents with their HTTP status."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except OpenDataError as exc:
            extra = {"parameter": exc.parameter} if exc.parameter else {}
            return problem_response(request, exc.status, exc.detail, **extra)

    return wrapped


def _html(request: HttpRequest, allowed: tuple[str, ...] = ("json", "html")) -> bool:
    """Whether to answer in HTML: ``f=html``, or a browser's Accept header without ``f``."""
    f = request.GET.get("f")
    if f is not None:
        if f not in allowed:
            raise BadRequest(_("f must be one of %(choices)s, not %(f)r.")
                             % {"choices": ', '.join(allowed), "f": f}, parameter="f")
        return f == "html"
    accept = request.headers.get("Accept", "")
    first = accept.split(",")[0].split(";")[0].strip()
    return first == "text/html"


def _url(request: HttpRequest, view: str, /, *args: Any, **params: Any) -> str:
    # Positional-only: a query parameter may be called "view", "name" or "request" (a field).
    url = request.build_absolute_uri(reverse(f"opendata:{view}", args=args))
    return f"{url}?{urlencode(params)}" if params else url


def _json(data: Any, content_type: str = "application/json") -> HttpResponse:
    return HttpResponse(json.dumps(data, ensure_ascii=False, default=provider.json_value),
                        content_type=content_type)


@require_safe
@ogc_errors
def landing(request: HttpRequest) -> HttpResponse:
    html = _html(request)
    data = {
        "title": _("Urbis open data"),
        "description": _(
            "The published layers of every city on this Urbis platform, as OGC API – Features."
        ),
        "links": [
            {"href": _url(request, "landing", f="json"), "rel": "self" if not html else "alternate",
             "type": "application/json", "title": _("This document as JSON")},
            {"href": _url(request, "landing", f="html"), "rel": "alternate" if not html else "self",
             "type": "text/html", "title": _("This document as HTML")},
            {"href": _url(request, "api"), "rel": "service-desc", "type": OPENAPI,
             "title": _("The API definition (OpenAPI 3.0)")},
            {"href": _url(request, "api", f="html"), "rel": "service-doc", "type": "text/html",
             "title": _("The API documentation")},
            {"href": _url(request, "conformance"), "rel": "conformance",
             "type": "application/json", "title": _("Conformance classes")},
            {"href": _url(request, "collections"), "rel": "data", "type": "application/json",
             "title": _("Collections")},
            {"href": request.build_absolute_uri(reverse("opendata:catalog")),
             "rel": "describedby", "type": "text/turtle", "title": _("DCAT-AP catalogue")},
        ],
    }
    if html:
        return render(request, "opendata/landing.html", {"data": data})
    return _json(data)


@require_safe
@ogc_errors
def conformance(request: HttpRequest) -> HttpResponse:
    data = {"conformsTo": CONFORMANCE}
    if _html(request):
        return render(request, "opendata/conformance.html", {"data": data})
    return _json(data)


@require_safe
@ogc_errors
def api(request: HttpRequest) -> HttpResponse:
    document = openapi.definition(request, provider.collections(), CONFORMANCE)
    if _html(request):
        return render(request, "opendata/api.html", {"document": document})
    return _json(document, OPENAPI)


def _collection_json(request: HttpRequest, c: Collection) -> dict[str, Any]:
    layer = c.layer
    links = [
        {"href": _url(request, "collection", c.id, f="json"), "rel": "self",
         "type": "application/json", "title": str(layer.title)},
        {"href": _url(request, "collection", c.id, f="html"), "rel": "alternate",
         "type": "text/html", "title": str(layer.title)},
        {"href": _url(request, "items", c.id, f="json"), "rel": "items", "type": GEOJSON,
         "title": _("Features as GeoJSON")},
        {"href": _url(request, "items", c.id, f="html"), "rel": "items", "type": "text/html",
         "title": _("Features as HTML")},
        {"href": _url(request, "queryables", c.id), "type": "application/schema+json",
         "rel": "http://www.opengis.net/def/rel/ogc/1.0/queryables",
         "title": _("Queryable properties")},
        {"href": request.build_absolute_uri(reverse("opendata:catalog")) + f"?city={c.city.code}",
         "rel": "describedby", "type": "text/turtle", "title": _("DCAT-AP catalogue entry")},
    ]
    for fmt in exports.formats(layer):
        links.append({
            "href": request.build_absolute_uri(
                reverse("opendata:download", args=[c.city.code, layer.id, fmt])
            ),
            "rel": "enclosure", "type": exports.MEDIA_TYPES[fmt],
            "title": _("Whole layer as %(format)s") % {"format": exports.LABELS[fmt]},
        })
    return {
        "id": c.id,
        "title": f"{c.city.name}: {layer.title}",
        "description": str(layer.description),
        "links": links,
        "extent": provider.extent(c),
        "itemType": "feature" if layer.geometry else "record",
        "crs": [CRS84],
        "storageCrs": CRS84,
        "keywords": list(layer.keywords),
    }


@require_safe
@ogc_errors
def collections(request: HttpRequest) -> HttpResponse:
    html = _html(request)
    data = {
        "links": [
            {"href": _url(request, "collections", f="json"), "rel": "self",
             "type": "application/json", "title": _("Collections")},
            {"href": _url(request, "collections", f="html"), "rel": "alternate",
             "type": "text/html", "title": _("Collections")},
        ],
        "collections": [_collection_json(request, c) for c in provider.collections()],
    }
    if html:
        return render(request, "opendata/collections.html", {"data": data})
    return _json(data)


@require_safe
@ogc_errors
def collection(request: HttpRequest, collection_id: str) -> HttpResponse:
    c = provider.get_collection(collection_id)
    data = _collection_json(request, c)
    if _html(request):
        return render(request, "opendata/collection.html",
                      {"data": data, "collection": c, "fields": c.layer.fields})
    return _json(data)


@require_safe
@ogc_errors
def queryables(request: HttpRequest, collection_id: str) -> HttpResponse:
    c = provider.get_collection(collection_id)
    _html(request, ("json",))
    return _json(openapi.queryables(request, c), "application/schema+json")


def _feature(row: Row, *, geometry: bool = True) -> dict[str, Any]:
    """A row as a GeoJSON Feature; without ``geometry`` (an HTML table of ids and properties)
    neither the geometry nor its bbox: decoding a boundary into nested lists is most of a
    page's cost and sets off full garbage collections."""
    feature: dict[str, Any] = {"type": "Feature", "id": row.id}
    if geometry:
        feature["geometry"] = row.geometry
    feature["properties"] = {k: provider.json_value(v) for k, v in row.properties.items()}
    if geometry and row.bbox is not None and row.geometry_type not in (None, "Point"):
        feature["bbox"] = list(row.bbox)
    return feature


def _query(request: HttpRequest, c: Collection) -> provider.Query:
    for name in request.GET:
        if name not in ITEM_PARAMS and c.layer.field(name) is None:
            raise BadRequest(_("unknown query parameter %(name)r.")
                             % {"name": name}, parameter=name)
    crs = request.GET.get("crs")
    if crs not in (None, "", CRS84):
        raise BadRequest(_("crs %(crs)r is not supported; features are served in %(CRS84)s.")
                         % {"crs": crs, "CRS84": CRS84},
                         parameter="crs")
    if request.GET.get("filter-crs") not in (None, "", CRS84):
        raise BadRequest(_("filter-crs must be CRS84."), parameter="filter-crs")
    return provider.Query(
        limit=provider.parse_limit(request.GET.get("limit")),
        offset=provider.parse_offset(request.GET.get("offset")),
        bbox=provider.parse_bbox(request.GET.get("bbox"), request.GET.get("bbox-crs")),
        datetime=provider.parse_datetime(request.GET.get("datetime")),
        equals=provider.property_filters(
            c.layer, {k: v for k, v in request.GET.dict().items() if k not in ITEM_PARAMS}
        ),
        filter=provider.parse_filter(
            c.layer, request.GET.get("filter"), request.GET.get("filter-lang")
        ),
    )


@require_safe
@ogc_errors
def items(request: HttpRequest, collection_id: str) -> HttpResponse:
    c = provider.get_collection(collection_id)
    html = _html(request)
    query = _query(request, c)
    page = provider.items(c, query)
    params = {k: v for k, v in request.GET.items() if k != "f"}
    # Reversed once for the page's three to five links (a tenth of a small page's time).
    items_url = _url(request, "items", c.id)

    def link(rel: str, fmt: str, offset: int, title: str) -> dict[str, Any]:
        return {
            "href": f"{items_url}?{urlencode({**params, 'offset': offset, 'f': fmt})}",
            "rel": rel, "type": GEOJSON if fmt == "json" else "text/html", "title": title,
        }

    links = [
        link("self" if not html else "alternate", "json", query.offset, _("This page as GeoJSON")),
        link("alternate" if not html else "self", "html", query.offset, _("This page as HTML")),
        {"href": _url(request, "collection", c.id), "rel": "collection",
         "type": "application/json", "title": _("The collection")},
    ]
    fmt = "html" if html else "json"
    if query.offset + page.number_returned < page.number_matched:
        links.append(link("next", fmt, query.offset + query.limit, _("Next page")))
    if query.offset > 0:
        links.append(link("prev", fmt, max(0, query.offset - query.limit), _("Previous page")))
    data: dict[str, Any] = {
        "type": "FeatureCollection",
        "links": links,
        "timeStamp": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace(
            "+00:00", "Z"
        ),
        "numberMatched": page.number_matched,
        "numberReturned": page.number_returned,
    }
    if html:
        data["features"] = [_feature(row, geometry=False) for row in page.rows]
        return render(request, "opendata/items.html", {
            "data": data, "collection": c, "fields": c.layer.fields, "query": query,
            "collection_url": _url(request, "collection", c.id, f="html"),
        })
    # Each feature is encoded once and kept with its row (Row.feature_json); the page only
    # joins them, which is what makes a 1,000-feature page cheap.
    head = json.dumps(data, ensure_ascii=False, default=provider.json_value)
    body = "".join((head[:-1], ', "features": [',
                    ", ".join(row.feature_json() for row in page.rows), "]}"))
    response = HttpResponse(body, content_type=GEOJSON)
    response["Content-Crs"] = f"<{CRS84}>"
    return response


@require_safe
@ogc_errors
def item(request: HttpRequest, collection_id: str, feature_id: str) -> HttpResponse:
    c = provider.get_collection(collection_id)
    html = _html(request)
    row = provider.get_item(c, feature_id)
    feature = _feature(row)
    feature["links"] = [
        {"href": _url(request, "item", c.id, feature_id, f="json"),
         "rel": "self" if not html else "alternate", "type": GEOJSON, "title": row.id},
        {"href": _url(request, "item", c.id, feature_id, f="html"),
         "rel": "alternate" if not html else "self", "type": "text/html", "title": row.id},
        {"href": _url(request, "collection", c.id), "rel": "collection",
         "type": "application/json", "title": _("The collection")},
    ]
    if html:
        return render(request, "opendata/item.html",
                      {"feature": feature, "collection": c, "fields": c.layer.fields,
                       "collection_url": _url(request, "collection", c.id, f="html")})
    response = _json(feature, GEOJSON)
    response["Content-Crs"] = f"<{CRS84}>"
    return response


# --- Catalogue -------------------------------------------------------------------------------


@require_safe
def catalog_view(request: HttpRequest) -> HttpResponse:
    city_code = request.GET.get("city")
    cities = None
    if city_code:
        cities = [get_city(city_code)]
    fmt = catalog.negotiate(request.GET.get("format"), request.headers.get("Accept", ""))
    if fmt is None:
        return problem_response(
            request, 406 if not request.GET.get("format") else 400,
            _("format must be one of %(formats)s.") % {"formats": ", ".join(catalog.FORMATS)},
        )
    if fmt == "html":
        entries = catalog.entries(request, cities)
        return render(request, "opendata/catalog.html",
                      {"entries": entries, "formats": [f for f in catalog.FORMATS if f != "html"],
                       "city_code": city_code})
    body, content_type = catalog.document(request, cities, fmt)
    response = HttpResponse(body, content_type=content_type)
    response["Vary"] = "Accept"
    return response


# --- Downloads -------------------------------------------------------------------------------


@require_safe
def city_open_data(request: HttpRequest, code: str) -> HttpResponse:
    city = get_city(code)
    rows = [
        {
            "collection": c,
            "ogc_url": reverse("opendata:collection", args=[c.id]) + "?f=html",
            "downloads": [
                {"label": exports.LABELS[fmt],
                 "url": reverse("opendata:download", args=[city.code, c.layer.id, fmt])}
                for fmt in exports.formats(c.layer)
            ],
        }
        for c in provider.city_collections(city)
    ]
    return render(request, "opendata/city.html", {"city": city, "rows": rows})


@require_safe
@ogc_errors
def download(request: HttpRequest, code: str, layer_id: str, fmt: str) -> HttpResponseBase:
    city = get_city(code)
    try:
        c = provider.get_collection(f"{city.code}-{layer_id}")
    except provider.NotFound:
        raise Http404(_("No layer %(layer_id)r in %(city)s.")
                      % {"layer_id": layer_id, "city": city.name}) from None
    if fmt not in exports.formats(c.layer):
        raise Http404(_("%(layer_id)s is not offered as %(fmt)s.")
                      % {"layer_id": layer_id, "fmt": fmt})
    handle = exports.export(c, fmt)
    return FileResponse(handle, as_attachment=True,
                        filename=f"{city.code}-{layer_id}.{exports.EXTENSIONS[fmt]}",
                        content_type=exports.MEDIA_TYPES[fmt])


@require_safe
def bulk_zip(request: HttpRequest, code: str) -> HttpResponseBase:
    city = get_city(code)
    handle = exports.bulk_zip(city, request.build_absolute_uri("/"))
    return FileResponse(handle, as_attachment=True, filename=f"{city.code}-open-data.zip",
                        content_type="application/zip")

