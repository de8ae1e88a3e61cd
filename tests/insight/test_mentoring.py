"""Mentoring: partnerships (refused without the role, bad input stores nothing) and mentor
suggestions computed from the cities' published indicator values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from urbis.insight import queries, services
from urbis.insight.models import Partnership, Pilot
from urbis.places.models import City
from urbis.strategy.models import Indicator, Observation, Strategy, Target

pytestmark = pytest.mark.django_db


def test_improvement_is_relative_per_year_and_signed_by_direction() -> None:
    assert queries.improvement_per_year((2020, 100), (2022, 80), "down") == pytest.approx(0.1)
    assert queries.improvement_per_year((2020, 100), (2022, 80), "up") == pytest.approx(-0.1)
    assert queries.improvement_per_year((2020, 0), (2022, 80), "up") is None


def test_partnership_writes(barcelona: Any, paris: Any, make_user: Callable[..., Any],
                            client_for: Callable[..., Any]) -> None:
    day = dt.date(2026, 5, 1)
    for user in (None, make_user("member", paris), make_user("editor", barcelona)):
        with pytest.raises(PermissionDenied):
            services.create_partnership(by=user, mentor=barcelona, follower=paris,
                                        theme="mobility", goals="g", started_on=day)
    editor = make_user("editor", paris)
    with pytest.raises(ValidationError) as error:
        services.create_partnership(by=editor, mentor=paris, follower=paris, theme="",
                                    goals="", started_on=day)
    assert {"mentor", "theme", "goals"} <= set(error.value.message_dict)
    assert not Partnership.objects.exists()
    body = {"mentor": "barcelona", "theme": "mobility", "goals": "Superblocks",
            "started_on": "2026-05-01"}
    url = "/api/v1/cities/paris/partnerships"
    assert client_for(make_user("member", paris)).post(
        url, body, content_type="application/json").status_code == 403
    assert client_for(editor).post(url, {**body, "started_on": "soon"},
                                   content_type="application/json").status_code == 422
    assert client_for(editor).post(url, body, content_type="application/json").status_code == 201
    assert client_for(None).get(url).json()[0]["mentor"] == "barcelona"


def test_mentor_suggestions_follow_the_published_values(
    barcelona: Any, paris: Any, client_for: Callable[..., Any]
) -> None:
    indicator = Indicator.objects.create(code="test-no2", name="NO2", unit="µg/m³",
                                         direction="down", theme="mobility")
    strategy = Strategy.objects.create(city=paris, slug="s", title="S", start_year=2020,
                                       end_year=2030, is_published=True)
    Target.objects.create(strategy=strategy, title="Cut NO2", indicator=indicator,
                          baseline_value=40, baseline_year=2020, target_value=20,
                          target_year=2026, direction="down")
    # Paris is off track: no improvement.
    for year, value in ((2020, 40), (2025, 40)):
        Observation.objects.create(indicator=indicator, city=paris,
                                   date=dt.date(year, 12, 31), value=value, source="test")
    # Barcelona improved; a third city improved faster but has no practice on the theme.
    other = City.objects.exclude(pk__in=[barcelona.pk, paris.pk]).first()
    for year, value in ((2020, 40), (2024, 30)):
        Observation.objects.create(indicator=indicator, city=barcelona,
                                   date=dt.date(year, 12, 31), value=value, source="test")
    if other is not None:
        for year, value in ((2020, 40), (2024, 10)):
            Observation.objects.create(indicator=indicator, city=other,
                                       date=dt.date(year, 12, 31), value=value, source="test")
    services.create_pilot(by=None, operator=True, city=barcelona, slug="sb", title="Superblock",
                          theme="mobility", goals="g", source="s")
    (suggestion,) = queries.mentor_suggestions(paris)
    assert suggestion["status"] == "off_track"
    first = suggestion["candidates"][0]
    assert first["city"] == "barcelona" and first["pilots"] == 1
    assert first["improvement_per_year"] == pytest.approx(0.25 / 4, rel=0.01)
    if other is not None:
        assert [c["city"] for c in suggestion["candidates"]][1] == other.code
    api = client_for(None).get("/api/v1/cities/paris/insight/mentors").json()
    assert api[0]["candidates"][0]["city"] == "barcelona"
    page = client_for(None).get("/cities/paris/insight/").content.decode()
    assert "Possible mentors for" in page and Pilot.objects.count() == 1
