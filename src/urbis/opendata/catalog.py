"""The DCAT-AP 3 catalogue of every published layer, built as an RDF graph with rdflib and
serialised as Turtle, JSON-LD or RDF/XML.

One ``dcat:Dataset`` per city and layer, published by the city (a ``foaf:Agent`` with its LAU
code), with contact point, licence and access rights from the EU vocabularies, data themes,
spatial and temporal coverage, modification date and one ``dcat:Distribution`` per format
(OGC API items, GeoJSON, CSV, Parquet, JSON, GeoPackage). The OGC API itself is a
``dcat:DataService``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from urbis.opendata import exports, provider
from urbis.opendata.registry import (
    LICENCE_BASE,
    LICENCES,
    THEME_BASE,
    THEMES,
    Described,
    city_layers,
    get_layer,
    layers,
)
from urbis.places.models import City
from urbis.places.queries import visible_cities

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
ACCESS_PUBLIC = URIRef("http://publications.europa.eu/resource/authority/access-right/PUBLIC")
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
IANA = "https://www.iana.org/assignments/media-types/"
FILE_TYPES = {"csv": "CSV", "parquet": "PARQUET", "json": "JSON", "geojson": "GEOJSON",
              "gpkg": "GPKG"}
OGC_FEATURES = URIRef("http://www.opengis.net/spec/ogcapi-features-1/1.0")
DATA_THEMES = URIRef("http://publications.europa.eu/resource/authority/data-theme")

# Serialisations: ?format= value → (rdflib format, media type).
FORMATS = {
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
    "jsonld": ("json-ld", "application/ld+json"),
    "rdf": ("pretty-xml", "application/rdf+xml"),
    "html": ("", "text/html"),
}
ALIASES = {"turtle": "ttl", "json-ld": "jsonld", "xml": "rdf", "rdfxml": "rdf"}
ACCEPT = {"text/turtle": "ttl", "application/ld+json": "jsonld", "application/rdf+xml": "rdf",
          "application/xml": "rdf", "text/html": "html", "application/json": "jsonld"}


def negotiate(fmt: str | None, accept: str) -> str | None:
    """The serialisation asked for by ``?format=`` or, without it, by the Accept header
    (Turtle when nothing is said); ``None`` when neither can be met."""
    if fmt:
        fmt = ALIASES.get(fmt, fmt)
        return fmt if fmt in FORMATS else None
    if not accept.strip():
        return "ttl"
    ranked = []
    for position, part in enumerate(accept.split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        ranked.append((-q, position, media))
    for _q, _pos, media in sorted(ranked):
        if media in ACCEPT and _q < 0:
            return ACCEPT[media]
        if media in ("*/*", "text/*", "application/*") and _q < 0:
            return "ttl"
    return None


def serialize(graph: Graph, fmt: str) -> tuple[str, str]:
    name, content_type = FORMATS[fmt]
    return graph.serialize(format=name), content_type


Triple = tuple[Any, Any, Any]


class Part:
    """One city's triples as N-Triples lines, written straight from rdflib's terms (each
    line is also Turtle). Adding 22,000 triples to rdflib graphs and serialising them was
    most of a cold catalogue of 50 cities. Has the two methods of a graph the builders use."""

    def __init__(self, memo: dict[URIRef, str] | None = None) -> None:
        self.lines: dict[str, None] = {}  # ordered, without repeats
        # Each IRI's N-Triples text, shared by the parts of one request: predicates, classes
        # and a dataset's own IRI recur in most lines, and rdflib writes each anew (about
        # 60,000 calls for 50 cities). Literals are not kept: hashing one costs as much.
        self._n3 = {} if memo is None else memo

    def _term(self, term: Any) -> str:
        if isinstance(term, URIRef):
            found = self._n3.get(term)
            if found is None:
                found = self._n3[term] = term.n3()
            return found
        return str(term.n3())

    def _line(self, triple: Triple) -> str:
        s, p, o = triple
        return f"{self._term(s)} {self._term(p)} {self._term(o)} .\n"

    def add(self, triple: Triple) -> None:
        self.lines[self._line(triple)] = None

    def __contains__(self, triple: Triple) -> bool:
        return self._line(triple) in self.lines

    def text(self) -> str:
        return "".join(self.lines)


class Urls:
    """The catalogue's addresses for one request, each route reversed once: a catalogue of
    50 cities asked Django's URL resolver 2,300 times."""

    def __init__(self, request: HttpRequest) -> None:
        self.root = request.build_absolute_uri("/")[:-1]
        self.catalog = self.root + reverse("opendata:catalog")
        self.landing = self.root + reverse("opendata:landing")
        self.api = self.root + reverse("opendata:api")
        # Codes and layer ids are slugs, so upper-case placeholders cannot clash.
        self._collection = reverse("opendata:collection", args=["COLLECTION"])
        self._items = reverse("opendata:items", args=["COLLECTION"])
        self._download = reverse("opendata:download", args=["CITY", "LAYER", "FMT"])
        self._cities: dict[str, str] = {}
        self.n3: dict[URIRef, str] = {}  # IRIs' N-Triples text, for the parts (see Part)

    def abs(self, path: str) -> str:
        return self.root + path

    def city(self, city: City) -> str:
        """The city's page (its publisher IRI), reversed once per city."""
        found = self._cities.get(city.code)
        if found is None:
            found = self._cities[city.code] = self.root + city.get_absolute_url()
        return found

    def collection(self, collection_id: str) -> str:
        return self.root + self._collection.replace("COLLECTION", collection_id)

    def items(self, collection_id: str) -> str:
        return self.root + self._items.replace("COLLECTION", collection_id)

    def download(self, city: str, layer: str, fmt: str) -> str:
        return self.root + self._download.replace("CITY", city).replace(
            "LAYER", layer).replace("FMT", fmt)


def _agent(graph: Graph | Part, urls: Urls, city: City) -> URIRef:
    agent = URIRef(urls.city(city))
    if (agent, RDF.type, FOAF.Agent) in graph:
        return agent
    graph.add((agent, RDF.type, FOAF.Agent))
    graph.add((agent, FOAF.name, Literal(city.name)))
    if city.lau_code:
        # Eurostat's Local Administrative Unit code, e.g. ES 08019, FR 75056.
        identifier = BNode()
        graph.add((agent, ADMS.identifier, identifier))
        graph.add((identifier, RDF.type, ADMS.Identifier))
        graph.add((identifier, SKOS.notation, Literal(f"{city.country}{city.lau_code}")))
        graph.add((identifier, DCTERMS.creator, Literal("Eurostat, Local Administrative Units")))
        graph.add((agent, DCTERMS.identifier, Literal(f"LAU:{city.country}:{city.lau_code}")))
    return agent


def _contact(graph: Graph | Part, urls: Urls, city: City) -> BNode:
    contact = BNode()
    graph.add((contact, RDF.type, VCARD.Organization))
    # Also vcard:Kind itself: validators read the graph without RDFS inference.
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, VCARD.fn, Literal(city.name)))
    graph.add((contact, VCARD.hasURL, URIRef(urls.city(city))))
    email = getattr(settings, "OPEN_DATA_CONTACT_EMAIL", "")
    if email:
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{email}")))
    return contact


def _wkt_box(bbox: list[float]) -> str:
    minx, miny, maxx, maxy = bbox
    return (f"POLYGON(({minx} {miny},{maxx} {miny},{maxx} {maxy},{minx} {maxy},"
            f"{minx} {miny}))")


def _date(value: Any) -> Literal:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return Literal(value.replace(microsecond=0).isoformat(), datatype=XSD.dateTime)
    return Literal(value.isoformat(), datatype=XSD.date)


def _service(graph: Graph, urls: Urls) -> URIRef:
    service = URIRef(urls.landing)
    graph.add((service, RDF.type, DCAT.DataService))
    graph.add((service, DCTERMS.title, Literal("OGC API – Features", lang="en")))
    graph.add((service, DCAT.endpointURL, service))
    graph.add((service, DCAT.endpointDescription, URIRef(urls.api)))
    graph.add((service, DCTERMS.conformsTo, OGC_FEATURES))
    graph.add((OGC_FEATURES, RDF.type, DCTERMS.Standard))
    return service


@functools.cache
def _format_terms(fmt: str) -> tuple[URIRef, URIRef]:
    # Made once per format, not for each of a catalogue's 1,300 distributions.
    return URIRef(FILE_TYPE + FILE_TYPES[fmt]), URIRef(IANA + exports.MEDIA_TYPES[fmt])


def _format(graph: Graph | Part, distribution: URIRef, fmt: str) -> None:
    """The EU file type and the IANA media type of a distribution, typed as DCAT-AP's ranges
    ask (the vocabularies' own type statements are not in the graph otherwise)."""
    file_type, media_type = _format_terms(fmt)
    graph.add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
    graph.add((media_type, RDF.type, DCTERMS.MediaType))
    graph.add((distribution, DCTERMS["format"], file_type))
    graph.add((distribution, DCAT.mediaType, media_type))


@dataclass(frozen=True)
class Facts:
    """What a dataset shows that is read from the database (everything else comes from the
    city's own fields and the layer's declaration)."""

    layer: str
    licence: str
    source: str
    page: str | None
    span: tuple[dt.date, dt.date] | None
    modified: dt.datetime | None


def facts(cities: Sequence[City]) -> list[tuple[Facts, ...]]:
    """Per city, per layer it publishes in registry order: its :class:`Facts`. A layer that
    can describe many cities at once (``Layer.described``) is asked once for all of them."""
    described = {layer.id: layer.described(cities) for layer in layers()
                 if layer.described is not None}
    # Layers that date many cities at once (modification dates, temporal spans) are asked
    # once; the others city by city.
    many = {layer.id: layer.modified_many(cities) for layer in layers()
            if layer.described is None and layer.modified_many is not None}
    spans = {layer.id: provider.temporal_spans(layer, list(cities)) for layer in layers()
             if layer.spans is not None}
    found = []
    for city in cities:
        mine = []
        for layer in city_layers(city):
            c = provider.Collection(city, layer)
            if layer.id in described:
                d = described[layer.id][city.pk]
            else:
                d = Described(layer.licence(city), layer.source(city),
                              many[layer.id][city.pk] if layer.id in many
                              else layer.modified(city))
            span = spans[layer.id][city.pk] if layer.id in spans else provider.temporal_span(c)
            mine.append(Facts(layer.id, d.licence, d.source, layer.page(city), span,
                              d.modified))
        found.append(tuple(mine))
    return found


def add_dataset(graph: Graph | Part, urls: Urls, c: provider.Collection, known: Facts,
                service: URIRef) -> URIRef:
    city, layer = c.city, c.layer
    dataset = URIRef(urls.collection(c.id))
    licence = URIRef(LICENCE_BASE + known.licence)
    graph.add((licence, RDF.type, DCTERMS.LicenseDocument))
    graph.add((ACCESS_PUBLIC, RDF.type, DCTERMS.RightsStatement))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.identifier, Literal(c.id)))
    graph.add((dataset, DCTERMS.title, Literal(f"{city.name}: {layer.title}", lang="en")))
    graph.add((dataset, DCTERMS.description, Literal(str(layer.description), lang="en")))
    graph.add((dataset, DCTERMS.publisher, _agent(graph, urls, city)))
    graph.add((dataset, DCAT.contactPoint, _contact(graph, urls, city)))
    graph.add((dataset, DCTERMS.accessRights, ACCESS_PUBLIC))
    for theme in layer.themes:
        concept = URIRef(THEME_BASE + theme)
        graph.add((concept, RDF.type, SKOS.Concept))
        graph.add((concept, SKOS.inScheme, DATA_THEMES))
        graph.add((concept, SKOS.prefLabel, Literal(THEMES[theme], lang="en")))
        graph.add((dataset, DCAT.theme, concept))
    for keyword in layer.keywords:
        graph.add((dataset, DCAT.keyword, Literal(keyword, lang="en")))
    if known.source:
        provenance = BNode()
        graph.add((provenance, RDF.type, DCTERMS.ProvenanceStatement))
        graph.add((provenance, RDFS.label, Literal(known.source)))
        graph.add((dataset, DCTERMS.provenance, provenance))
    if known.page:
        document = URIRef(urls.abs(known.page))
        graph.add((document, RDF.type, FOAF.Document))
        graph.add((dataset, DCAT.landingPage, document))
    if city.bbox:
        location = BNode()
        graph.add((location, RDF.type, DCTERMS.Location))
        graph.add((location, DCAT.bbox, Literal(_wkt_box(city.bbox), datatype=GSP.wktLiteral)))
        graph.add((dataset, DCTERMS.spatial, location))
    if known.span is not None:
        period = BNode()
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        graph.add((period, DCAT.startDate, _date(known.span[0])))
        graph.add((period, DCAT.endDate, _date(known.span[1])))
        graph.add((dataset, DCTERMS.temporal, period))
    if known.modified is not None:
        graph.add((dataset, DCTERMS.modified, _date(known.modified)))

    ogc = URIRef(f"{dataset}#ogcapi")
    graph.add((dataset, DCAT.distribution, ogc))
    graph.add((ogc, RDF.type, DCAT.Distribution))
    graph.add((ogc, DCTERMS.title, Literal("OGC API – Features items (GeoJSON)", lang="en")))
    graph.add((ogc, DCAT.accessURL, URIRef(urls.items(c.id))))
    graph.add((ogc, DCAT.accessService, service))
    _format(graph, ogc, "geojson")
    graph.add((ogc, DCTERMS.conformsTo, OGC_FEATURES))
    graph.add((ogc, DCTERMS.license, licence))
    for fmt in exports.formats(layer):
        url = URIRef(urls.download(city.code, layer.id, fmt))
        distribution = URIRef(f"{dataset}#{fmt}")
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCTERMS.title,
                   Literal(f"{layer.title} ({exports.LABELS[fmt]})", lang="en")))
        graph.add((distribution, DCAT.accessURL, url))
        graph.add((distribution, DCAT.downloadURL, url))
        _format(graph, distribution, fmt)
        graph.add((distribution, DCTERMS.license, licence))
    graph.add((service, DCAT.servesDataset, dataset))
    return dataset


def _graph() -> Graph:
    graph = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD),
                              ("adms", ADMS), ("gsp", GSP), ("skos", SKOS), ("locn", LOCN)):
        graph.bind(prefix, namespace)
    return graph


def _head(graph: Graph, urls: Urls, chosen: list[City]) -> URIRef:
    """The catalogue's own description and the OGC API service; returns the service."""
    catalog = URIRef(urls.catalog)
    graph.add((catalog, RDF.type, DCAT.Catalog))
    title = getattr(settings, "OPEN_DATA_CATALOG_TITLE", "Urbis open data")
    graph.add((catalog, DCTERMS.title, Literal(title, lang="en")))
    graph.add((catalog, DCTERMS.description, Literal(
        "Published layers of the cities on this Urbis platform: boundaries and population, "
        "energy balances, participation and monitoring indicators.", lang="en")))
    if len(chosen) == 1:
        publisher = _agent(graph, urls, chosen[0])
    else:
        publisher = URIRef(urls.abs("/"))
        graph.add((publisher, RDF.type, FOAF.Agent))
        graph.add((publisher, FOAF.name, Literal(
            getattr(settings, "OPEN_DATA_PUBLISHER", "Urbis platform operator"))))
    graph.add((catalog, DCTERMS.publisher, publisher))
    homepage = URIRef(urls.abs("/"))
    graph.add((homepage, RDF.type, FOAF.Document))
    graph.add((catalog, FOAF.homepage, homepage))
    graph.add((catalog, DCAT.themeTaxonomy, DATA_THEMES))
    graph.add((DATA_THEMES, RDF.type, SKOS.ConceptScheme))
    graph.add((DATA_THEMES, DCTERMS.title, Literal("Data theme", lang="en")))
    english = URIRef(LANGUAGE + "ENG")
    graph.add((english, RDF.type, DCTERMS.LinguisticSystem))
    graph.add((catalog, DCTERMS.language, english))
    graph.add((catalog, DCTERMS.modified,
               _date(dt.datetime.now(dt.UTC).replace(microsecond=0))))
    service = _service(graph, urls)
    graph.add((catalog, DCAT.service, service))
    return service


def city_part(urls: Urls, city: City, known: tuple[Facts, ...], service: URIRef) -> str:
    """A city's datasets (``known``: its :func:`facts`) as N-Triples lines."""
    part = Part(urls.n3)
    catalog = URIRef(urls.catalog)
    for f in known:
        layer = get_layer(f.layer)
        assert layer is not None
        dataset = add_dataset(part, urls, provider.Collection(city, layer), f, service)
        part.add((catalog, DCAT.dataset, dataset))
    return part.text()


# --- The served documents, cached --------------------------------------------------------
#
# A city's part of the catalogue is a function of the city's own fields, its Facts (per
# published layer: licence, source, page, temporal span, modification date), the site's
# address, the language (layer titles are translated), the settings the catalogue names and
# this module's version: the part is cached under exactly those, so a change rebuilds only
# the parts whose facts moved. Each whole document is cached the same way.
#
# Gathering the facts reads the database (about eight queries a city), so the facts
# themselves are cached too, and gathered again when either
# - the generation moves: raised, once the transaction commits, by any save or delete of a
#   model of an app that publishes layers (connected in apps.py): a new idea, a hidden one, a
#   deleted observation, a published zone show in the next response; or
# - ``OPEN_DATA_CATALOG_RECHECK_SECONDS`` (10 s by default) have passed: this sees changes
#   made without a model signal (bulk updates of area figures, energy files stored by the
#   ingestion task) within that time.

GENERATION_KEY = "opendata:catalog:generation"
TIMEOUT = 7 * 24 * 3600
VERSION = 2  # of what the parts hold: raised when this module writes them differently


def generation() -> int:
    return int(cache.get(GENERATION_KEY) or 0)


def invalidate(**_: Any) -> None:
    """Raise the generation: the facts are gathered again on the next request."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def invalidate_on_commit(**_: Any) -> None:
    """Raise the generation when the current transaction commits: raised earlier, a request
    could cache the state before the commit under the new generation. Once per transaction:
    a demo load saves thousands of rows in one."""
    from django.db import connection

    if connection.in_atomic_block and any(
        entry[1] is invalidate for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(invalidate)


def _city_fields(city: City) -> tuple[Any, ...]:
    return (city.pk, city.code, city.name, city.country, city.lau_code, city.bbox)


def stamps(cities: Sequence[City]) -> list[tuple[Any, ...]]:
    """Per city, per layer it publishes: the layer's modification date. Cheaper than the
    :func:`facts` (no temporal spans): what the timed recheck asks of every city."""
    many = {layer.id: layer.modified_many(cities) for layer in layers()
            if layer.modified_many is not None}
    return [tuple((layer.id, many[layer.id][city.pk] if layer.id in many
                   else layer.modified(city)) for layer in city_layers(city))
            for city in cities]


def _stamp(known: tuple[Facts, ...]) -> tuple[Any, ...]:
    return tuple((f.layer, f.modified) for f in known)


def _all_facts(chosen: list[City], base: tuple[Any, ...],
               pending: dict[str, Any]) -> list[tuple[Facts, ...]]:
    """The facts of every chosen city: cached for one generation; after the recheck time,
    gathered again only for the cities whose layers' stamps moved (a bulk update of one
    city's figures costs that city's facts, not every city's)."""
    recheck = float(getattr(settings, "OPEN_DATA_CATALOG_RECHECK_SECONDS", 10))
    key = _key("facts", base, generation(), [city.pk for city in chosen])
    hit = cache.get(key)
    now = time.time()
    if hit is not None and now - hit[0] < recheck:
        return list(hit[1])
    if hit is None:
        found = facts(chosen)
    else:
        fresh = stamps(chosen)
        found = [known if _stamp(known) == stamp else facts([city])[0]
                 for city, known, stamp in zip(chosen, hit[1], fresh, strict=True)]
    pending[key] = (now, found)
    return found


def _key(*parts: Any) -> str:
    return "opendata:catalog:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def document(request: HttpRequest, cities: Iterable[City] | None, fmt: str) -> tuple[str, str]:
    """The catalogue of ``cities`` (every published city by default) serialised as ``fmt``,
    from the cache when nothing it shows has changed."""
    chosen = list(cities) if cities is not None else list(visible_cities(None))
    urls = Urls(request)
    base = (VERSION, urls.root, translation.get_language(),
            getattr(settings, "OPEN_DATA_CONTACT_EMAIL", ""),
            getattr(settings, "OPEN_DATA_CATALOG_TITLE", ""),
            getattr(settings, "OPEN_DATA_PUBLISHER", ""))
    pending: dict[str, Any] = {}  # cache writes, made in one transaction at the end
    stamps = [(_city_fields(city), known)
              for city, known in zip(chosen, _all_facts(chosen, base, pending), strict=True)]
    whole = _key("document", fmt, base, stamps)
    hit = cache.get(whole)
    if hit is not None:
        _store(pending)
        return hit
    keys = [_key("city", base, stamp) for stamp in stamps]
    found = cache.get_many(keys)
    head = _graph()
    service = _head(head, urls, chosen)
    parts = []
    for city, (_fields, known), key in zip(chosen, stamps, keys, strict=True):
        text = found.get(key)
        if text is None:
            text = pending[key] = city_part(urls, city, known, service)
        parts.append(text)
    if fmt == "ttl":
        # N-Triples lines are Turtle: the parts follow the head as they are.
        result = (head.serialize(format="turtle") + "\n" + "".join(parts), FORMATS[fmt][1])
    else:
        head.parse(data="".join(parts), format="turtle")
        result = serialize(head, fmt)
    pending[whole] = result
    _store(pending)
    return result


def _store(pending: dict[str, Any]) -> None:
    if pending:
        # One transaction: each write of the database cache is its own commit otherwise,
        # a sync of the disk each (a second for 50 cities' parts on SQLite).
        with transaction.atomic():
            cache.set_many(pending, TIMEOUT)


def entries(request: HttpRequest, cities: Iterable[City] | None = None) -> list[dict[str, Any]]:
    """What the HTML page lists: one entry per dataset with its licence and downloads."""
    chosen = list(cities) if cities is not None else list(visible_cities(None))
    found = []
    for city in chosen:
        for c in provider.city_collections(city):
            code = c.layer.licence(city)
            found.append({
                "collection": c,
                "licence": LICENCES[code][0],
                "licence_url": LICENCE_BASE + code,
                "themes": [(t, THEME_BASE + t) for t in c.layer.themes],
                "ogc_url": reverse("opendata:collection", args=[c.id]) + "?f=html",
                "downloads": [
                    {"label": exports.LABELS[fmt],
                     "url": reverse("opendata:download", args=[city.code, c.layer.id, fmt])}
                    for fmt in exports.formats(c.layer)
                ],
            })
    return found
