"""Pages: anonymous visitors read what is published; every write page refuses a user without
the role; the forms show the services' refusals and store nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urbis.places.models import City
from urbis.policy import services
from urbis.policy.models import Barrier, Endorsement, InnovationZone

from .conftest import BARRIER, role_user, square

pytestmark = pytest.mark.django_db


def _world(barcelona: City, squareville: City, org: Any) -> dict[str, Any]:
    barrier = services.raise_barrier(by=None, city=barcelona, operator=True, **BARRIER)
    zone = services.save_zone(by=None, city=squareville, operator=True, title="Calm streets",
                              concept="c", area_codes=["A"], start_date=dt.date(2021, 1, 1),
                              is_illustrative=True)
    commitment = services.save_commitment(by=None, city=barcelona, operator=True,
                                          title="Declaration", body="Council",
                                          adopted_on=dt.date(2020, 1, 15))
    check = services.save_fitness_check(by=None, city=barcelona, operator=True, title="Check",
                                        carried_out_on=dt.date(2024, 1, 1))
    services.assess(by=None, check=check, barrier=barrier, domain="energy",
                    rating="hindering", reason="Blocks shared solar", operator=True)
    return {"barrier": barrier, "zone": zone, "commitment": commitment, "check": check}


def test_anonymous_reads_every_page(barcelona: City, squareville: City, org: Any,
                                    client_for: Any) -> None:
    w = _world(barcelona, squareville, org)
    client = client_for(None)
    for url in ("/barriers/", "/barriers/?level=national&sector=energy",
                w["barrier"].get_absolute_url(), "/cities/barcelona/policy/",
                "/cities/squareville/innovation-zones/", w["zone"].get_absolute_url(),
                w["commitment"].get_absolute_url(), w["check"].get_absolute_url(),
                "/network/policy/"):
        response = client.get(url)
        assert response.status_code == 200, url
    zones = client.get("/cities/squareville/innovation-zones/").content.decode()
    assert "Calm streets" in zones and "Illustrative: not a published figure" in zones
    check = client.get(w["check"].get_absolute_url()).content.decode()
    assert "Blocks shared solar" in check and 'id="policy-check-chart"' in check
    assert "Policy and regulation" in client.get("/cities/barcelona/").content.decode()


def test_unpublished_zone_is_hidden_from_anonymous(squareville: City, client_for: Any,
                                                   make_user: Any) -> None:
    zone = services.save_zone(by=None, city=squareville, operator=True, title="Draft",
                              concept="c", area_codes=["B"], start_date=dt.date(2021, 1, 1),
                              is_published=False)
    assert client_for(None).get(zone.get_absolute_url()).status_code == 404
    editor = client_for(make_user("editor", squareville))
    assert editor.get(zone.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("role", [None, "member", "moderator"])
def test_write_pages_refused_without_the_role(barcelona: City, squareville: City, org: Any,
                                              make_user: Any, client_for: Any,
                                              role: str | None) -> None:
    w = _world(barcelona, squareville, org)
    user = role_user(make_user, barcelona, role)
    client = client_for(user)
    refused = {302} if user is None else {403}
    assert client.get("/cities/barcelona/barriers/new/").status_code in refused
    r = client.post("/cities/barcelona/barriers/new/", {**BARRIER, "effect": "hinders"})
    assert r.status_code in refused
    assert client.post("/cities/squareville/innovation-zones/new/",
                       {"title": "x", "concept": "y", "area_codes": "A",
                        "start_date": "2021-01-01"}).status_code in ({302} if user is None
                                                                      else {403})
    slug = w["barrier"].slug
    r = client.post(f"/barriers/{slug}/stance", {"organisation": "cambra",
                                                  "stance": "endorses"})
    assert r.status_code in (refused | {400})
    r = client.post(f"/barriers/{slug}/status", {"to": "agreed"})
    assert r.status_code in refused
    assert Barrier.objects.count() == 1 and InnovationZone.objects.count() == 1
    assert Endorsement.objects.count() == 0 and Barrier.objects.get().status == "raised"


def test_forms_show_the_service_refusal_and_store_nothing(barcelona: City, squareville: City,
                                                          make_user: Any,
                                                          client_for: Any) -> None:
    client = client_for(make_user("editor", barcelona))
    r = client.post("/cities/barcelona/barriers/new/", {**BARRIER, "level": "",
                                                         "effect": "hinders"})
    assert r.status_code == 400
    assert "A barrier needs a level" in r.content.decode() and Barrier.objects.count() == 0
    r = client.post("/cities/barcelona/barriers/new/", {**BARRIER, "effect": "hinders"})
    assert r.status_code == 302 and Barrier.objects.count() == 1
    zone_editor = client_for(make_user("editor", squareville))
    r = zone_editor.post("/cities/squareville/innovation-zones/new/",
                         {"title": "Z", "concept": "c", "area_codes": "A",
                          "start_date": "2021-05-01", "end_date": "2021-01-01"})
    assert r.status_code == 400 and "The end is before the start." in r.content.decode()
    r = zone_editor.post("/cities/squareville/innovation-zones/new/",
                         {"title": "Z", "concept": "c", "geometry": "{not json",
                          "start_date": "2021-05-01"})
    assert r.status_code == 400 and "Not JSON" in r.content.decode()
    bow_tie = ('{"type": "Polygon", "coordinates": [[[0, 0], [0.01, 0.01], [0.01, 0], '
               '[0, 0.01], [0, 0]]]}')
    r = zone_editor.post("/cities/squareville/innovation-zones/new/",
                         {"title": "Z", "concept": "c", "geometry": bow_tie,
                          "start_date": "2021-05-01"})
    assert r.status_code == 400 and "invalid geometry" in r.content.decode()
    assert InnovationZone.objects.count() == 0
    import json

    r = zone_editor.post("/cities/squareville/innovation-zones/new/",
                         {"title": "Z", "concept": "c",
                          "geometry": json.dumps(square(0.0, 0.0, 0.005, 0.01)),
                          "start_date": "2021-05-01"})
    assert r.status_code == 302
    assert InnovationZone.objects.get().population == pytest.approx(500, abs=0.5)


def test_editor_moves_a_barrier_and_a_member_states_a_position(
        barcelona: City, org: Any, make_user: Any, client_for: Any) -> None:
    barrier = services.raise_barrier(by=None, city=barcelona, operator=True, **BARRIER)
    member = make_user()
    org.members.add(member)
    speaker = client_for(member)
    page = speaker.get(barrier.get_absolute_url()).content.decode()
    assert "State your organisation" in page and "Move the barrier" not in page
    r = speaker.post(f"/barriers/{barrier.slug}/stance",
                     {"organisation": "cambra", "stance": "endorses", "statement": "Yes"})
    assert r.status_code == 302 and Endorsement.objects.count() == 1
    editor = client_for(make_user("editor", barcelona))
    r = editor.post(f"/barriers/{barrier.slug}/status", {"to": "changed"})
    assert r.status_code == 400 and "cannot go from" in r.content.decode()
    r = editor.post(f"/barriers/{barrier.slug}/status", {"to": "agreed"})
    assert r.status_code == 302
    assert Barrier.objects.get().status == "agreed"


def test_barrier_form_links_the_city_actions(barcelona: City, make_user: Any,
                                             client_for: Any) -> None:
    from urbis.strategy.models import Action, Strategy

    strategy = Strategy.objects.create(city=barcelona, slug="s", title="S", start_year=2020,
                                       end_year=2030, is_published=True)
    action = Action.objects.create(strategy=strategy, title="Shared solar")
    client = client_for(make_user("editor", barcelona))
    assert "Shared solar" in client.get("/cities/barcelona/barriers/new/").content.decode()
    r = client.post("/cities/barcelona/barriers/new/",
                    {**BARRIER, "effect": "hinders", "actions": [action.pk]})
    assert r.status_code == 302
    assert list(Barrier.objects.get().actions.all()) == [action]
