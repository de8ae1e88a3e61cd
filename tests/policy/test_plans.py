"""Commitments and roadmaps, the funding plan rolled up from strategy actions, involvement,
fitness checks, one-stop shops and the network figure series."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from urbis.places.models import City
from urbis.policy import queries, services
from urbis.policy.models import Assessment, Commitment, FigurePoint, Procedure
from urbis.strategy.models import Action, FundingSource, Strategy

from .conftest import BARRIER, role_user

pytestmark = pytest.mark.django_db


def _commitment(city: City, **extra: Any) -> Commitment:
    fields = {"title": "Climate emergency declaration", "adopted_on": dt.date(2020, 1, 15),
              "body": "City council", "priorities": ["5.2.1"]}
    return services.save_commitment(by=None, city=city, operator=True, **{**fields, **extra})


def test_commitment_refuses_unknown_priorities_and_bad_links(barcelona: City) -> None:
    with pytest.raises(ValidationError) as err:
        _commitment(barcelona, priorities=["9.9.9"], document_url="not a link", body="")
    assert {"priorities", "document_url", "body"} <= set(err.value.message_dict)
    assert Commitment.objects.count() == 0
    c = _commitment(barcelona)
    with pytest.raises(ValidationError):
        services.set_phase(by=None, commitment=c, step="vision",
                           starts_on=dt.date(2021, 1, 1), ends_on=dt.date(2020, 1, 1),
                           operator=True)
    assert not c.phases.exists()


def test_funding_plan_by_year_and_source_with_gap(barcelona: City) -> None:
    s = Strategy.objects.create(city=barcelona, slug="s", title="S", start_year=2020,
                                end_year=2030, is_published=True)
    a = Action.objects.create(strategy=s, title="Two-year action", budget=Decimal("1000"),
                              start_date=dt.date(2021, 3, 1), end_date=dt.date(2022, 6, 30))
    FundingSource.objects.create(action=a, kind="eu_fund", amount=Decimal("600"))
    b = Action.objects.create(strategy=s, title="One year", budget=Decimal("300"),
                              start_date=dt.date(2022, 1, 1), end_date=dt.date(2022, 12, 31))
    FundingSource.objects.create(action=b, kind="own_budget", amount=Decimal("300"))
    Action.objects.create(strategy=s, title="Undated", budget=Decimal("50"))
    plan = queries.funding_plan(barcelona)
    rows = {r["year"]: r for r in plan["rows"]}
    assert rows[2021]["budgeted"] == Decimal("500") and rows[2021]["secured"] == Decimal("300")
    assert rows[2022]["budgeted"] == Decimal("800") and rows[2022]["gap"] == Decimal("200")
    assert [s["kind"] for s in plan["sources"]] == ["eu_fund", "own_budget"]
    assert rows[2022]["by_source"] == [Decimal("300"), Decimal("300")]
    assert plan["totals"]["gap"] == Decimal("400")
    assert [x.title for x in plan["undated"]] == ["Undated"]


def test_stakeholder_figure_needs_a_qualifying_strategy_and_an_outside_organisation(
        barcelona: City, org: Any) -> None:
    from urbis.people.models import Organisation

    s = Strategy.objects.create(city=barcelona, slug="s", title="S", start_year=2020,
                                end_year=2040, is_published=True, adopted_on=dt.date(2020, 1, 1))
    from urbis.strategy.models import Indicator, Target

    ind = Indicator.objects.create(code="t-ind", name="x", unit="t", direction="down",
                                   theme="energy")
    t = Target.objects.create(strategy=s, title="t", indicator=ind, target_year=2030,
                              target_value=1)
    for n in range(2):
        t.departments.add(Organisation.objects.create(
            name=f"Dept {n}", slug=f"dept-{n}", kind="city_department", city=barcelona))
    c = _commitment(barcelona, strategy=s)
    dept = Organisation.objects.get(slug="dept-0")
    services.record_involvement(by=None, commitment=c, step="strategy", organisation=dept,
                                how="co_decided", operator=True)
    points = {p.figure: p.value for p in FigurePoint.objects.all()}
    assert points["cities_long_term_strategy"] == 1
    assert points["cities_strategy_and_stakeholders"] == 0
    services.record_involvement(by=None, commitment=c, step="strategy", organisation=org,
                                how="consulted", operator=True)
    points = {p.figure: p.value for p in FigurePoint.objects.all()}
    assert points["cities_strategy_and_stakeholders"] == 1


def test_fitness_check_and_comparison_of_shared_rules(barcelona: City, paris: City) -> None:
    rule = services.raise_barrier(by=None, city=barcelona, operator=True,
                                  **{**BARRIER, "level": "eu", "jurisdiction": "EU",
                                     "legal_reference": "Directive (EU) 2018/2001"})
    checks = {}
    for city in (barcelona, paris):
        checks[city.code] = services.save_fitness_check(
            by=None, city=city, title="Check", carried_out_on=dt.date(2024, 1, 1),
            operator=True)
    with pytest.raises(ValidationError) as err:
        services.assess(by=None, check=checks["paris"], barrier=rule, domain="energy",
                        rating="great", reason="", operator=True)
    assert {"rating", "reason"} <= set(err.value.message_dict)
    services.assess(by=None, check=checks["barcelona"], barrier=rule, domain="energy",
                    rating="hindering", reason="r", operator=True)
    services.assess(by=None, check=checks["paris"], barrier=rule, domain="energy",
                    rating="fostering", reason="r", operator=True)
    assert [(a.fitness_check.city.code, a.rating) for a in queries.compare_rule(rule)] == [
        ("barcelona", "hindering"), ("paris", "fostering")]
    summary = queries.check_summary(checks["barcelona"])
    assert summary["domains"] == [{"domain": "Energy", "fostering": 0, "neutral": 0,
                                   "hindering": 1}]
    city_rule = services.raise_barrier(by=None, city=barcelona, operator=True,
                                       **{**BARRIER, "level": "city", "jurisdiction": "BCN",
                                          "legal_reference": "Ordenança X"})
    with pytest.raises(ValidationError):
        services.assess(by=None, check=checks["paris"], barrier=city_rule, domain="energy",
                        rating="neutral", reason="r", operator=True)
    assert Assessment.objects.count() == 2


def test_one_stop_shop_median_days_saved(barcelona: City) -> None:
    shop = services.save_shop(by=None, city=barcelona, name="Shop", operator=True)
    for name, before, after in (("a", 90, 30), ("b", 60, 50), ("c", 30, 10)):
        services.add_procedure(by=None, shop=shop, name=name, authority="x",
                               days_before=before, days_after=after, operator=True)
    with pytest.raises(ValidationError):
        services.add_procedure(by=None, shop=shop, name="d", authority="x", days_before=-3,
                               days_after="ten", operator=True)
    assert Procedure.objects.count() == 3
    assert queries.median_days_saved(shop.procedures.all()) == 20
    assert FigurePoint.objects.get(figure="median_days_saved").value == 20


def test_series_today_changes_today_and_history_is_immutable(barcelona: City) -> None:
    yesterday = dt.date.today() - dt.timedelta(days=1)
    services.snapshot(yesterday)
    old = {p.figure: (p.value, p.computed_at) for p in FigurePoint.objects.filter(
        date=yesterday)}
    assert old["median_days_saved"][0] is None
    shop = services.save_shop(by=None, city=barcelona, name="Shop", operator=True)
    services.add_procedure(by=None, shop=shop, name="a", authority="x", days_before=40,
                           days_after=10, operator=True)
    today = {p.figure: p.value for p in FigurePoint.objects.filter(date=dt.date.today())}
    assert today["median_days_saved"] == 30
    assert old == {p.figure: (p.value, p.computed_at)
                   for p in FigurePoint.objects.filter(date=yesterday)}
    with pytest.raises(ValidationError, match="immutable"):
        services.snapshot(yesterday - dt.timedelta(days=1))
    series = {s["code"]: s for s in queries.figure_series()}
    assert [p["value"] for p in series["median_days_saved"]["points"]] == [None, 30]


@pytest.mark.parametrize("role", [None, "member", "moderator"])
def test_plan_writes_refused_without_the_role(barcelona: City, org: Any, make_user: Any,
                                              client_for: Any, role: str | None) -> None:
    user = role_user(make_user, barcelona, role)
    c = _commitment(barcelona)
    check = services.save_fitness_check(by=None, city=barcelona, title="C",
                                        carried_out_on=dt.date(2024, 1, 1), operator=True)
    shop = services.save_shop(by=None, city=barcelona, name="Shop", operator=True)
    rule = services.raise_barrier(by=None, city=barcelona, operator=True, **BARRIER)
    calls = [
        lambda: services.save_commitment(by=user, city=barcelona, title="x", body="b",
                                         adopted_on=dt.date(2020, 1, 1)),
        lambda: services.set_phase(by=user, commitment=c, step="vision"),
        lambda: services.record_involvement(by=user, commitment=c, step="vision",
                                            organisation=org, how="consulted"),
        lambda: services.save_fitness_check(by=user, city=barcelona, title="x",
                                            carried_out_on=dt.date(2024, 1, 1)),
        lambda: services.assess(by=user, check=check, barrier=rule, domain="energy",
                                rating="neutral", reason="r"),
        lambda: services.save_shop(by=user, city=barcelona, name="x"),
        lambda: services.add_procedure(by=user, shop=shop, name="x", authority="y",
                                       days_before=1, days_after=0),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    client = client_for(user)
    expected = {401, 403} if user is None else {403}
    for url, body in (
        ("/api/v1/cities/barcelona/commitments", {"title": "x", "body": "b",
                                                  "adopted_on": "2020-01-01"}),
        (f"/api/v1/cities/barcelona/fitness-checks/{check.slug}/assessments",
         {"barrier": rule.slug, "domain": "energy", "rating": "neutral", "reason": "r"}),
        (f"/api/v1/cities/barcelona/one-stop-shops/{shop.slug}/procedures",
         {"name": "x", "authority": "y", "days_before": 3, "days_after": 1}),
    ):
        assert client.post(url, body, content_type="application/json").status_code in expected
    assert Commitment.objects.count() == 1 and not c.phases.exists()
    assert Assessment.objects.count() == 0 and Procedure.objects.count() == 0


def test_snapshot_command_writes_today_once(barcelona: City) -> None:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("policy", "snapshot", stdout=out)
    call_command("policy", "snapshot", stdout=out)
    today = dt.date.today()
    assert FigurePoint.objects.filter(date=today).count() == len(queries.FIGURES)
    assert f"{today} zones_installed: 0" in out.getvalue()


def test_figure_points_are_dated_by_the_platform_not_the_requests_city(db: Any) -> None:
    """A write for a city whose clock is already in tomorrow, then one for a city still in
    today, date their points alike (one day, the platform's), so the second is not refused
    as rewriting history."""
    import zoneinfo

    from django.utils import timezone

    from urbis.policy import services as policy_services

    with timezone.override(zoneinfo.ZoneInfo("Pacific/Kiritimati")):  # UTC+14
        first = {p.date for p in policy_services.snapshot()}
    with timezone.override(zoneinfo.ZoneInfo("Pacific/Pago_Pago")):  # UTC-11
        second = {p.date for p in policy_services.snapshot()}
    assert first == second == {timezone.localdate(timezone=timezone.get_default_timezone())}
