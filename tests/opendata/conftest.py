"""Open-data fixtures: a readings store for Barcelona (shared by the module), ideas in a
published and an unpublished process, and published and unpublished indicator observations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.energy.conftest import readings


@pytest.fixture(scope="session")
def stored_dir(tmp_path_factory: Any, django_db_blocker: Any) -> Path:
    """12 meters and a PV producer in one street cell of B07, 3 meters in B02 (withheld)."""
    from urbis.energy import engine
    from urbis.engines.energy import ingest_file
    from urbis.places.models import City

    folder = tmp_path_factory.mktemp("opendata-energy")
    data = folder / "data"
    with django_db_blocker.unblock():
        index = engine.area_index(City.objects.get(code="barcelona"))
    for name, text in (
        ("a.csv", readings()),
        ("b.csv", readings(meters=3, area="B02", lon=2.1770, lat=41.3830, prefix="g", pv=False)),
    ):
        (folder / name).write_text(text, encoding="utf-8")
        report = ingest_file(folder / name, city="barcelona", areas=index, data_dir=data)
        assert report.status == "stored", report.errors
    return data


@pytest.fixture
def energy(barcelona: Any, settings: Any, stored_dir: Path) -> None:
    from urbis.energy import engine

    settings.DATA_DIR = stored_dir
    engine.forget(barcelona)


@pytest.fixture
def ideas(barcelona: Any) -> dict[str, Any]:
    from urbis.engagement import services
    from urbis.engagement.models import Idea
    from urbis.places.models import Area

    now = timezone.now()
    times = {
        "collecting_starts": now - dt.timedelta(days=10),
        "collecting_ends": now + dt.timedelta(days=10),
        "voting_starts": now - dt.timedelta(days=5),
        "voting_ends": now + dt.timedelta(days=20),
        "closes": now + dt.timedelta(days=40),
    }
    public = services.create_process(by=None, city=barcelona, slug="obert", title="Obert",
                                     **times)
    private = services.create_process(by=None, city=barcelona, slug="esborrany",
                                      title="Esborrany", **times)
    private.is_published = False
    private.save()
    b07 = Area.objects.get(city=barcelona, code="B07")

    def idea(process: Any, title: str, **fields: Any) -> Any:
        return Idea.objects.create(process=process, title=title, body="Text.",
                                   category="energy", area=b07, **fields)

    return {
        "shown": idea(public, "Plaques solars a l'escola", latitude=41.3931234567,
                      longitude=2.1651234567, vote_count=4),
        "hidden": idea(public, "Amagada", latitude=41.39, longitude=2.16, is_hidden=True),
        "no_point": idea(public, "Sense punt"),
        "unpublished": idea(private, "Esborrany", latitude=41.39, longitude=2.16),
    }


@pytest.fixture
def observations(barcelona: Any) -> dict[str, Any]:
    from urbis.places.models import Area
    from urbis.strategy.models import Indicator, Observation

    indicator = Indicator.objects.create(
        code="barcelona-test-solar", name="Solar capacity", unit="MW", direction="up",
        theme="energy", city=barcelona,
    )
    b07 = Area.objects.get(city=barcelona, code="B07")
    return {
        "city": Observation.objects.create(indicator=indicator, city=barcelona,
                                           date=dt.date(2023, 12, 31), value=12.5,
                                           source="Test source"),
        "area": Observation.objects.create(indicator=indicator, city=barcelona, area=b07,
                                           date=dt.date(2024, 12, 31), value=1.5,
                                           source="Test source"),
        "unpublished": Observation.objects.create(indicator=indicator, city=barcelona,
                                                  date=dt.date(2024, 12, 31), value=99,
                                                  is_published=False),
    }
