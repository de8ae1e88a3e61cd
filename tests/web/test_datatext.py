"""The shipped data's texts (indicator catalogue, insight methods and questions, the plan's
priorities) are in the translation catalogues and read in the reader's language; a city's own
indicator keeps the words the city gave it."""

from __future__ import annotations

from html import escape
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from urbis import datatext


def test_the_generated_msgids_are_those_of_the_data_files() -> None:
    assert datatext.GENERATED.read_text(encoding="utf-8") == datatext.render(), (
        "the shipped data changed: run `python -m urbis.datatext` "
        "(scripts/compile-translations --extract does)"
    )


def test_every_source_yields_texts() -> None:
    counts = {source.path: sum(1 for t in source.texts() if t) for source in datatext.SOURCES}
    assert all(counts.values()), counts
    assert "Total residential electrical energy use per capita" in datatext.msgids()


@pytest.mark.parametrize("language", ["de", "fr", "nl", "es"])
def test_the_catalogue_page_names_indicators_in_the_readers_language(
    db: Any, language: str
) -> None:
    from urbis.places.models import City
    from urbis.strategy import services
    from urbis.strategy.models import Indicator

    services.load_catalogue()
    catalogue = Indicator.objects.get(code="iso37120-7-1")
    own = Indicator.objects.create(
        code="bcn-own", name="Metres of superblock street", unit="m", direction="up",
        theme=catalogue.theme, city=City.objects.get(code="barcelona"),
    )
    with translation.override(language):
        translated = catalogue.label
        assert translated != catalogue.name  # the catalogue has this text translated
        assert catalogue.explanation != catalogue.definition
        assert own.label == own.name  # a city's own words stay
    page = Client(HTTP_ACCEPT_LANGUAGE=language).get("/indicators/").content.decode()
    assert escape(translated) in page
    assert escape(catalogue.name) not in page


@pytest.mark.parametrize("language", ["de", "fr", "nl", "es"])
def test_the_methods_toolbox_reads_in_the_readers_language(db: Any, language: str) -> None:
    from urbis.insight import queries

    method = queries.get_method("participatory-budgeting")
    with translation.override(language):
        name, purpose = translation.gettext(method["name"]), translation.gettext(method["purpose"])
    assert name != method["name"] and purpose != method["purpose"]
    page = Client(HTTP_ACCEPT_LANGUAGE=language).get("/insight/methods/").content.decode()
    assert escape(name) in page and escape(purpose) in page
