"""The DCAT-AP catalogue: validated by pyshacl against SEMIC's official DCAT-AP 3.0.1 shapes
(tests/data/dcat-ap), served as Turtle, JSON-LD and RDF/XML by content negotiation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

SHAPES = Path(__file__).parent.parent / "data" / "dcat-ap" / "shapes.ttl"
EU_LICENCE = "http://publications.europa.eu/resource/authority/licence/"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    graph = Graph().parse(SHAPES, format="turtle")
    return graph.parse(SHAPES.with_name("range.ttl"), format="turtle")


def _catalog(client: Any, city: str | None = None, fmt: str = "ttl") -> Graph:
    url = f"/catalog?format={fmt}" + (f"&city={city}" if city else "")
    response = client.get(url)
    assert response.status_code == 200
    return Graph().parse(data=response.content, format={"ttl": "turtle", "jsonld": "json-ld",
                                                       "rdf": "xml"}[fmt])


@pytest.mark.parametrize("city", ["barcelona", "paris", None])
def test_catalogue_conforms_to_dcat_ap_3_shapes(client: Any, barcelona: Any, shapes: Graph,
                                                city: str | None) -> None:
    data = _catalog(client, city)
    conforms, report, text = validate(data, shacl_graph=shapes, inference="none",
                                      allow_warnings=True)
    violations = list(report.subjects(
        URIRef("http://www.w3.org/ns/shacl#resultSeverity"),
        URIRef("http://www.w3.org/ns/shacl#Violation"),
    ))
    assert conforms and not violations, text


def test_shapes_catch_a_dataset_without_title(client: Any, barcelona: Any, shapes: Graph) -> None:
    """The shapes are really applied: removing a mandatory property is a violation."""
    data = _catalog(client, "barcelona")
    dataset = next(data.subjects(RDF.type, DCAT.Dataset))
    data.remove((dataset, DCTERMS.title, None))
    conforms, _report, text = validate(data, shacl_graph=shapes, inference="none")
    assert not conforms and "title" in text


def test_one_dataset_per_layer_with_licence_publisher_and_distributions(
    client: Any, barcelona: Any, paris: Any
) -> None:
    data = _catalog(client)
    datasets = set(data.subjects(RDF.type, DCAT.Dataset))
    ids = {str(data.value(d, DCTERMS.identifier)) for d in datasets}
    assert {"barcelona-neighbourhoods", "barcelona-districts", "paris-districts",
            "paris-neighbourhoods"} <= ids
    by_id = {str(data.value(d, DCTERMS.identifier)): d for d in datasets}
    # Licences as DATA.md records them: Barcelona's CartoBCN / Open Data BCN data is CC BY
    # 4.0; Paris's boundaries are ODbL, so the layer derived from them is too.
    bcn = by_id["barcelona-neighbourhoods"]
    licences = {str(data.value(d, DCTERMS.license)) for d in data.objects(bcn, DCAT.distribution)}
    assert licences == {EU_LICENCE + "CC_BY_4_0"}
    paris_ds = by_id["paris-districts"]
    licences = {str(data.value(d, DCTERMS.license))
                for d in data.objects(paris_ds, DCAT.distribution)}
    assert licences == {EU_LICENCE + "ODC_BL"}
    publisher = data.value(bcn, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in data
    assert str(data.value(publisher, DCTERMS.identifier)) == "LAU:ES:08019"
    formats = {str(data.value(d, DCTERMS["format"])).rsplit("/", 1)[1]
               for d in data.objects(bcn, DCAT.distribution)}
    assert formats == {"GEOJSON", "CSV", "PARQUET", "JSON", "GPKG"}
    assert str(data.value(bcn, DCTERMS.accessRights)).endswith("access-right/PUBLIC")
    assert {str(t).rsplit("/", 1)[1] for t in data.objects(bcn, DCAT.theme)} == {"REGI", "SOCI"}
    assert data.value(bcn, DCTERMS.spatial) is not None
    assert data.value(bcn, DCTERMS.modified) is not None


@pytest.mark.parametrize(
    ("accept", "content_type", "fmt"),
    [("text/turtle", "text/turtle", "turtle"), ("application/ld+json", "application/ld+json",
                                                "json-ld"),
     ("application/rdf+xml", "application/rdf+xml", "xml")],
)
def test_content_negotiation(client: Any, barcelona: Any, accept: str, content_type: str,
                             fmt: str) -> None:
    response = client.get("/catalog?city=barcelona", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    graph = Graph().parse(data=response.content, format=fmt)
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) >= 2


def test_same_graph_in_every_serialisation(client: Any, barcelona: Any) -> None:
    turtle = _catalog(client, "barcelona", "ttl")
    for fmt in ("jsonld", "rdf"):
        other = _catalog(client, "barcelona", fmt)
        assert len(other) == len(turtle)


def test_html_page_and_unknown_format(client: Any, barcelona: Any) -> None:
    page = client.get("/catalog", HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert page.status_code == 200 and b"Open data catalogue" in page.content
    assert client.get("/catalog?format=pdf").status_code == 400
    assert client.get("/catalog", HTTP_ACCEPT="image/png").status_code == 406
