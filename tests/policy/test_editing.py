"""Zone monitoring values, project bundles, and every remaining editor form and API write:
refused without the role, refused on bad input with nothing stored, saved for an editor."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from urbis.places.models import City
from urbis.policy import queries, services
from urbis.policy.models import (
    Assessment,
    Commitment,
    FitnessCheck,
    Involvement,
    OneStopShop,
    Procedure,
    ProjectBundle,
    RoadmapPhase,
    Rollout,
    ZoneObservation,
    ZoneRule,
)
from urbis.strategy.models import Action, FundingSource, Indicator, Strategy

from .conftest import BARRIER, role_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(barcelona: City, squareville: City, org: Any) -> dict[str, Any]:
    strategy = Strategy.objects.create(city=barcelona, slug="s", title="S", start_year=2020,
                                       end_year=2030, is_published=True)
    a1 = Action.objects.create(strategy=strategy, title="Solar roofs", budget=Decimal("100"))
    a2 = Action.objects.create(strategy=strategy, title="Batteries", budget=Decimal("50"))
    FundingSource.objects.create(action=a1, kind="eu_fund", amount=Decimal("70"))
    return {
        "actions": [a1, a2],
        "indicator": Indicator.objects.create(code="zone-no2", name="NO2", unit="µg/m³",
                                              direction="down", theme="environment"),
        "zone": services.save_zone(by=None, city=squareville, operator=True, title="Zone",
                                   concept="c", area_codes=["A"],
                                   start_date=dt.date(2021, 1, 1)),
        "commitment": services.save_commitment(by=None, city=barcelona, operator=True,
                                               title="Declaration", body="Council",
                                               adopted_on=dt.date(2020, 1, 15)),
        "check": services.save_fitness_check(by=None, city=barcelona, operator=True,
                                             title="Check", carried_out_on=dt.date(2024, 1, 1)),
        "shop": services.save_shop(by=None, city=barcelona, operator=True, name="Shop"),
        "barrier": services.raise_barrier(by=None, city=barcelona, operator=True, **BARRIER),
    }


def test_zone_observations_checked(world: dict[str, Any]) -> None:
    zone, indicator = world["zone"], world["indicator"]
    with pytest.raises(ValidationError) as err:
        services.add_zone_observation(by=None, zone=zone, indicator=indicator,
                                      date=dt.date(2020, 1, 1), value="lots", operator=True)
    assert {"date", "value"} <= set(err.value.message_dict)
    services.add_zone_observation(by=None, zone=zone, indicator=indicator,
                                  date=dt.date(2022, 1, 1), value="31.5", operator=True)
    assert ZoneObservation.objects.get().value == 31.5


def test_bundle_sums_budgets_and_secured(world: dict[str, Any], barcelona: City,
                                         paris: City) -> None:
    with pytest.raises(ValidationError):
        services.save_bundle(by=None, city=barcelona, actions=world["actions"][:1],
                             title="One", operator=True)
    with pytest.raises(ValidationError):
        services.save_bundle(by=None, city=paris, actions=world["actions"], title="Foreign",
                             operator=True)
    assert ProjectBundle.objects.count() == 0
    services.save_bundle(by=None, city=barcelona, actions=world["actions"], title="Energy",
                         operator=True)
    row = queries.visible_bundles(barcelona)[0]
    assert (row["budgeted"], row["secured"], row["gap"]) == (Decimal("150"), Decimal("70"),
                                                            Decimal("80"))
    text = queries.bundles_csv(queries.visible_bundles(barcelona))
    assert text.splitlines()[1].endswith("150.00,70.00,80.00,no,")


def test_commitments_csv(world: dict[str, Any], barcelona: City, org: Any,
                         client_for: Any) -> None:
    services.set_phase(by=None, commitment=world["commitment"], step="vision", status="done",
                       operator=True)
    services.record_involvement(by=None, commitment=world["commitment"], step="vision",
                                organisation=org, how="endorsed", operator=True)
    r = client_for(None).get("/api/v1/cities/barcelona/commitments.csv")
    lines = r.content.decode().splitlines()
    assert lines[0].startswith("slug,title,adopted_on")
    assert "vision:done" in lines[1] and "cambra:endorsed@vision" in lines[1]
    assert client_for(None).get("/api/v1/cities/barcelona/project-bundles.csv").status_code == 200


@pytest.mark.parametrize("role", [None, "member", "moderator"])
def test_every_remaining_write_refused_without_the_role(
        world: dict[str, Any], barcelona: City, squareville: City, make_user: Any,
        client_for: Any, role: str | None) -> None:
    user = role_user(make_user, barcelona, role)
    zone_user = role_user(make_user, squareville, role) if role else None
    with pytest.raises(PermissionDenied):
        services.add_zone_observation(by=zone_user, zone=world["zone"],
                                      indicator=world["indicator"], date=dt.date(2022, 1, 1),
                                      value=1)
    with pytest.raises(PermissionDenied):
        services.save_bundle(by=user, city=barcelona, actions=world["actions"],
                             title="x")
    client = client_for(user)
    expected = {401, 403} if user is None else {403}
    zone_client = client_for(zone_user)
    for c, url, body in (
        (zone_client, "/api/v1/cities/squareville/innovation-zones/zone/rules",
         {"kind": "new", "description": "x"}),
        (zone_client, "/api/v1/cities/squareville/innovation-zones/zone/rollouts",
         {"city": "squareville", "area_codes": ["B"], "done_on": "2022-01-01"}),
        (zone_client, "/api/v1/cities/squareville/innovation-zones/zone/observations",
         {"indicator": "zone-no2", "date": "2022-01-01", "value": 3}),
        (client, "/api/v1/cities/barcelona/commitments/declaration/phases",
         {"step": "vision"}),
        (client, "/api/v1/cities/barcelona/commitments/declaration/involvements",
         {"step": "vision", "organisation": "cambra", "how": "consulted"}),
        (client, "/api/v1/cities/barcelona/project-bundles",
         {"title": "x", "actions": [a.pk for a in world["actions"]]}),
        (client, "/api/v1/cities/barcelona/fitness-checks",
         {"title": "x", "carried_out_on": "2024-02-01"}),
        (client, "/api/v1/cities/barcelona/one-stop-shops", {"name": "x"}),
    ):
        assert c.post(url, body, content_type="application/json").status_code in expected, url
    page_refused = {302} if user is None else {403}
    for c, url, body in (
        (client, "/cities/barcelona/commitments/new/",
         {"title": "x", "body": "b", "adopted_on": "2020-01-01"}),
        (client, "/cities/barcelona/commitments/declaration/phase/",
         {"step": "vision", "status": "planned"}),
        (client, "/cities/barcelona/commitments/declaration/involvement/",
         {"step": "vision", "organisation": "cambra", "how": "consulted"}),
        (client, "/cities/barcelona/fitness-checks/new/",
         {"title": "x", "carried_out_on": "2024-02-01"}),
        (client, "/cities/barcelona/fitness-checks/check/assess/",
         {"barrier": world["barrier"].slug, "domain": "energy", "rating": "neutral",
          "reason": "r"}),
        (client, "/cities/barcelona/one-stop-shops/new/", {"name": "x"}),
        (client, "/cities/barcelona/one-stop-shops/shop/procedure/",
         {"name": "x", "authority": "y", "days_before": "3", "days_after": "1"}),
        (client, "/cities/barcelona/project-bundles/new/",
         {"title": "x", "actions": [a.pk for a in world["actions"]]}),
        (zone_client, "/cities/squareville/innovation-zones/zone/phase/", {"to": "setup"}),
        (zone_client, "/cities/squareville/innovation-zones/zone/rule/",
         {"kind": "new", "description": "x"}),
        (zone_client, "/cities/squareville/innovation-zones/zone/rollout/",
         {"city": "squareville", "area_codes": "B", "done_on": "2022-01-01"}),
        (zone_client, "/cities/squareville/innovation-zones/zone/observation/",
         {"indicator": "zone-no2", "date": "2022-01-01", "value": "3"}),
    ):
        assert c.get(url).status_code in page_refused, url
        assert c.post(url, body).status_code in page_refused, url
    assert (Commitment.objects.count(), FitnessCheck.objects.count(),
            OneStopShop.objects.count()) == (1, 1, 1)
    for model in (RoadmapPhase, Involvement, Assessment, Procedure, ProjectBundle, ZoneRule,
                  Rollout, ZoneObservation):
        assert model.objects.count() == 0, model
    world["zone"].refresh_from_db()
    assert world["zone"].phase == "concept"


def test_editor_forms_refuse_bad_input_then_save(world: dict[str, Any], barcelona: City,
                                                 squareville: City, make_user: Any,
                                                 client_for: Any) -> None:
    client = client_for(make_user("editor", barcelona))
    zone_client = client_for(make_user("editor", squareville))
    cases = [
        (client, "/cities/barcelona/commitments/new/",
         {"title": "x", "body": "", "adopted_on": "2020-01-01", "document_url": "nope"},
         {"title": "Plan", "body": "Council", "adopted_on": "2020-01-01",
          "priorities": ["5.2.1"]}, "Name the body"),
        (client, "/cities/barcelona/commitments/declaration/phase/",
         {"step": "vision", "status": "planned", "starts_on": "2021-01-01",
          "ends_on": "2020-01-01"},
         {"step": "vision", "status": "done"}, "The end is before the start."),
        (client, "/cities/barcelona/fitness-checks/new/", {"title": ""},
         {"title": "Second", "carried_out_on": "2024-02-01"}, "needs a title"),
        (client, "/cities/barcelona/fitness-checks/check/assess/",
         {"barrier": world["barrier"].slug, "domain": "energy", "rating": "neutral"},
         {"barrier": world["barrier"].slug, "domain": "energy", "rating": "neutral",
          "reason": "Neutral"}, "Give the reason"),
        (client, "/cities/barcelona/one-stop-shops/shop/procedure/",
         {"name": "Permit", "authority": "City", "days_before": "ten", "days_after": "1"},
         {"name": "Permit", "authority": "City", "days_before": "40", "days_after": "10"},
         "A whole number of days"),
        (client, "/cities/barcelona/project-bundles/new/",
         {"title": "B", "actions": [world["actions"][0].pk]},
         {"title": "B", "actions": [a.pk for a in world["actions"]]}, "at least two"),
        (zone_client, "/cities/squareville/innovation-zones/zone/phase/", {"to": "rollout"},
         {"to": "setup"}, "one phase forward"),
        (zone_client, "/cities/squareville/innovation-zones/zone/rule/",
         {"kind": "new", "description": ""}, {"kind": "new", "description": "Shared streets"},
         "Describe the rule"),
        (zone_client, "/cities/squareville/innovation-zones/zone/rollout/",
         {"city": "squareville", "area_codes": "Z"},
         {"city": "squareville", "area_codes": "B", "done_on": "2022-01-01"},
         "No such area"),
        (zone_client, "/cities/squareville/innovation-zones/zone/observation/",
         {"indicator": "zone-no2", "date": "2022-01-01", "value": "x"},
         {"indicator": "zone-no2", "date": "2022-01-01", "value": "3"}, "Not a number"),
    ]
    for c, url, bad, good, message in cases:
        r = c.post(url, bad)
        assert r.status_code == 400 and message in r.content.decode(), (url, r.status_code)
        r = c.post(url, good)
        assert r.status_code == 302, (url, r.content.decode()[-2000:])
    assert Commitment.objects.filter(slug="plan").exists()
    assert RoadmapPhase.objects.get().status == "done"
    assert Procedure.objects.get().days_saved == 30
    assert ProjectBundle.objects.count() == 1 and ZoneRule.objects.count() == 1
    assert Rollout.objects.count() == 1 and ZoneObservation.objects.get().value == 3
    for url in ("/cities/barcelona/policy/", "/cities/squareville/innovation-zones/zone/",
                "/cities/barcelona/commitments/declaration/"):
        assert client_for(None).get(url).status_code == 200
