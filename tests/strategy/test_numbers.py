"""Figures on strategy pages are in the reader's number format with sensible precision, and
per-capita comparisons say which year's population they divide by (issue 16)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from tests.strategy.conftest import observe
from urbis.places.models import City
from urbis.strategy.models import Strategy, Target
from urbis.web.templatetags.figures import figure


def test_figure_precision_follows_size() -> None:
    from django.utils import translation

    with translation.override("en"):
        assert figure(14413.0) == "14,413"
        assert figure(3.60) == "3.6"
        assert figure(0.2674) == "0.267"
        assert figure(12.34) == "12.3"
        assert figure(None) is None
    with translation.override("de"):
        assert figure(14413.0) == "14.413"
        assert figure(3.6) == "3,6"


def test_indicator_and_target_pages_format_numbers_by_locale(
    strategy: Strategy, target: Target, barcelona: City, client_for: Callable[..., Any]
) -> None:
    observe(barcelona, "urbis-ghg-emissions", 2019, 14413.0)
    client = client_for(None)
    url = reverse("strategy:city-indicators", args=["barcelona"])
    page = client.get(url).content.decode()
    assert "14,413" in page and "14413.0" not in page
    german = client.get(url, headers={"Accept-Language": "de"}).content.decode()
    assert "14.413" in german
    target_page = client.get(target.get_absolute_url()).content.decode()
    assert "4.0 (2010)" not in target_page and "4 (2010)" in target_page


def test_per_capita_comparison_names_the_population_year(
    strategy: Strategy, barcelona: City, client_for: Callable[..., Any]
) -> None:
    observe(barcelona, "urbis-final-energy-consumption", 2020, 14413.0)
    page = client_for(None).get(
        reverse("strategy:compare", args=["urbis-final-energy-consumption"])
    ).content.decode()
    year = barcelona.population_date.year
    assert f"every year divided by the population of {year}" in page
    assert "14,413" in page and "14413.0" not in page
