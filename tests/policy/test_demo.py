"""The policy demo loads a commitment, barriers with endorsements, a fitness check and a zone
for each demo city, labels what is not published, and changes nothing when run twice."""

from __future__ import annotations

from typing import Any

import pytest

from urbis.demo import loader
from urbis.policy import demo
from urbis.policy.models import (
    Assessment,
    Barrier,
    Commitment,
    Endorsement,
    FigurePoint,
    InnovationZone,
    Rollout,
)
from urbis.strategy import demo as strategy_demo

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Commitment, Barrier, Endorsement, InnovationZone,
                                             Rollout, Assessment))


def test_demo_twice_changes_nothing(barcelona: Any, paris: Any, client_for: Any) -> None:
    loader._load_organisations()
    for _label, step in strategy_demo.steps():
        step()
    for _label, step in demo.steps():
        step()
    counts = _counts()
    for _label, step in demo.steps():
        step()
    assert counts == _counts()
    for city in (barcelona, paris):
        assert Commitment.objects.filter(city=city).exists()
        assert InnovationZone.objects.filter(city=city).exists()
        assert Assessment.objects.filter(fitness_check__city=city).exists()
    shared = Barrier.objects.get(slug="eu-renewable-energy-communities")
    assert shared.city_links.count() == 2 and shared.is_illustrative
    bcn = InnovationZone.objects.get(slug="superilla-poblenou")
    assert bcn.start_date.isoformat() == "2016-09-05" and bcn.is_illustrative
    assert 0.1 < bcn.area_km2 < 0.3  # about three by three 133 m blocks
    assert FigurePoint.objects.get(figure="zones_installed").value == 2
    for city in (barcelona, paris):
        commitment = Commitment.objects.get(city=city)
        assert commitment.strategy is not None and commitment.involvements.exists()
        assert city.project_bundles.get().is_illustrative
    assert FigurePoint.objects.get(figure="cities_strategy_and_stakeholders").value >= 1
    page = client_for(None).get("/cities/barcelona/innovation-zones/").content.decode()
    assert "Illustrative: not a published figure" in page
    page = client_for(None).get("/barriers/").content.decode()
    assert page.index("Renewable energy communities") < page.index("Mobility orientation law")
