"""Workshops (capacity, waiting list, outcomes) and studies (concept ratings, usability + SUS)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from urbis.engagement import queries, services
from urbis.engagement.models import Registration, Study, UsabilitySession

NOW = timezone.now


@pytest.fixture
def workshop(process: Any) -> Any:
    return services.create_workshop(
        by=None, process=process, title="Taller: carrers per a les persones",
        starts_at=NOW() + dt.timedelta(days=3), ends_at=NOW() + dt.timedelta(days=3, hours=2),
        capacity=2, place="Casal de barri", agenda="1. Welcome\n2. Group work",
    )


def test_create_workshop_needs_editor(process: Any, make_user: Callable[..., Any],
                                      barcelona: Any) -> None:
    fields = {"process": process, "title": "Workshop", "capacity": 10, "place": "Somewhere",
              "starts_at": NOW() + dt.timedelta(days=1), "ends_at": NOW() + dt.timedelta(days=1,
                                                                                         hours=1)}
    with pytest.raises(PermissionDenied):
        services.create_workshop(by=make_user("moderator", barcelona), **fields)
    with pytest.raises(ValidationError) as caught:
        services.create_workshop(by=make_user("editor", barcelona),
                                 **{**fields, "capacity": 0, "place": ""})
    assert set(caught.value.message_dict) == {"capacity", "place"}


def test_capacity_and_waiting_list(workshop: Any, make_user: Callable[..., Any]) -> None:
    a, b, c, d = (make_user() for _ in range(4))
    assert services.sign_up(by=a, workshop=workshop).status == "confirmed"
    assert services.sign_up(by=b, workshop=workshop).status == "confirmed"
    assert services.sign_up(by=c, workshop=workshop).status == "waiting"
    assert services.sign_up(by=d, workshop=workshop).status == "waiting"
    with pytest.raises(ValidationError, match="already"):
        services.sign_up(by=a, workshop=workshop)
    assert queries.workshop_places(workshop, d)["waiting_position"] == 2
    promoted = services.cancel_registration(by=a, workshop=workshop)
    assert promoted is not None and promoted.user == c
    assert "A place is free" in c.engagement_notifications.get().message
    assert queries.workshop_places(workshop, d)["waiting_position"] == 1
    assert Registration.objects.filter(workshop=workshop, status="confirmed").count() == 2


def test_no_sign_up_for_a_past_workshop(process: Any, make_user: Callable[..., Any]) -> None:
    past = services.create_workshop(
        by=None, process=process, title="Past workshop", capacity=5, place="Here",
        starts_at=NOW() - dt.timedelta(days=3), ends_at=NOW() - dt.timedelta(days=3, hours=-2),
    )
    with pytest.raises(ValidationError, match="started"):
        services.sign_up(by=make_user(), workshop=past)


def test_outcomes_recorded_as_ideas_by_staff_only(
    workshop: Any, make_user: Callable[..., Any], barcelona: Any
) -> None:
    fields = {"title": "Superilla around the market", "category": "public_space",
              "body": "The group proposed closing two streets to through traffic."}
    with pytest.raises(PermissionDenied):
        services.record_outcome(by=make_user("member", barcelona), workshop=workshop, **fields)
    idea = services.record_outcome(by=make_user("editor", barcelona), workshop=workshop, **fields)
    assert idea.workshop == workshop and idea.process == workshop.process
    page = Client().get(workshop.get_absolute_url()).content.decode()
    assert "Superilla around the market" in page


def test_workshop_pages(workshop: Any, make_user: Callable[..., Any],
                        client_for: Callable[..., Client]) -> None:
    url = f"/cities/barcelona/workshops/{workshop.pk}/register/"
    assert Client().post(url).status_code == 302
    user = make_user()
    client_for(user).post(url)
    assert Registration.objects.get(user=user).status == "confirmed"
    client_for(user).post(url, {"cancel": "1"})
    assert not Registration.objects.filter(user=user).exists()
    outcome = client_for(make_user()).post(
        f"/cities/barcelona/workshops/{workshop.pk}/outcome/",
        {"title": "A title here", "category": "energy", "body": "A body long enough here."},
    )
    assert outcome.status_code == 403


@pytest.fixture
def usability(barcelona: Any) -> Study:
    return services.create_study(
        by=None, city=barcelona, kind=Study.Kind.USABILITY, title="Energy map usability",
        opens=NOW() - dt.timedelta(days=1), closes=NOW() + dt.timedelta(days=10),
        tasks=["Find your neighbourhood", "Compare two districts"],
    )


def test_usability_session_scored_with_sus(usability: Study,
                                           make_user: Callable[..., Any]) -> None:
    t1, t2 = usability.tasks.all()
    session = services.submit_usability_session(
        by=make_user(), study=usability, results=[(t1.pk, True, 35.0), (t2.pk, False, 120.0)],
        sus_answers=[4, 2, 4, 1, 5, 2, 4, 1, 4, 2],
    )
    assert session.sus_score == 82.5
    services.submit_usability_session(
        by=make_user(), study=usability, results=[(t1.pk, True, 25.0), (t2.pk, True, 80.0)],
        sus_answers=[3] * 10,
    )
    results = queries.study_results(usability)
    assert results["sessions"] == 2
    assert results["sus"].mean == pytest.approx(66.25)
    assert results["tasks"][0]["summary"].success_rate == 1.0
    assert results["tasks"][1]["summary"].successes == 1


def test_usability_bad_input_names_the_item(usability: Study,
                                            make_user: Callable[..., Any]) -> None:
    t1, t2 = usability.tasks.all()
    with pytest.raises(ValidationError) as caught:
        services.submit_usability_session(
            by=make_user(), study=usability, results=[(t1.pk, True, 35.0)],
            sus_answers=[4, 2, 4, 1, 6, 2, 4, 1, 4, 2],
        )
    assert "sus_answers.5" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.submit_usability_session(
            by=make_user(), study=usability, results=[(t1.pk, True, -1.0), (t2.pk, True, 1.0)],
            sus_answers=[3] * 10,
        )
    assert "results.1.seconds" in caught.value.message_dict
    assert UsabilitySession.objects.count() == 0


def test_concept_validation(barcelona: Any, make_user: Callable[..., Any],
                            client_for: Callable[..., Client]) -> None:
    concept = services.create_study(
        by=None, city=barcelona, kind=Study.Kind.CONCEPT, title="Shaded bus stops",
        opens=NOW() - dt.timedelta(days=1), closes=NOW() + dt.timedelta(days=10),
    )
    user = make_user()
    services.respond_to_concept(by=user, study=concept, rating=4, comment="Nice")
    with pytest.raises(ValidationError, match="already"):
        services.respond_to_concept(by=user, study=concept, rating=5)
    with pytest.raises(ValidationError, match="1 to 5"):
        services.respond_to_concept(by=make_user(), study=concept, rating=7)
    client_for(make_user()).post(concept.get_absolute_url(), {"rating": "2", "comment": ""})
    results = queries.study_results(concept)
    assert results["responses"] == 2 and results["mean_rating"] == 3
    with pytest.raises(PermissionDenied):
        services.create_study(by=make_user("member", barcelona), city=barcelona,
                              kind="concept", title="No", opens=NOW(),
                              closes=NOW() + dt.timedelta(days=1))


def test_study_page_form(usability: Study, make_user: Callable[..., Any],
                         client_for: Callable[..., Client]) -> None:
    t1, t2 = usability.tasks.all()
    data = {f"task_{t1.pk}_success": "on", f"task_{t1.pk}_seconds": "30",
            f"task_{t2.pk}_seconds": "90", **{f"sus_{n}": "3" for n in range(1, 11)}}
    assert client_for(make_user()).post(usability.get_absolute_url(), data).status_code == 302
    page = Client().get(usability.get_absolute_url()).content.decode()
    assert "System Usability Scale" in page and "50.0" in page


def test_closed_study_refuses_answers(barcelona: Any, make_user: Callable[..., Any]) -> None:
    closed = services.create_study(
        by=None, city=barcelona, kind=Study.Kind.CONCEPT, title="Old concept",
        opens=NOW() - dt.timedelta(days=10), closes=NOW() - dt.timedelta(days=1),
    )
    with pytest.raises(ValidationError, match="not open"):
        services.respond_to_concept(by=make_user(), study=closed, rating=3)



@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_sign_ups_never_exceed_capacity(
    postgres_only: None, workshop: Any, make_user: Callable[..., Any]
) -> None:
    from tests.concurrency import in_threads

    people = [make_user() for _ in range(8)]
    in_threads(8, lambda n: services.sign_up(by=people[n], workshop=workshop))
    statuses = list(Registration.objects.filter(workshop=workshop).values_list("status",
                                                                               flat=True))
    assert statuses.count("confirmed") == 2 and statuses.count("waiting") == 6
