"""Collections (one per published city and layer) and their features, filtered the way
OGC API – Features Part 1 (bbox, datetime, property equality, paging) and Part 3 (CQL2-text basic
comparisons) ask. Views only translate HTTP to these calls; every rule lives here.

Errors are typed: :class:`BadRequest` (HTTP 400) for a parameter the standard lets a server
refuse, :class:`NotFound` (HTTP 404) for an unknown collection or feature.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from pygeofilter import ast, values
from pygeofilter.backends.evaluator import Evaluator, handle
from pygeofilter.parsers.cql2_text import parse as parse_cql2_text

from urbis.opendata.registry import Field, Hints, Layer, Row, city_layers, layers, year_of
from urbis.places.models import ROUTABLE_CODE, City
from urbis.places.queries import visible_cities

DEFAULT_LIMIT = 10
MAX_LIMIT = 10_000
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CRS84H = "http://www.opengis.net/def/crs/OGC/0/CRS84h"


class OpenDataError(Exception):
    status = 400

    def __init__(self, detail: str, *, parameter: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.parameter = parameter


class BadRequest(OpenDataError):
    status = 400


class NotFound(OpenDataError):
    status = 404


@dataclass(frozen=True)
class Collection:
    city: City
    layer: Layer

    @property
    def id(self) -> str:
        return f"{self.city.code}-{self.layer.id}"


def collections() -> list[Collection]:
    """Every published city's layers, cities by name, layers in registry order."""
    return [
        Collection(city, layer)
        for city in visible_cities(None).order_by("name", "code")
        for layer in city_layers(city)
    ]


def city_collections(city: City) -> list[Collection]:
    return [Collection(city, layer) for layer in city_layers(city)]


# The city columns a collection reads. Not the boundary, nor ``bbox`` and ``time_zone``: on
# SQLite a row's columns are stored one after the other, and these come after the boundary
# (megabytes for a city of thousands of areas), so reading one of them walks the boundary's
# overflow pages: 14 ms of every items request for a city of 5,000 areas. ``code`` comes from
# the unique index the lookup uses; :func:`extent` loads ``bbox`` when a collection is shown.
CITY_COLUMNS = ("id", "code", "name", "country", "lau_code", "is_published")


def published_city(code: str) -> City | None:
    """The published city ``code`` with :data:`CITY_COLUMNS` only (open data is what an
    anonymous visitor may see: ``places.queries.get_city`` without a user), or ``None``."""
    return City.objects.only(*CITY_COLUMNS).filter(code=code, is_published=True).first()


def get_collection(collection_id: str) -> Collection:
    """The collection ``<city code>-<layer id>``; city codes may contain hyphens, so the layer
    is matched as a suffix. One city is read (not every visible city with its area counts:
    that was a third of a small items request for a city of 5,000 areas)."""
    for layer in layers():
        suffix = f"-{layer.id}"
        if not collection_id.endswith(suffix) or len(collection_id) == len(suffix):
            continue
        code = collection_id[:-len(suffix)]
        if not ROUTABLE_CODE.fullmatch(code):  # only codes an address can hold are served
            continue
        city = published_city(code)
        if city is not None and layer.available(city):
            return Collection(city, layer)
    raise NotFound(_("No collection %(collection_id)r.") % {"collection_id": collection_id})


# --- Parameters ------------------------------------------------------------------------------


def parse_limit(text: str | None) -> int:
    """``limit``: 1 or more; above :data:`MAX_LIMIT` it is lowered to it (Part 1, 7.15.3)."""
    if text is None or text == "":
        return DEFAULT_LIMIT
    try:
        value = int(text)
    except ValueError:
        raise BadRequest(
            _("limit must be a whole number, not %(text)r.") % {"text": text}, parameter="limit"
        ) from None
    if value < 1:
        raise BadRequest(_("limit must be at least 1."), parameter="limit")
    return min(value, MAX_LIMIT)


def parse_offset(text: str | None) -> int:
    if text is None or text == "":
        return 0
    try:
        value = int(text)
    except ValueError:
        raise BadRequest(
            _("offset must be a whole number, not %(text)r.") % {"text": text}, parameter="offset"
        ) from None
    if value < 0:
        raise BadRequest(_("offset must be 0 or more."), parameter="offset")
    return value


def parse_bbox(text: str | None, bbox_crs: str | None = None) -> tuple[float, ...] | None:
    """``bbox=minLon,minLat,maxLon,maxLat`` (or six numbers with heights) in CRS84."""
    if text is None or text == "":
        return None
    if bbox_crs not in (None, "", CRS84, CRS84H):
        raise BadRequest(_("bbox-crs %(bbox_crs)r is not supported; use %(CRS84)s.")
                         % {"bbox_crs": bbox_crs, "CRS84": CRS84},
                         parameter="bbox-crs")
    parts = text.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise BadRequest(_("bbox must be 4 or 6 numbers separated by commas, not %(text)r.")
                         % {"text": text},
                         parameter="bbox") from None
    if len(numbers) not in (4, 6) or not all(math.isfinite(n) for n in numbers):
        raise BadRequest(_("bbox must be 4 or 6 numbers separated by commas, not %(text)r.")
                         % {"text": text},
                         parameter="bbox")
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    minx, miny, maxx, maxy = numbers
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise BadRequest(_("bbox is outside longitude −180…180 / latitude −90…90, or its south "
                           "edge is above its north edge."), parameter="bbox")
    if minx > maxx:
        raise BadRequest(_("bbox crossing the antimeridian is not supported."), parameter="bbox")
    return (minx, miny, maxx, maxy)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _instant(text: str, *, end: bool) -> dt.date | None:
    if text in ("..", ""):
        return None
    try:
        if _DATE.match(text):
            return dt.date.fromisoformat(text)
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise BadRequest(
            _("datetime: %(text)r is not an RFC 3339 date or date-time.")
            % {"text": text}, parameter="datetime"
        ) from None
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone(dt.UTC)
        except OverflowError:  # e.g. 9999-12-31T23:00:00-02:00 lies past year 9999 in UTC
            raise BadRequest(_("datetime: %(text)r is out of range.") % {"text": text},
                             parameter="datetime") from None
    return moment.date()


def parse_datetime(text: str | None) -> tuple[dt.date | None, dt.date | None] | None:
    """``datetime``: an instant or an interval ``start/end`` with ``..`` for an open end.
    Features carry days or years, so instants are compared by their (UTC) day."""
    if text is None or text == "":
        return None
    if "/" in text:
        start_text, _slash, end_text = text.partition("/")
        start, end = _instant(start_text, end=False), _instant(end_text, end=True)
        if start is None and end is None:
            raise BadRequest(_("datetime: an interval needs at least one end."),
                             parameter="datetime")
        if start is not None and end is not None and start > end:
            raise BadRequest(_("datetime: the interval starts after it ends."),
                             parameter="datetime")
        return (start, end)
    day = _instant(text, end=False)
    if day is None:
        raise BadRequest(_("datetime: '..' alone is not an instant."), parameter="datetime")
    return (day, day)


def _coerce(field: Field, text: str, parameter: str) -> Any:
    """A query-string value as the field's type."""
    try:
        if field.type == "integer":
            return int(text)
        if field.type == "number":
            return float(text)
        if field.type == "boolean":
            if text.lower() in ("true", "1"):
                return True
            if text.lower() in ("false", "0"):
                return False
            raise ValueError(text)
        if field.type == "date":
            return dt.date.fromisoformat(text)
    except ValueError:
        raise BadRequest(_("%(parameter)s: %(text)r is not a valid %(type)s.")
                         % {"parameter": parameter, "text": text, "type": field.type},
                         parameter=parameter) from None
    return text


def property_filters(layer: Layer, params: Mapping[str, str]) -> dict[str, Any]:
    """Query parameters named after a field of the layer: equality filters (Part 1, 7.15.5)."""
    found = {}
    for name, text in params.items():
        f = layer.field(name)
        if f is not None:
            found[name] = _coerce(f, text, name)
    return found


# --- CQL2 ------------------------------------------------------------------------------------

Predicate = Callable[[Mapping[str, Any]], bool]
_Getter = Callable[[Mapping[str, Any]], Any]

_COMPARE: dict[Any, Callable[[Any, Any], bool]] = {
    ast.ComparisonOp.EQ: lambda a, b: a == b,
    ast.ComparisonOp.NE: lambda a, b: a != b,
    ast.ComparisonOp.LT: lambda a, b: a < b,
    ast.ComparisonOp.LE: lambda a, b: a <= b,
    ast.ComparisonOp.GT: lambda a, b: a > b,
    ast.ComparisonOp.GE: lambda a, b: a >= b,
}


class _Compiler(Evaluator):
    """Turns a pygeofilter AST into a Python predicate over a row's properties, checking every
    property name and literal type against the layer's fields (no ``eval``)."""

    def __init__(self, layer: Layer) -> None:
        self.layer = layer

    def _field(self, node: Any) -> Field:
        if not isinstance(node, ast.Attribute):
            raise BadRequest(_("filter: the left side of a comparison must be a property."),
                             parameter="filter")
        f = self.layer.field(node.name)
        if f is None:
            raise BadRequest(
                _("filter: %(node)r is not a queryable of this collection (%(choices)s).")
                % {"node": node.name, "choices": ", ".join(x.name for x in self.layer.fields)},
                parameter="filter",
            )
        return f

    def _literal(self, f: Field, value: Any) -> Any:
        if isinstance(value, (ast.Node, values.Geometry)):
            raise BadRequest(_("filter: only literal values can be compared with a property."),
                             parameter="filter")
        expected = {
            "integer": (int, float),
            "number": (int, float),
            "string": (str,),
            "boolean": (bool,),
            "date": (dt.date, str),
        }[f.type]
        if isinstance(value, bool) and f.type != "boolean" or not isinstance(value, expected):
            raise BadRequest(
                _("filter: %(f)s is a %(type)s; %(value)r cannot be compared with it.")
                % {"f": f.name, "type": f.type, "value": value},
                parameter="filter",
            )
        if f.type == "date":
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, str):
                try:
                    return dt.date.fromisoformat(value)
                except ValueError:
                    raise BadRequest(
                        _("filter: %(value)r is not a date.") % {"value": value}, parameter="filter"
                    ) from None
        return value

    @handle(ast.And)
    def and_(self, node: Any, lhs: Predicate, rhs: Predicate) -> Predicate:
        return lambda p: lhs(p) and rhs(p)

    @handle(ast.Or)
    def or_(self, node: Any, lhs: Predicate, rhs: Predicate) -> Predicate:
        return lambda p: lhs(p) or rhs(p)

    @handle(ast.Not)
    def not_(self, node: Any, sub: Predicate) -> Predicate:
        return lambda p: not sub(p)

    @handle(ast.Comparison, subclasses=True)
    def comparison(self, node: Any, lhs: Any, rhs: Any) -> Predicate:
        f = self._field(node.lhs)
        value = self._literal(f, node.rhs)
        op = _COMPARE[node.op]
        name = f.name
        # CQL2: a comparison with a null property is not true.
        return lambda p: p.get(name) is not None and op(p[name], value)

    @handle(ast.Between)
    def between(self, node: Any, lhs: Any, low: Any, high: Any) -> Predicate:
        f = self._field(node.lhs)
        lo, hi, name, negate = self._literal(f, node.low), self._literal(f, node.high), f.name, \
            node.not_
        return lambda p: p.get(name) is not None and ((lo <= p[name] <= hi) != negate)

    @handle(ast.In)
    def in_(self, node: Any, lhs: Any, *options: Any) -> Predicate:
        f = self._field(node.lhs)
        choices = {self._literal(f, o) for o in node.sub_nodes}
        name, negate = f.name, node.not_
        return lambda p: p.get(name) is not None and ((p[name] in choices) != negate)

    @handle(ast.IsNull)
    def is_null(self, node: Any, lhs: Any) -> Predicate:
        name, negate = self._field(node.lhs).name, node.not_
        return lambda p: (p.get(name) is None) != negate

    @handle(ast.Like)
    def like(self, node: Any, lhs: Any) -> Predicate:
        from pygeofilter.util import like_pattern_to_re

        f = self._field(node.lhs)
        if f.type != "string":
            raise BadRequest(_("filter: LIKE needs a text property; %(f)s is a %(type)s.")
                             % {"f": f.name, "type": f.type},
                             parameter="filter")
        regex = like_pattern_to_re(
            node.pattern, node.nocase, node.wildcard, node.singlechar, node.escapechar
        )
        name, negate = f.name, node.not_
        return lambda p: p.get(name) is not None and (bool(regex.match(p[name])) != negate)

    @handle(ast.Attribute)
    def attribute(self, node: Any) -> Any:
        return node

    def adopt(self, node: Any, *sub_args: Any) -> Any:
        # Literals reach here: they are checked where they are compared.
        if isinstance(node, ast.Node):
            raise BadRequest(
                _("filter: %(name)s is not supported (basic CQL2 comparisons, AND, OR, NOT, "
                  "BETWEEN, IN, LIKE and IS NULL are).") % {"name": type(node).__name__},
                parameter="filter",
            )
        return node


def parse_filter(layer: Layer, text: str | None, lang: str | None) -> tuple[Predicate, Any] | None:
    """A CQL2-text filter as a predicate, with its AST (for hints)."""
    if text is None or text == "":
        return None
    if lang not in (None, "", "cql2-text"):
        raise BadRequest(_("filter-lang %(lang)r is not supported; use cql2-text.")
                         % {"lang": lang},
                         parameter="filter-lang")
    try:
        tree = parse_cql2_text(text)
    except Exception as exc:  # lark raises several error types for bad syntax
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BadRequest(_("filter: not valid CQL2 text (%(first)s).")
                         % {"first": first}, parameter="filter") from None
    predicate = _Compiler(layer).evaluate(tree)
    if not callable(predicate):
        raise BadRequest(_("filter: the expression is not a condition."), parameter="filter")
    return predicate, tree


def _ast_equalities(tree: Any) -> dict[str, Any]:
    """Equalities ANDed at the top of a filter: safe to hand to a layer as hints."""
    if isinstance(tree, ast.And):
        return {**_ast_equalities(tree.lhs), **_ast_equalities(tree.rhs)}
    if isinstance(tree, ast.Equal) and isinstance(tree.lhs, ast.Attribute) and isinstance(
        tree.rhs, (str, int, float)
    ):
        return {tree.lhs.name: tree.rhs}
    return {}


# --- Items -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    bbox: tuple[float, ...] | None = None
    datetime: tuple[dt.date | None, dt.date | None] | None = None
    equals: Mapping[str, Any] | None = None
    filter: tuple[Predicate, Any] | None = None


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    number_matched: int
    number_returned: int


def _in_time(layer: Layer, value: Any, window: tuple[dt.date | None, dt.date | None]) -> bool:
    if value is None:
        return False
    start, end = window
    field = layer.field(layer.temporal or "")
    if field is not None and field.type == "integer":
        year = year_of(value)
        assert year is not None
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    else:
        first = last = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return (start is None or last >= start) and (end is None or first <= end)


def _intersects(row: Row, box: tuple[float, ...]) -> bool:
    if row.bbox is None:
        return False
    minx, miny, maxx, maxy = row.bbox
    if maxx < box[0] or minx > box[2] or maxy < box[1] or miny > box[3]:
        return False
    if row.geometry_type in (None, "Point"):
        return True
    import shapely
    from shapely.geometry import box as make_box

    return bool(shapely.intersects(row.shape(), make_box(*box)))


def matching(collection: Collection, query: Query) -> Iterable[Row]:
    """Every row of the collection that passes all of the query's conditions, in layer order."""
    layer = collection.layer
    if query.datetime is not None and layer.temporal is None:
        raise BadRequest(_("datetime: collection %(collection)s has no time.")
                         % {"collection": collection.id},
                         parameter="datetime")
    if query.bbox is not None and layer.geometry is None:
        raise BadRequest(_("bbox: collection %(collection)s has no geometry.")
                         % {"collection": collection.id}, parameter="bbox")
    equals = dict(query.equals or {})
    hints = dict(equals)
    if query.filter is not None:
        hints.update(_ast_equalities(query.filter[1]))
    for row in layer.rows(collection.city, Hints(hints)):
        p = row.properties
        if any(p.get(k) != v for k, v in equals.items()):
            continue
        if query.bbox is not None and not _intersects(row, query.bbox):
            continue
        if query.datetime is not None and not _in_time(layer, p.get(layer.temporal or ""),
                                                       query.datetime):
            continue
        if query.filter is not None and not query.filter[0](p):
            continue
        yield row


def items(collection: Collection, query: Query) -> Page:
    if (query.bbox is None and query.datetime is None and not query.equals
            and query.filter is None):
        # No condition: no per-row work, only a slice.
        found = list(collection.layer.rows(collection.city, Hints()))
    else:
        found = list(matching(collection, query))
    page = found[query.offset:query.offset + query.limit]
    return Page(page, len(found), len(page))


def get_item(collection: Collection, feature_id: str) -> Row:
    for row in collection.layer.rows(collection.city, Hints()):
        if row.id == feature_id:
            return row
    raise NotFound(_("No feature %(feature_id)r in collection %(collection)s.")
                   % {"feature_id": feature_id, "collection": collection.id})


def extent(collection: Collection) -> dict[str, Any]:
    """Spatial extent (the city's bbox, CRS84) and temporal extent (first and last date)."""
    result: dict[str, Any] = {}
    bbox = collection.city.bbox
    if bbox:
        result["spatial"] = {"bbox": [list(bbox)], "crs": CRS84}
    span = temporal_span(collection)
    if span is not None:
        result["temporal"] = {
            "interval": [[f"{span[0].isoformat()}T00:00:00Z", f"{span[1].isoformat()}T23:59:59Z"]],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
        }
    return result


_spans: dict[tuple[str, int, Hashable], tuple[dt.date, dt.date] | None] = {}
_spans_lock = threading.Lock()


def temporal_span(collection: Collection) -> tuple[dt.date, dt.date] | None:
    """First and last date of the layer's temporal field over the city's rows (a year field
    spans its whole years). Kept per version for a layer that declares one (``Layer.version``):
    the energy layers' rows are thousands per city, read for two dates on every /collections
    page."""
    layer = collection.layer
    if layer.temporal is None:
        return None
    if layer.version is None:
        return _read_span(collection)
    key = (layer.id, collection.city.pk, layer.version(collection.city))
    with _spans_lock:
        if key in _spans:
            return _spans[key]
    span = _read_span(collection)
    with _spans_lock:
        if len(_spans) > 1024:
            _spans.clear()
        _spans[key] = span
    return span


def _read_span(collection: Collection) -> tuple[dt.date, dt.date] | None:
    layer = collection.layer
    assert layer.temporal is not None
    found: list[Any] = [
        v for r in layer.rows(collection.city, Hints())
        if (v := r.properties.get(layer.temporal)) is not None
    ]
    if not found:
        return None
    return _as_dates(layer, min(found), max(found))


def _as_dates(layer: Layer, first: Any, last: Any) -> tuple[dt.date, dt.date]:
    # A year field spans its whole years; a date field its first and last day.
    field = layer.field(layer.temporal) if layer.temporal else None
    if field is not None and field.type == "integer":
        return dt.date(first, 1, 1), dt.date(last, 12, 31)
    return first, last


def temporal_spans(layer: Layer, cities: list[City]) -> dict[Any, tuple[dt.date, dt.date] | None]:
    """:func:`temporal_span` of many cities (keyed by pk), in one call for a layer that
    declares ``spans``; city by city otherwise."""
    if layer.temporal is None:
        return {city.pk: None for city in cities}
    if layer.spans is None:
        return {city.pk: temporal_span(Collection(city, layer)) for city in cities}
    found = layer.spans(cities)
    return {city.pk: (None if (span := found.get(city.pk)) is None
                      else _as_dates(layer, *span)) for city in cities}


def json_value(value: Any) -> Any:
    """A property value as JSON: dates as ISO 8601 text."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value
