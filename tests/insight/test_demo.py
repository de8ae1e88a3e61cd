"""The demo: simulated surveys in both cities, weighted, compared, labelled simulated."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from urbis.insight import demo
from urbis.insight.models import Comparison, Survey

pytestmark = pytest.mark.django_db


def test_demo_surveys_recover_the_simulated_difference(client_for: Callable[..., Any]) -> None:
    for _label, step in demo.steps():
        step()
    for _label, step in demo.steps():  # idempotent
        step()
    assert Survey.objects.filter(is_simulated=True).count() == 2
    simulation = demo.read_survey().simulation
    assert all(s.responses.count() == simulation.respondents for s in Survey.objects.all())
    comparison = Comparison.objects.get(version__question__code="energy-concern")
    (pair,) = comparison.result["pairs"]
    assert (pair["city_a"], pair["city_b"]) == ("barcelona", "paris")
    truth = simulation.city_effect["barcelona"] - simulation.city_effect["paris"]
    assert pair["low"] < truth < pair["high"]
    assert pair["differs"] is True
    multilevel = comparison.result["multilevel"]
    assert multilevel["model"] == "multilevel" and multilevel["between_city_sd"] is not None
    for city in comparison.result["cities"]:
        assert 0 < city["pooled_share"] < 1 and 0 <= city["pooled_own_weight"] <= 1
    client = client_for(None)
    api = client.get("/api/v1/insight/comparisons/energy-concern.v1").json()
    assert api["simulated"] is True and "simulated" in api["note"]
    results = client.get("/api/v1/cities/paris/surveys/attitudes-2026/results").json()
    assert results["simulated"] is True and results["weighting"]["illustrative_margins"] is True
    for url in ("/insight/comparisons/energy-concern.v1/",
                "/cities/paris/surveys/attitudes-2026/results/",
                "/cities/barcelona/surveys/attitudes-2026/"):
        page = client.get(url)
        assert page.status_code == 200
        assert "Simulated respondents." in page.content.decode(), url
    chart = client.get("/insight/comparisons/energy-concern.v1/").content.decode()
    assert 'id="comparison-data"' in chart and "<table" in chart
    assert "Multilevel (partial pooling)" in chart
    assert "random intercept" in client.get(
        "/cities/paris/surveys/attitudes-2026/results/").content.decode()
