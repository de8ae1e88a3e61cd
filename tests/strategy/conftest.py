"""A small strategy for Barcelona built through the services, and the catalogue loaded."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urbis.people import services as people
from urbis.people.models import Organisation
from urbis.places.models import City
from urbis.strategy import services
from urbis.strategy.models import Action, Indicator, Strategy, Target


@pytest.fixture
def catalogue(db: Any) -> None:
    services.load_catalogue()


@pytest.fixture
def departments(barcelona: City) -> list[Organisation]:
    return [
        people.upsert_organisation(name="Energy department", slug="t-energy",
                                   kind="city_department", city=barcelona),
        people.upsert_organisation(name="Mobility department", slug="t-mobility",
                                   kind="city_department", city=barcelona),
    ]


@pytest.fixture
def strategy(barcelona: City, catalogue: None, departments: list[Organisation]) -> Strategy:
    return services.save_strategy(
        by=None, city=barcelona, title="Climate plan", slug="climate", vision="Halve emissions.",
        start_year=2018, end_year=2030, is_published=True,
    )


@pytest.fixture
def ghg(barcelona: City, catalogue: None) -> Indicator:
    return Indicator.objects.get(code="urbis-ghg-emissions")


@pytest.fixture
def target(strategy: Strategy, ghg: Indicator, departments: list[Organisation]) -> Target:
    return services.save_target(
        by=None, strategy=strategy, title="Halve emissions by 2030", kind="quantitative",
        indicator=ghg, baseline_value=4.0, baseline_year=2010, target_value=2.0,
        target_year=2030, direction="down", departments=departments,
    )


@pytest.fixture
def action(strategy: Strategy, target: Target, departments: list[Organisation]) -> Action:
    action = services.save_action(
        by=None, strategy=strategy, title="Solar roofs", horizon="medium",
        status="in_progress", responsible_department=departments[0], is_ppp=True,
        funding=[{"kind": "eu_fund", "amount": "1000"}], impacts=[{"target": target}],
    )
    services.save_milestone(by=None, action=action, title="Survey",
                            due_date=dt.date(2020, 1, 1), done_on=dt.date(2019, 12, 1))
    services.save_milestone(by=None, action=action, title="Build",
                            due_date=dt.date(2021, 1, 1))
    return action


def observe(city: City, code: str, year: int, value: float) -> None:
    services.upload_observations(
        by=None, city=city,
        rows=[{"indicator": code, "year": str(year), "value": str(value), "source": "test"}],
    )
