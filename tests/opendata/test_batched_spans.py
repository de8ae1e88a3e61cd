"""The ideas and indicator-observation layers date many cities at once (``spans``,
``modified_many``): one grouped query each for the catalogue, giving exactly what reading each
city's rows gives, hidden ideas, unpublished processes and unpublished observations left out."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from urbis.opendata import catalog, provider
from urbis.opendata.registry import get_layer
from urbis.places.models import City


@pytest.fixture
def demo(barcelona: City, paris: City) -> None:
    from urbis.demo import loader

    steps = dict(loader.quick_steps())
    for name in ("organisations", "demo admin", "strategy: indicator catalogue",
                 "strategy: departments", "Barcelona: indicator observations",
                 "Paris: indicator observations", "Barcelona: strategy", "Paris: strategy",
                 "engagement: Barcelona processes, workshop, study",
                 "engagement: Paris processes, workshop, study"):
        steps[name]()


def _by_rows(layer_id: str, city: City) -> Any:
    layer = get_layer(layer_id)
    assert layer is not None
    return provider._read_span(provider.Collection(city, layer))


@pytest.mark.parametrize("layer_id", ["ideas", "indicator-observations"])
def test_batched_spans_and_dates_equal_the_rows(demo: None, barcelona: City, paris: City,
                                                 layer_id: str) -> None:
    from urbis.engagement.models import Idea, Process
    from urbis.strategy.models import Observation

    empty = City.objects.create(code="nowhere", name="Nowhere", country="ES")
    cities = [barcelona, paris, empty]
    # What the layers must leave out, at the edges of the spans: a hidden idea and an idea of
    # an unpublished process dated before everything, an unpublished observation after.
    idea = Idea.objects.filter(process__city=barcelona, latitude__isnull=False).first()
    assert idea is not None
    Idea.objects.filter(pk=idea.pk).update(is_hidden=True,
                                           created_at=dt.datetime(2001, 1, 1, tzinfo=dt.UTC))
    process = Process.objects.filter(city=paris).first()
    assert process is not None
    Process.objects.filter(pk=process.pk).update(is_published=False)
    obs = Observation.objects.filter(city=barcelona).first()
    assert obs is not None
    Observation.objects.filter(pk=obs.pk).update(is_published=False, date=dt.date(2099, 1, 1))

    layer = get_layer(layer_id)
    assert layer is not None and layer.spans is not None and layer.modified_many is not None
    spans = provider.temporal_spans(layer, cities)
    expected = {city.pk: _by_rows(layer_id, city) for city in cities}
    assert spans == expected
    assert spans[barcelona.pk] is not None and spans[empty.pk] is None
    assert layer.modified_many(cities) == {c.pk: layer.modified(c) for c in cities}


def test_catalogue_facts_ask_the_batched_layers_once(demo: None, barcelona: City,
                                                     paris: City) -> None:
    with CaptureQueriesContext(connection) as queries:
        found = catalog.facts([barcelona, paris])
    ideas = [q["sql"] for q in queries if 'FROM "engagement_idea"' in q["sql"]
             and ('MIN("engagement_idea"."created_at")' in q["sql"]
                  or 'MAX("engagement_idea"."updated_at")' in q["sql"])]
    # One query for the spans and one for the dates, for both cities; none reads the rows.
    assert len(ideas) == 2, ideas
    assert not [q for q in queries if '"engagement_idea"."latitude"' in q["sql"]
                and "SELECT" in q["sql"] and "MIN(" not in q["sql"]]
    by_layer = {f.layer: f for f in found[0]}
    assert by_layer["ideas"].span == _by_rows("ideas", barcelona)
