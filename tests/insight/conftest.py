from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urbis.insight import services
from urbis.insight.models import Survey

DISTRICTS = {"Nord": 40_000, "Sud": 60_000}


@pytest.fixture
def places(db: Any) -> None:
    """Transactional tests empty the database when they end; put the demo cities back."""
    from urbis.demo import loader
    from urbis.places.models import City

    if not City.objects.filter(code="barcelona").exists():
        for _label, step in loader.place_steps():
            step()


@pytest.fixture
def bank(db: Any) -> None:
    services.load_question_bank()


def margins(city: Any) -> None:
    total = sum(DISTRICTS.values())
    services.set_margins(by=None, operator=True, city=city, variable="district",
                         counts=DISTRICTS, source="test")
    services.set_margins(by=None, operator=True, city=city, variable="sex",
                         counts={"female": total // 2, "male": total - total // 2},
                         source="test")


@pytest.fixture
def open_survey(bank: None, barcelona: Any) -> Survey:
    margins(barcelona)
    now = dt.datetime.now(dt.UTC)
    return services.create_survey(
        by=None, operator=True, city=barcelona, slug="attitudes", title="Attitudes",
        opens=now - dt.timedelta(days=1), closes=now + dt.timedelta(days=10),
        questions=[("energy-concern.v1", True), ("energy-heating-setpoint.v1", False),
                   ("mobility-options-used.v1", False)],
    )


GOOD = {"age_band": "30-44", "sex": "female", "district": "Nord", "consent": True}
