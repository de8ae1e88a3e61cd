"""The served catalogue is cached (whole documents and each city's part) and is never stale:
every change to what it shows appears in the next response."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from urbis.opendata import catalog

pytestmark = pytest.mark.django_db
DATASET = "http://testserver/ogc/collections/barcelona-"


@contextmanager
def committed() -> Iterator[None]:
    """The writes inside as if their transaction committed: their on-commit callbacks run and
    are gone (the test's own transaction never commits)."""
    start = len(connection.run_on_commit)
    yield
    pending = connection.run_on_commit[start:]
    del connection.run_on_commit[start:]
    for _sids, callback, _robust in pending:
        callback()


def _graph(client: Any, path: str = "/catalog?city=barcelona") -> Graph:
    response = client.get(path)
    assert response.status_code == 200
    return Graph().parse(data=response.content.decode(), format="turtle")


def _start(graph: Graph, layer: str) -> str:
    period = graph.value(URIRef(DATASET + layer), DCTERMS.temporal)
    return str(graph.value(period, DCAT.startDate))


def test_a_repeated_request_is_served_from_the_cache(client: Any, barcelona: Any,
                                                    paris: Any) -> None:
    with CaptureQueriesContext(connection) as first:
        one = client.get("/catalog").content
    with CaptureQueriesContext(connection) as second:
        two = client.get("/catalog").content
    assert one == two
    assert len(second) < len(first) / 3, (len(first), len(second))
    # The document is still the whole catalogue: both cities' datasets parse from it.
    graph = Graph().parse(data=two.decode(), format="turtle")
    names = {str(s) for s in graph.subjects(RDF.type, DCAT.Dataset)}
    assert DATASET + "districts" in names
    assert "http://testserver/ogc/collections/paris-districts" in names


def test_a_new_layer_shows_at_once(client: Any, barcelona: Any) -> None:
    from urbis.policy import services

    before = _graph(client)
    assert (URIRef(DATASET + "innovation-zones"), RDF.type, DCAT.Dataset) not in before
    with committed():
        services.save_zone(by=None, city=barcelona, operator=True, title="Superilla",
                           concept="Car-free streets", area_codes=["B07"],
                           start_date=dt.date(2024, 1, 1))
    after = _graph(client)
    assert (URIRef(DATASET + "innovation-zones"), RDF.type, DCAT.Dataset) in after


def test_a_bulk_update_without_signals_shows_after_the_recheck(
    client: Any, barcelona: Any, settings: Any
) -> None:
    """places' figures are saved by a bulk update (no model signal): the layer's own
    modification date, part of the key and asked again after the recheck time, catches it."""
    from urbis.places import services

    settings.OPEN_DATA_CATALOG_RECHECK_SECONDS = 0

    before = _graph(client)
    modified = before.value(URIRef(DATASET + "neighbourhoods"), DCTERMS.modified)
    generation = catalog.generation()
    services.set_population([{"code": "B07", "population": "12345", "households": "",
                              "reference_date": "2025-01-01", "households_reference_date": "",
                              "source": "Test"}], city=barcelona)
    assert catalog.generation() == generation
    after = _graph(client)
    assert after.value(URIRef(DATASET + "neighbourhoods"), DCTERMS.modified) != modified


def test_a_deletion_the_modification_date_misses_shows_at_once(
    client: Any, barcelona: Any
) -> None:
    """Deleting the oldest observation leaves the layer's modification date (its newest
    observation) as it was; the generation raised on delete makes the catalogue new."""
    from urbis.strategy.models import Indicator, Observation

    with committed():
        indicator = Indicator.objects.create(code="barcelona-test-cache", name="Cache test",
                                             unit="MW", direction="up", theme="energy",
                                             city=barcelona)
        old = Observation.objects.create(indicator=indicator, city=barcelona,
                                         date=dt.date(1990, 1, 1), value=1, source="Test")
        Observation.objects.create(indicator=indicator, city=barcelona,
                                   date=dt.date(2024, 12, 31), value=2, source="Test")
    assert _start(_graph(client), "indicator-observations") == "1990-01-01"
    with committed():
        old.delete()
    assert _start(_graph(client), "indicator-observations") != "1990-01-01"


def test_the_cache_tells_languages_and_addresses_apart(client: Any, barcelona: Any) -> None:
    local = client.get("/catalog?city=barcelona").content.decode()
    other = client.get("/catalog?city=barcelona", HTTP_HOST="127.0.0.1").content.decode()
    assert "http://testserver/" in local and "http://testserver/" not in other
    assert "http://127.0.0.1/" in other


def test_the_generation_moves_only_when_the_write_commits(
    barcelona: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from urbis.strategy.models import Indicator

    before = catalog.generation()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Indicator.objects.create(code="barcelona-test-gen", name="Gen", unit="MW",
                                 direction="up", theme="energy", city=barcelona)
        Indicator.objects.create(code="barcelona-test-gen2", name="Gen 2", unit="MW",
                                 direction="up", theme="energy", city=barcelona)
        assert catalog.generation() == before
    # Two writes, one transaction: one raise of the generation.
    assert [c for c in callbacks if c is catalog.invalidate] == [catalog.invalidate]
    for callback in callbacks:
        callback()
    assert catalog.generation() > before


def test_layers_described_at_once_say_what_they_say_one_city_at_a_time(
    barcelona: Any, paris: Any
) -> None:
    from urbis.opendata.registry import Described, layers

    batched = [layer for layer in layers() if layer.described is not None]
    assert {layer.id for layer in batched} >= {"districts", "neighbourhoods"}
    for layer in batched:
        many = layer.described([barcelona, paris])
        for city in (barcelona, paris):
            assert many[city.pk] == Described(layer.licence(city), layer.source(city),
                                              layer.modified(city))
    assert many[barcelona.pk] != many[paris.pk]  # ODbL Paris, CC BY Barcelona
    for layer in layers():
        if layer.modified_many is not None:
            dates = layer.modified_many([barcelona, paris])
            assert dates == {c.pk: layer.modified(c) for c in (barcelona, paris)}


def test_a_cold_catalogue_asks_the_areas_per_model_not_per_city(client: Any, barcelona: Any,
                                                                paris: Any) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/catalog").status_code == 200
    # places' own questions: the areas' newest date and their sources (other layers, e.g.
    # the energy balance when readings are stored, read areas for their own reasons).
    areas = [q["sql"] for q in queries if 'FROM "places_area"' in q["sql"] and (
        'MAX("places_area"."updated_at")' in q["sql"]
        or '"places_area"."population_source"' in q["sql"])]
    # Two layers (districts, neighbourhoods), two queries each, whatever the number of cities.
    assert len(areas) <= 4, areas


def test_a_change_rebuilds_only_its_citys_part(client: Any, barcelona: Any, paris: Any,
                                               monkeypatch: Any) -> None:
    from urbis.places import services

    client.get("/catalog")
    built: list[str] = []
    real = catalog.city_part

    def counting(urls: Any, city: Any, known: Any, service: Any) -> str:
        built.append(city.code)
        return real(urls, city, known, service)

    monkeypatch.setattr(catalog, "city_part", counting)
    with committed():
        services.set_population([{"code": "B07", "population": "12345", "households": "",
                                  "reference_date": "2025-01-01",
                                  "households_reference_date": "", "source": "Test"}],
                                city=barcelona)
        catalog.invalidate()  # as a signal-sending write would
    graph = Graph().parse(data=client.get("/catalog").content.decode(), format="turtle")
    assert built == ["barcelona"]
    assert "http://testserver/ogc/collections/paris-districts" in {
        str(s) for s in graph.subjects(RDF.type, DCAT.Dataset)}


def test_part_lines_parse_as_the_graph_rdflib_builds(client: Any, barcelona: Any) -> None:
    """A city's part is written as N-Triples lines from rdflib's terms; the same dataset
    built into an rdflib graph gives the same triples (blank nodes aside)."""
    from django.test import RequestFactory
    from rdflib.compare import isomorphic

    from urbis.opendata import provider

    request = RequestFactory().get("/catalog")
    urls = catalog.Urls(request)
    known = catalog.facts([barcelona])[0]
    service = URIRef(urls.landing)
    text = catalog.city_part(urls, barcelona, known, service)
    from_lines = Graph().parse(data=text, format="turtle")
    expected = Graph()
    for f in known:
        c = provider.get_collection(f"barcelona-{f.layer}")
        dataset = catalog.add_dataset(expected, urls, c, f, service)
        expected.add((URIRef(urls.catalog), DCAT.dataset, dataset))
    assert len(from_lines) == len(expected) > 100
    assert isomorphic(from_lines, expected)


def test_the_recheck_gathers_facts_only_for_the_city_that_moved(
    client: Any, barcelona: Any, paris: Any, settings: Any, monkeypatch: Any
) -> None:
    """After the recheck time, every city's layer dates are asked (cheap), and the facts
    (temporal spans, sources) are read again only where a date moved."""
    from urbis.places import services

    before = _graph(client, "/catalog").value(URIRef(DATASET + "neighbourhoods"),
                                              DCTERMS.modified)
    settings.OPEN_DATA_CATALOG_RECHECK_SECONDS = 0
    gathered: list[list[str]] = []
    real = catalog.facts

    def counting(cities: Any) -> Any:
        gathered.append([city.code for city in cities])
        return real(cities)

    monkeypatch.setattr(catalog, "facts", counting)
    assert client.get("/catalog").status_code == 200
    assert gathered == []  # nothing moved: every city's facts as they were
    services.set_population([{"code": "B07", "population": "12345", "households": "",
                              "reference_date": "2025-01-01", "households_reference_date": "",
                              "source": "Test"}], city=barcelona)
    graph = Graph().parse(data=client.get("/catalog").content.decode(), format="turtle")
    assert gathered == [["barcelona"]]
    assert graph.value(URIRef(DATASET + "neighbourhoods"), DCTERMS.modified) != before
