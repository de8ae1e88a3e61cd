"""The competition's neighbourhood choice is in collation order, not the database's byte order
(issue 15, bug 9)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urbis.energy import queries, services
from urbis.places.models import Area
from urbis.places.queries import name_key

pytestmark = pytest.mark.django_db


def test_areas_to_enter_are_in_collation_order(barcelona: Any) -> None:
    season = services.save_season(
        None, slug="order-season", name="Order season", cities=[barcelona],
        starts_on=dt.date(2025, 1, 1), ends_on=dt.date.today() + dt.timedelta(days=30),
        baseline_year=2024, scoring_year=2025,
    )
    names = [a.name for a in queries.areas_free_to_enter(season)]
    assert len(names) == Area.objects.filter(city=barcelona, level="neighbourhood").count()
    assert names == sorted(names, key=name_key)
    # Lower-case articles sort among the capitals (under L), not after all of them.
    assert names.index("la Barceloneta") < names.index("Sants")
