"""Innovation zones: a hand-worked size and area-weighted population, bad input refused with
nothing stored, phases one step at a time, roll-outs, permissions, the map layer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from urbis.opendata.registry import get_layer
from urbis.places.models import City
from urbis.policy import services
from urbis.policy.models import InnovationZone, Rollout

from .conftest import role_user, square

pytestmark = pytest.mark.django_db
START = dt.date(2020, 1, 1)


def _zone(city: City, **extra: Any) -> InnovationZone:
    fields = {"title": "Test zone", "concept": "Car-free streets",
              "geometry": square(0.005, 0, 0.015, 0.01), "start_date": START}
    return services.save_zone(by=None, city=city, operator=True, **{**fields, **extra})


def test_size_and_residents_against_a_hand_worked_case(squareville: City) -> None:
    # The zone covers the east half of A (1000 residents, 400 households) and the west half
    # of B (3000, 1000): 500 + 1500 = 2000 residents and 200 + 500 = 700 households.
    # Its size: 0.01° of longitude at the equator (1113.19 m) by 0.01° of latitude (1105.74 m)
    # = 1.2309 km².
    zone = _zone(squareville)
    assert zone.population == pytest.approx(2000, abs=0.5)
    assert zone.households == pytest.approx(700, abs=0.5)
    assert zone.area_km2 == pytest.approx(1.11319 * 1.10574, rel=1e-3)
    assert "A 50.0%" in zone.figures_note and "B 50.0%" in zone.figures_note


def test_zone_built_from_areas(squareville: City) -> None:
    zone = _zone(squareville, slug="whole", geometry=None, area_codes=["A", "B"])
    assert zone.population == pytest.approx(4000, abs=0.5)
    assert zone.area_km2 == pytest.approx(2 * 1.11319 * 1.10574, rel=1e-3)


@pytest.mark.parametrize("bad, field", [
    ({"geometry": {"type": "Polygon", "coordinates": [[[0, 0], [0.01, 0.01], [0.01, 0],
                                                       [0, 0.01], [0, 0]]]}}, "geometry"),
    ({"geometry": {"type": "Point", "coordinates": [0, 0]}}, "geometry"),
    ({"geometry": {"type": "Polygon", "coordinates": "nonsense"}}, "geometry"),
    ({"geometry": square(5, 5, 6, 6)}, "geometry"),
    ({"end_date": dt.date(2019, 12, 31)}, "end_date"),
    ({"geometry": None, "area_codes": ["A", "Z"]}, "area_codes"),
    ({"title": ""}, "title"),
])
def test_bad_zone_is_refused_and_nothing_stored(squareville: City, bad: dict[str, Any],
                                                field: str) -> None:
    with pytest.raises(ValidationError) as err:
        _zone(squareville, **bad)
    assert field in err.value.message_dict, err.value.message_dict
    assert InnovationZone.objects.count() == 0


def test_phases_move_one_step_forward(squareville: City) -> None:
    zone = _zone(squareville)
    with pytest.raises(ValidationError):
        services.move_zone_phase(by=None, zone=zone, to="evaluation", operator=True)
    for phase in ("setup", "evaluation", "rollout"):
        zone = services.move_zone_phase(by=None, zone=zone, to=phase, operator=True)
    with pytest.raises(ValidationError):
        services.move_zone_phase(by=None, zone=zone, to="concept", operator=True)


def test_rollout_to_another_city_checks_its_areas(squareville: City, barcelona: City) -> None:
    zone = _zone(squareville)
    with pytest.raises(ValidationError):
        services.add_rollout(by=None, zone=zone, city=barcelona, area_codes=["A"],
                             done_on=dt.date(2022, 1, 1), operator=True)
    with pytest.raises(ValidationError):
        services.add_rollout(by=None, zone=zone, city=squareville, area_codes=["A"],
                             done_on=dt.date(2019, 1, 1), operator=True)
    assert Rollout.objects.count() == 0
    services.add_rollout(by=None, zone=zone, city=squareville, area_codes=["B"],
                         done_on=dt.date(2022, 1, 1), operator=True)
    from urbis.policy.models import FigurePoint

    points = {p.figure: p.value for p in FigurePoint.objects.all()}
    assert points["concepts_rolled_out"] == 1 and points["zones_installed"] == 1


@pytest.mark.parametrize("role", [None, "member", "moderator"])
def test_zone_writes_refused_without_the_role(squareville: City, make_user: Any,
                                              client_for: Any, role: str | None) -> None:
    user = role_user(make_user, squareville, role)
    with pytest.raises(PermissionDenied):
        services.save_zone(by=user, city=squareville, title="x", concept="y",
                           geometry=square(0, 0, 0.01, 0.01), start_date=START)
    zone = _zone(squareville)
    for call in (
        lambda: services.move_zone_phase(by=user, zone=zone, to="setup"),
        lambda: services.add_zone_rule(by=user, zone=zone, kind="new", description="x"),
        lambda: services.add_rollout(by=user, zone=zone, city=squareville,
                                     planned_on=START),
    ):
        with pytest.raises(PermissionDenied):
            call()
    client = client_for(user)
    r = client.post("/api/v1/cities/squareville/innovation-zones",
                    {"title": "x", "concept": "y", "area_codes": ["A"],
                     "start_date": "2021-01-01"}, content_type="application/json")
    assert r.status_code in ({401, 403} if user is None else {403})
    r = client.post(f"/api/v1/cities/squareville/innovation-zones/{zone.slug}/phase",
                    {"to": "setup"}, content_type="application/json")
    assert r.status_code in ({401, 403} if user is None else {403})
    assert InnovationZone.objects.count() == 1 and InnovationZone.objects.get().phase == "concept"


def test_api_zone_by_an_editor_and_map_layer(squareville: City, make_user: Any,
                                             client_for: Any) -> None:
    client = client_for(make_user("editor", squareville))
    bad = client.post("/api/v1/cities/squareville/innovation-zones",
                      {"title": "Z", "concept": "c", "area_codes": ["A"],
                       "start_date": "2021-05-01", "end_date": "2021-01-01"},
                      content_type="application/json")
    assert bad.status_code == 422 and "end_date" in bad.content.decode()
    r = client.post("/api/v1/cities/squareville/innovation-zones",
                    {"title": "Z", "concept": "c", "area_codes": ["A"],
                     "start_date": "2021-05-01"}, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["residents_estimated"] == pytest.approx(1000)
    geo = client_for(None).get("/api/v1/cities/squareville/innovation-zones.geojson").json()
    assert geo["features"][0]["properties"]["code"] == "z"
    layer = get_layer("innovation-zones")
    assert layer is not None
    rows = list(layer.rows(squareville, __import__("urbis.opendata.registry",
                                                   fromlist=["Hints"]).Hints()))
    assert rows[0].properties["residents_estimated"] == pytest.approx(1000)
    assert rows[0].geometry["type"] == "Polygon"
    text = client_for(None).get("/api/v1/cities/squareville/innovation-zones.csv")
    assert text.content.decode().startswith("slug,title,phase")


def test_a_zone_named_new_keeps_its_page_reachable(squareville: City, client_for: Any) -> None:
    zone = _zone(squareville, title="New")
    assert zone.slug == "new-1"
    assert client_for(None).get(zone.get_absolute_url()).status_code == 200
