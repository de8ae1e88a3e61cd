from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from urbis.engagement import services
from urbis.engagement.models import Idea, Process
from urbis.places.models import City


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _city(code: str, name: str, country: str) -> City:
    # Transactional tests (concurrency, browser) start from empty tables; a bare city row is
    # all the engagement app needs there.
    from urbis.places import services as places

    found = City.objects.filter(code=code).first()
    return found or places.upsert_city(code=code, name=name, country=country)


@pytest.fixture
def barcelona(db: Any) -> City:
    return _city("barcelona", "Barcelona", "ES")


@pytest.fixture
def paris(db: Any) -> City:
    return _city("paris", "Paris", "FR")


@pytest.fixture
def make_process(barcelona: City) -> Callable[..., Process]:
    counter = iter(range(1, 1000))

    def make(city: City | None = None, **fields: Any) -> Process:
        now = timezone.now()
        defaults: dict[str, Any] = {
            "slug": f"process-{next(counter)}",
            "title": "Barris en transició",
            "collecting_starts": now - dt.timedelta(days=10),
            "collecting_ends": now + dt.timedelta(days=10),
            "voting_starts": now - dt.timedelta(days=5),
            "voting_ends": now + dt.timedelta(days=20),
            "closes": now + dt.timedelta(days=40),
        }
        defaults.update(fields)
        return services.create_process(by=None, city=city or barcelona, **defaults)

    return make


@pytest.fixture
def process(make_process: Callable[..., Process]) -> Process:
    return make_process()


@pytest.fixture
def make_idea(make_user: Callable[..., Any], process: Process) -> Callable[..., Idea]:
    def make(by: Any = None, the_process: Process | None = None, **fields: Any) -> Idea:
        defaults: dict[str, Any] = {
            "title": "Solar roofs on every school",
            "body": "Put photovoltaic panels on the roofs of public schools in the district.",
            "category": "energy",
        }
        defaults.update(fields)
        return services.submit_idea(by=by or make_user(), process=the_process or process,
                                    **defaults)

    return make


@pytest.fixture
def idea(make_idea: Callable[..., Idea]) -> Idea:
    return make_idea()
