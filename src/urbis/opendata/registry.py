"""The registry of published layers: one place every open-data output (OGC API Features, the
DCAT-AP catalogue, the CSV / Parquet / GeoJSON / GeoPackage exports, the bulk zip) reads from.

Each app declares its layers in ``<app>/layers.py`` with :func:`register`; the modules are found
with :func:`urbis.discovery.app_modules`, so the registry never lists the apps. A layer's
``rows`` function yields :class:`Row` objects for one city and only what an anonymous visitor may
see (open data is public by definition: no user is ever passed).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

# Field types, as the OGC API queryables (JSON Schema), Parquet and the README name them.
TYPES = ("string", "integer", "number", "date", "boolean")

# Licences of the EU Publications Office's authority table, by their code in that table.
LICENCE_BASE = "http://publications.europa.eu/resource/authority/licence/"
LICENCES = {
    "CC_BY_4_0": ("Creative Commons Attribution 4.0 International",
                  "https://creativecommons.org/licenses/by/4.0/"),
    "ODC_BL": ("Open Data Commons Open Database License (ODbL) 1.0",
               "https://opendatacommons.org/licenses/odbl/1-0/"),
    "ETALAB_2_0": ("Licence Ouverte / Open Licence 2.0 (Etalab)",
                   "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
    "CC0": ("Creative Commons Zero 1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
}

# The EU data-theme vocabulary (DCAT-AP's dcat:theme values), by code.
THEME_BASE = "http://publications.europa.eu/resource/authority/data-theme/"
THEMES = {
    "AGRI": "Agriculture, fisheries, forestry and food",
    "ECON": "Economy and finance",
    "EDUC": "Education, culture and sport",
    "ENER": "Energy",
    "ENVI": "Environment",
    "GOVE": "Government and public sector",
    "HEAL": "Health",
    "INTR": "International issues",
    "JUST": "Justice, legal system and public safety",
    "OP_DATPRO": "Provisional data",
    "REGI": "Regions and cities",
    "SOCI": "Population and society",
    "TECH": "Science and technology",
    "TRAN": "Transport",
}


@dataclass(frozen=True)
class Field:
    """One column of a layer: its name, type (one of :data:`TYPES`), label and unit."""

    name: str
    type: str
    title: Any  # str or a lazy translation
    unit: str = ""
    description: Any = ""

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"field {self.name}: type {self.type!r} is not one of {TYPES}")


@dataclass(frozen=True, slots=True)
class Geometry:
    """A GeoJSON geometry already encoded (``json``, default separators) with its ``type``:
    what :func:`urbis.opendata.geo.clean_json` gives, and what a :class:`Row` keeps."""

    type: str
    json: str


class Row:
    """One feature or table row: a stable id, its properties (keyed by field name) and, for a
    spatial layer, a GeoJSON geometry in WGS84 longitude/latitude (a mapping, or a
    :class:`Geometry` already encoded).

    The geometry is kept as its GeoJSON text, not as nested lists: places keeps a city's rows
    between requests, and the lists of 5,000 boundaries (1.6 million objects) made each full
    garbage collection of a worker take a second, inside whichever request it fell on.
    ``geometry`` decodes the text when asked (a page of features, an export)."""

    __slots__ = ("id", "properties", "bbox", "_geometry", "_json", "_shape")

    def __init__(self, id: str, properties: Mapping[str, Any],
                 geometry: Mapping[str, Any] | Geometry | None = None,
                 bbox: tuple[float, float, float, float] | None = None) -> None:
        self.id = id
        self.properties = properties
        self.bbox = bbox
        if geometry is not None and not isinstance(geometry, Geometry):
            geometry = Geometry(str(geometry["type"]),
                                json.dumps(geometry, ensure_ascii=False))
        self._geometry: Geometry | None = geometry
        # Filled on first use and kept with the row: a layer that keeps its rows between
        # requests encodes each feature and builds each shape once.
        self._json: str | None = None
        self._shape: Any = None

    @property
    def geometry(self) -> dict[str, Any] | None:
        """The geometry as a GeoJSON mapping (decoded on each call), or ``None``."""
        return json.loads(self._geometry.json) if self._geometry is not None else None

    @property
    def geometry_type(self) -> str | None:
        return self._geometry.type if self._geometry is not None else None

    @property
    def geometry_json(self) -> str | None:
        return self._geometry.json if self._geometry is not None else None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Row):
            return NotImplemented
        return (self.id, self.properties, self.geometry_json, self.bbox) == (
            other.id, other.properties, other.geometry_json, other.bbox)

    __hash__ = None  # type: ignore[assignment]  # properties are a mutable mapping

    def __repr__(self) -> str:
        return f"Row(id={self.id!r}, properties={self.properties!r}, " \
               f"geometry_type={self.geometry_type!r}, bbox={self.bbox!r})"

    def feature_json(self) -> str:
        """The row as a GeoJSON Feature (RFC 7946), encoded: dates as ISO 8601 text, the
        bbox beside any geometry other than a point. Joined from the geometry's text, which
        is not decoded."""
        if self._json is None:
            parts = ['{"type": "Feature", "id": ', json.dumps(self.id, ensure_ascii=False),
                     ', "geometry": ', self.geometry_json or "null",
                     ', "properties": ', json.dumps(dict(self.properties), ensure_ascii=False,
                                                    default=_json_value)]
            if self.bbox is not None and self.geometry_type not in (None, "Point"):
                parts += [', "bbox": ', json.dumps(list(self.bbox))]
            parts.append("}")
            self._json = "".join(parts)
        return self._json

    def shape(self) -> Any:
        """The geometry as a shapely geometry (``None`` for a table row), kept with the row."""
        if self._shape is None and self._geometry is not None:
            import shapely

            self._shape = shapely.from_geojson(self._geometry.json)
        return self._shape


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


@dataclass(frozen=True)
class Hints:
    """Equality conditions the caller will apply anyway; a layer may use them to read less
    (e.g. one year of a balance). A layer that ignores them is still correct."""

    equals: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Described:
    """What a layer's ``described`` gives per city: the catalogue's licence (a code of
    :data:`LICENCES`), source text and modification date."""

    licence: str
    source: str
    modified: dt.datetime | None


@dataclass(frozen=True)
class Layer:
    """A published layer. ``geometry`` is a GeoJSON geometry kind ("Polygon" covers
    MultiPolygon too; "Point") or ``None`` for a table. ``temporal`` names a field holding a year
    (integer) or a date, which ``datetime`` queries and the catalogue's temporal coverage use.
    ``licence(city)`` returns a code of :data:`LICENCES`; ``source(city)`` a citation."""

    id: str
    title: Any
    description: Any
    fields: tuple[Field, ...]
    rows: Callable[[Any, Hints], Iterable[Row]]
    geometry: str | None = None
    temporal: str | None = None
    licence: Callable[[Any], str] = lambda city: default_licence()
    source: Callable[[Any], str] = lambda city: ""
    themes: tuple[str, ...] = ("REGI",)
    keywords: tuple[str, ...] = ()
    page: Callable[[Any], str | None] = lambda city: None
    # When the layer's content last changed for a city (the catalogue's dct:modified), or None.
    modified: Callable[[Any], dt.datetime | None] = lambda city: None
    available: Callable[[Any], bool] = lambda city: True
    # Optional: licence, source and modification date for many cities at once, keyed by the
    # city's pk (one query per model instead of per city: the catalogue asks every city).
    # Must give what ``licence``, ``source`` and ``modified`` give one city at a time.
    described: Callable[[Sequence[Any]], Mapping[Any, Described]] | None = None
    # Optional: ``modified`` of many cities at once, keyed by pk (the catalogue's timed
    # recheck asks only this of every city).
    modified_many: Callable[[Sequence[Any]], Mapping[Any, dt.datetime | None]] | None = None
    # Optional: a cheap value that changes whenever the layer's rows for a city may change
    # (the energy layers: their store's catalogue key). With it, what is computed from all of
    # a city's rows (the temporal extent of /collections and the catalogue) is kept until it
    # changes instead of reading every row on each request.
    version: Callable[[Any], Hashable] | None = None
    # Optional: the first and last value of the temporal field over each city's rows, for
    # many cities at once, keyed by pk (``None`` for a city without rows): one grouped query
    # instead of reading every city's rows for the catalogue. Must give what reading the rows
    # gives (the tests compare them).
    spans: Callable[[Sequence[Any]], Mapping[Any, tuple[Any, Any] | None]] | None = None
    order: int = 100

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"layer {self.id}: duplicate field names")
        if self.temporal is not None and self.temporal not in names:
            raise ValueError(f"layer {self.id}: temporal field {self.temporal!r} is not a field")
        for theme in self.themes:
            if theme not in THEMES:
                raise ValueError(f"layer {self.id}: unknown data theme {theme!r}")

    def field(self, name: str) -> Field | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None


def default_licence() -> str:
    """The licence of what the platform itself produces (balances, ideas, registers):
    ``URBIS_OPEN_DATA_LICENCE`` in settings, CC BY 4.0 unless a deployment says otherwise."""
    return str(getattr(settings, "OPEN_DATA_LICENCE", "CC_BY_4_0"))


_layers: dict[str, Layer] = {}
_lock = threading.Lock()
_discovered = False


def register(layer: Layer) -> Layer:
    """Add a layer (an app's ``layers.py`` calls this at import). Registering an id twice with a
    different layer is an error: two apps would publish under one address."""
    existing = _layers.get(layer.id)
    if existing is not None and existing is not layer and existing.rows is not layer.rows:
        raise ValueError(f"layer {layer.id!r} is registered twice")
    _layers[layer.id] = layer
    return layer


def _discover() -> None:
    global _discovered
    with _lock:
        if _discovered:
            return
        from urbis.discovery import app_modules

        app_modules("layers")
        _discovered = True


def layers() -> list[Layer]:
    """Every registered layer, in the order apps give them."""
    _discover()
    return sorted(_layers.values(), key=lambda layer: (layer.order, layer.id))


def get_layer(layer_id: str) -> Layer | None:
    _discover()
    return _layers.get(layer_id)


def city_layers(city: Any) -> list[Layer]:
    """The layers a city publishes (a layer may not apply to a city, e.g. without floor area)."""
    return [layer for layer in layers() if layer.available(city)]


def year_of(value: Any) -> int | None:
    """The year a temporal value stands for (an integer year or a date)."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, dt.date):
        return value.year
    return int(str(value)[:4])


# How licences are named in the source texts Urbis stores (``Area.source``, population and
# floor-area sources), strictest first: a layer combining an ODbL boundary with CC BY figures
# is a database derived from the ODbL one, so ODbL wins.
_LICENCE_NAMES = (
    ("ODC_BL", ("odbl", "open database licen")),
    ("CC_BY_4_0", ("cc by", "cc-by", "creative commons attribution")),
    ("ETALAB_2_0", ("licence ouverte", "etalab", "open licence 2")),
    ("CC0", ("cc0", "public domain")),
)


def licence_in(texts: Iterable[str]) -> str | None:
    """The strictest licence named in ``texts`` (EU vocabulary code), or ``None``."""
    lowered = [t.lower() for t in texts if t]
    for code, names in _LICENCE_NAMES:
        if any(name in text for text in lowered for name in names):
            return code
    return None
