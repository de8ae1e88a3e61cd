"""The barriers register: validation, sharing between cities, one stance per organisation (a
database constraint, raced on PostgreSQL), the lifecycle and its refusals, permissions."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.concurrency import in_threads
from urbis.places.models import City
from urbis.policy import queries, services
from urbis.policy.models import Barrier, BarrierCity, Endorsement, FigurePoint

from .conftest import BARRIER, role_user

pytestmark = pytest.mark.django_db


def _raise(city: City, **extra: Any) -> Barrier:
    return services.raise_barrier(by=None, city=city, operator=True, **{**BARRIER, **extra})


def test_a_barrier_without_a_level_is_refused_and_nothing_stored(barcelona: City) -> None:
    with pytest.raises(ValidationError) as err:
        _raise(barcelona, level="")
    assert "level" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        _raise(barcelona, level="galactic", sectors=["spaceflight"], link="ftp://x")
    assert {"level", "sectors", "link"} <= set(err.value.message_dict)
    assert Barrier.objects.count() == 0 and BarrierCity.objects.count() == 0


def test_the_same_rule_raised_by_two_cities_is_one_barrier(barcelona: City,
                                                           paris: City) -> None:
    first = _raise(barcelona)
    again = _raise(paris, title="Self-consumption rule",
                   legal_reference="real decreto 244/2019, ART. 3", jurisdiction="es")
    assert again.pk == first.pk and Barrier.objects.count() == 1
    assert sorted(first.city_links.values_list("city__code", flat=True)) == ["barcelona",
                                                                              "paris"]
    other = _raise(paris, legal_reference="Code de l'énergie L315-2", jurisdiction="FR")
    assert other.pk != first.pk


def test_network_ranking_by_cities_then_endorsements(barcelona: City, paris: City,
                                                     org: Any, ngo: Any) -> None:
    shared = _raise(barcelona)
    _raise(paris)
    single = _raise(paris, title="Heritage rule", legal_reference="Code du patrimoine L621",
                    jurisdiction="FR", level="national")
    services.record_stance(by=None, barrier=single, organisation=org, operator=True)
    services.record_stance(by=None, barrier=single, organisation=ngo, operator=True)
    ranked = queries.ranked_barriers(queries.visible_barriers())
    assert [b.pk for b in ranked] == [shared.pk, single.pk]
    assert (ranked[0].n_cities, ranked[1].n_cities, ranked[1].n_endorsing) == (2, 1, 2)


def test_one_stance_per_organisation(barcelona: City, org: Any) -> None:
    barrier = _raise(barcelona)
    services.record_stance(by=None, barrier=barrier, organisation=org, statement="Yes",
                           operator=True)
    with pytest.raises(ValidationError, match="already stated"):
        services.record_stance(by=None, barrier=barrier, organisation=org,
                               stance="disputes", operator=True)
    assert Endorsement.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_racing_endorsements_leave_one(postgres_only: Any, barcelona: City,
                                           org: Any) -> None:
    """Two connections insert at the same moment: the unique constraint keeps one."""
    barrier = _raise(barcelona)
    outcomes = in_threads(2, lambda n: services.record_stance(
        by=None, barrier=barrier, organisation=org, operator=True))
    assert sorted(type(o).__name__ for o in outcomes) == ["Endorsement", "ValidationError"]
    assert Endorsement.objects.filter(barrier=barrier).count() == 1


def test_lifecycle_in_order_and_refused_out_of_order(barcelona: City, org: Any) -> None:
    barrier = _raise(barcelona)
    for wrong in ("proposal_submitted", "changed", "rejected", "raised"):
        with pytest.raises(ValidationError):
            services.move_barrier(by=None, barrier=barrier, to=wrong, operator=True)
    with pytest.raises(ValidationError, match="endorsed"):
        services.move_barrier(by=None, barrier=barrier, to="agreed", operator=True)
    services.record_stance(by=None, barrier=barrier, organisation=org, operator=True)
    barrier = services.move_barrier(by=None, barrier=barrier, to="agreed", operator=True)
    with pytest.raises(ValidationError) as err:
        services.move_barrier(by=None, barrier=barrier, to="proposal_submitted", operator=True)
    assert "proposal_to" in err.value.message_dict
    barrier = services.move_barrier(by=None, barrier=barrier, to="proposal_submitted",
                                    proposal_to="Ministerio para la Transición Ecológica",
                                    operator=True)
    with pytest.raises(ValidationError):
        services.move_barrier(by=None, barrier=barrier, to="agreed", operator=True)
    barrier = services.move_barrier(by=None, barrier=barrier, to="changed", operator=True)
    assert barrier.status == "changed" and barrier.decided_on is not None
    with pytest.raises(ValidationError):
        services.move_barrier(by=None, barrier=barrier, to="rejected", operator=True)
    figures = {p.figure: p.value for p in FigurePoint.objects.all()}
    assert figures["barriers_agreed"] == 1 and figures["barriers_removed"] == 1


@pytest.mark.parametrize("role", [None, "member", "moderator"])
def test_writes_refused_without_the_role(barcelona: City, paris: City, org: Any,
                                         make_user: Any, role: str | None) -> None:
    user = role_user(make_user, barcelona, role)
    with pytest.raises(PermissionDenied):
        services.raise_barrier(by=user, city=barcelona, **BARRIER)
    barrier = _raise(barcelona)
    with pytest.raises(PermissionDenied):
        services.record_stance(by=user, barrier=barrier, organisation=org)
    services.record_stance(by=None, barrier=barrier, organisation=org, operator=True)
    with pytest.raises(PermissionDenied):
        services.move_barrier(by=user, barrier=barrier, to="agreed")
    # An editor of another city may not move Barcelona's barrier either.
    with pytest.raises(PermissionDenied):
        services.move_barrier(by=make_user("editor", paris), barrier=barrier, to="agreed")
    assert Barrier.objects.get().status == "raised"


def test_member_of_an_organisation_speaks_for_it(barcelona: City, org: Any,
                                                 make_user: Any) -> None:
    barrier = _raise(barcelona)
    member = make_user()
    org.members.add(member)
    services.record_stance(by=member, barrier=barrier, organisation=org)
    assert barrier.endorsements.get().created_by == member


@pytest.mark.parametrize("role", [None, "member"])
def test_api_writes_refused_without_the_role(barcelona: City, org: Any, make_user: Any,
                                             client_for: Any, role: str | None) -> None:
    user = role_user(make_user, barcelona, role)
    client = client_for(user)
    expected = {401, 403} if user is None else {403}
    r = client.post("/api/v1/barriers", {**BARRIER, "city": "barcelona"},
                    content_type="application/json")
    assert r.status_code in expected
    barrier = _raise(barcelona)
    r = client.post(f"/api/v1/barriers/{barrier.slug}/stances", {"organisation": "cambra"},
                    content_type="application/json")
    assert r.status_code in expected
    r = client.post(f"/api/v1/barriers/{barrier.slug}/status", {"to": "agreed"},
                    content_type="application/json")
    assert r.status_code in expected
    assert Endorsement.objects.count() == 0 and Barrier.objects.get().status == "raised"


def test_api_by_an_editor(barcelona: City, org: Any, make_user: Any, client_for: Any) -> None:
    client = client_for(make_user("editor", barcelona))
    bad = client.post("/api/v1/barriers", {**BARRIER, "city": "barcelona", "level": ""},
                      content_type="application/json")
    assert bad.status_code == 422 and "level" in bad.content.decode()
    assert Barrier.objects.count() == 0
    r = client.post("/api/v1/barriers", {**BARRIER, "city": "barcelona"},
                    content_type="application/json")
    assert r.status_code == 201, r.content
    slug = r.json()["slug"]
    r = client.post(f"/api/v1/barriers/{slug}/stances", {"organisation": "cambra",
                                                          "statement": "Blocks our members"},
                    content_type="application/json")
    assert r.status_code == 201, r.content
    again = client.post(f"/api/v1/barriers/{slug}/stances", {"organisation": "cambra"},
                        content_type="application/json")
    assert again.status_code == 422
    r = client.post(f"/api/v1/barriers/{slug}/status", {"to": "changed"},
                    content_type="application/json")
    assert r.status_code == 422
    r = client.post(f"/api/v1/barriers/{slug}/status", {"to": "agreed"},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "agreed"
    listed = client_for(None).get("/api/v1/barriers?level=national&city=barcelona").json()
    assert [b["slug"] for b in listed] == [slug] and listed[0]["endorsing"] == 1
    assert client_for(None).get("/api/v1/barriers?level=eu").json() == []
    csv_text = client_for(None).get("/api/v1/barriers.csv").content.decode()
    assert csv_text.splitlines()[0].startswith("slug,title,level")
    assert "Real Decreto 244/2019" in csv_text
