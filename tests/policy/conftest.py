"""Fixtures of the policy tests: a small city with two square neighbourhoods whose residents
and households are known, so the zone figures can be worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from urbis.people.models import Organisation
from urbis.places.models import Area, City


def square(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    return {"type": "Polygon",
            "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


@pytest.fixture
def squareville(db: Any) -> City:
    city = City.objects.create(code="squareville", name="Squareville", country="ES",
                               boundary=square(0, 0, 0.02, 0.01), bbox=[0, 0, 0.02, 0.01])
    for code, x0, population, households in (("A", 0.0, 1000, 400), ("B", 0.01, 3000, 1000)):
        Area.objects.create(city=city, level="neighbourhood", code=code, name=f"Area {code}",
                            population=population, households=households,
                            geometry=square(x0, 0, x0 + 0.01, 0.01),
                            bbox=[x0, 0, x0 + 0.01, 0.01])
    return city


@pytest.fixture
def org(barcelona: City) -> Organisation:
    return Organisation.objects.create(name="Cambra de Comerç", slug="cambra", kind="business",
                                       city=barcelona)


@pytest.fixture
def ngo(paris: City) -> Organisation:
    return Organisation.objects.create(name="Réseau Action Climat", slug="rac", kind="ngo",
                                       city=paris)


def role_user(make_user: Any, city: City, role: str | None) -> Any:
    return make_user(role, city) if role else None


BARRIER = {
    "title": "Collective self-consumption limited to one building",
    "level": "national", "jurisdiction": "ES",
    "legal_reference": "Real Decreto 244/2019, art. 3",
    "link": "https://www.boe.es/eli/es/rd/2019/04/05/244",
    "description": "Neighbours cannot share rooftop solar across a street.",
    "sectors": ["energy", "buildings"],
}
