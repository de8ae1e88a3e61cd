"""The catalogue's parts share one table of IRIs' N-Triples text per request
(``catalog.Part``): sharing it must not change a single line of any city's part."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from urbis.opendata import catalog

pytestmark = pytest.mark.django_db


def test_parts_built_with_a_shared_table_equal_parts_built_alone(
    barcelona: Any, paris: Any
) -> None:
    request = RequestFactory().get("/catalog")
    known = catalog.facts([barcelona, paris])
    # A new Urls (and so a new table) for each city alone; one for both cities shared.
    alone = []
    for city, facts in zip([barcelona, paris], known, strict=True):
        urls = catalog.Urls(request)
        alone.append(catalog.city_part(urls, city, facts, URIRef(urls.landing)))
    urls = catalog.Urls(request)
    shared = [catalog.city_part(urls, city, facts, URIRef(urls.landing))
              for city, facts in zip([barcelona, paris], known, strict=True)]
    # Blank nodes are numbered anew in each build; everything else is the same text.
    def named(text: str) -> list[str]:
        return [line for line in text.splitlines() if "_:" not in line]

    assert [named(t) for t in shared] == [named(t) for t in alone]
    assert all(len(named(t)) > 100 for t in shared)
    # The table was used: the second city found the predicates the first one wrote.
    assert urls.n3[DCAT.distribution] == f"<{DCAT.distribution}>"
    for text in shared:
        assert len(Graph().parse(data=text, format="turtle")) == len(text.splitlines())


def test_part_writes_literals_and_iris_as_rdflib_does() -> None:
    part = catalog.Part({})
    subject = URIRef("http://example.org/a b")  # an IRI rdflib would refuse to write as is
    triples = [
        (URIRef("http://example.org/d"), RDF.type, DCAT.Dataset),
        (URIRef("http://example.org/d"), DCTERMS.title, Literal('Say "hi"\n', lang="en")),
        (URIRef("http://example.org/d"), DCTERMS.title, Literal("Barri d'Horta", lang="ca")),
    ]
    for triple in triples:
        part.add(triple)
        assert triple in part
    assert part.text() == "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in triples)
    with pytest.raises(Exception, match="does not look like a valid URI"):
        part.add((subject, RDF.type, DCAT.Dataset))
