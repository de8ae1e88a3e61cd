"""PPP and citizen-driven are derived from the data (a private partner under a PPP agreement; an
accepted citizen idea linked to the action); the city's hand-set flag is only an override, and
pages, API, filters and the network figures say which it is."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from urbis.engagement import links
from urbis.engagement import services as engagement
from urbis.engagement.models import Idea
from urbis.people import services as people
from urbis.people.models import Organisation
from urbis.places.models import City
from urbis.strategy import queries, services
from urbis.strategy.models import Action, ActionPartner, Strategy
from urbis.strategy.queries import flags

API = "/api/v1/cities/barcelona/strategies/climate/actions"
PAGE = "/cities/barcelona/strategy/climate/actions/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(barcelona: City) -> Organisation:
    return people.upsert_organisation(name="Solar Coop SL", slug="t-solar-coop",
                                      kind="business", city=barcelona)


@pytest.fixture
def plain(strategy: Strategy) -> Action:
    return services.save_action(by=None, strategy=strategy, title="Street trees")


@pytest.fixture
def moderator(make_user: Callable[..., Any], barcelona: City) -> Any:
    return make_user("moderator", barcelona)


def _idea(barcelona: City, make_user: Callable[..., Any], title: str = "Trees on my street",
          **process: Any) -> Idea:
    now = timezone.now()
    the_process = engagement.create_process(
        by=None, city=barcelona, slug=f"p-{Idea.objects.count()}", title="Barris",
        collecting_starts=now - dt.timedelta(days=1), collecting_ends=now + dt.timedelta(days=9),
        voting_starts=now, voting_ends=now + dt.timedelta(days=9),
        closes=now + dt.timedelta(days=20), **process)
    return engagement.submit_idea(by=make_user(), process=the_process, title=title,
                                  body="Plant trees along the whole street, both sides.",
                                  category="energy")


def _accept_and_link(idea: Idea, action: Action, moderator: Any) -> None:
    engagement.set_status(by=moderator, idea=idea, status="accepted")
    links.link_action(by=moderator, idea=idea, action_id=action.pk)


def test_statuses_are_those_engagement_lets_a_city_link() -> None:
    assert set(flags.CITIZEN_IDEA_STATUSES) == {str(s) for s in links.LINKABLE}


def test_citizen_driven_is_derived_from_an_accepted_linked_idea(
    plain: Action, barcelona: City, make_user: Callable[..., Any], moderator: Any,
) -> None:
    before = queries.action_flags(plain)["citizen_driven"]
    assert (before["value"], before["source"]) == (False, "derived")
    assert "No accepted citizen idea" in before["basis"]

    idea = _idea(barcelona, make_user)
    _accept_and_link(idea, plain, moderator)
    after = queries.action_flags(plain)["citizen_driven"]
    assert (after["value"], after["source"]) == (True, "derived")
    assert "“Trees on my street”" in after["basis"] and after["ideas"] == [idea]
    assert queries.with_flags(Action.objects.filter(pk=plain.pk)).get().citizen_driven is True

    # Rejected after it was linked: the action is no longer citizen-driven.
    engagement.set_status(by=moderator, idea=idea, status="rejected",
                          reason="Not possible under the pavement here.")
    assert queries.action_flags(plain)["citizen_driven"]["value"] is False
    assert queries.with_flags(Action.objects.filter(pk=plain.pk)).get().citizen_driven is False


def test_a_hidden_or_unaccepted_idea_does_not_make_it_citizen_driven(
    plain: Action, barcelona: City, make_user: Callable[..., Any], moderator: Any,
) -> None:
    new = _idea(barcelona, make_user, title="Not yet reviewed")
    new.actions.add(plain)  # linked, but never accepted
    hidden = _idea(barcelona, make_user, title="Hidden by moderation")
    _accept_and_link(hidden, plain, moderator)
    Idea.objects.filter(pk=hidden.pk).update(is_hidden=True)
    assert queries.action_flags(plain)["citizen_driven"]["value"] is False


def test_ppp_is_derived_from_a_private_partner_under_an_agreement(
    strategy: Strategy, company: Organisation, departments: list[Organisation],
) -> None:
    partner_only = services.save_action(by=None, strategy=strategy, title="Plain partner",
                                        partners=[company, departments[1]])
    assert queries.action_flags(partner_only)["ppp"]["value"] is False
    ppp = services.save_action(
        by=None, strategy=strategy, title="Solar PPP",
        partners=[departments[1], {"organisation": company, "role": "ppp",
                                   "agreement": "Concession 2024/17"}])
    flag = queries.action_flags(ppp)["ppp"]
    assert (flag["value"], flag["source"]) == (True, "derived")
    assert "Solar Coop SL (Concession 2024/17)" in flag["basis"]
    roles = dict(ActionPartner.objects.filter(action=ppp)
                 .values_list("organisation__slug", "role"))
    assert roles == {"t-solar-coop": "ppp", "t-mobility": "partner"}
    # The role is in the history.
    assert queries.history("action", ppp.pk).filter(
        field="partners", new_value__contains="Solar Coop SL (PPP: Concession 2024/17)").exists()


def test_only_a_private_company_can_be_a_ppp_partner(
    strategy: Strategy, departments: list[Organisation],
) -> None:
    count = Action.objects.count()
    with pytest.raises(ValidationError, match="not a private company"):
        services.save_action(by=None, strategy=strategy, title="Wrong",
                             partners=[{"organisation": departments[0], "role": "ppp"}])
    with pytest.raises(ValidationError, match="unknown role"):
        services.save_action(by=None, strategy=strategy, title="Wrong",
                             partners=[{"organisation": departments[0], "role": "owner"}])
    assert Action.objects.count() == count


def test_a_hand_set_flag_is_an_override_and_says_so(
    strategy: Strategy, company: Organisation, client_for: Callable[..., Any],
) -> None:
    action = services.save_action(
        by=None, strategy=strategy, title="Overridden", is_ppp=False,
        partners=[{"organisation": company, "role": "ppp"}])
    flag = queries.action_flags(action)["ppp"]
    assert (flag["value"], flag["source"], flag["derived"]) == (False, "override", True)
    assert "Set by hand by the city (override). From the data alone: yes." in flag["basis"]
    page = client_for(None).get(PAGE + f"{action.pk}/").content.decode()
    ppp_entry = page.split('id="flag-ppp"', 1)[1].split("</dd>", 1)[0]
    assert "set by hand (override)" in ppp_entry and ">no <" in ppp_entry.replace("\n", " ")
    citizen_entry = page.split('id="flag-citizen_driven"', 1)[1].split("</dd>", 1)[0]
    assert "derived from the data" in citizen_entry
    listing = client_for(None).get(PAGE).content.decode()
    assert "(set by hand)" in listing


def test_api_fields_filters_and_clearing_the_override(
    strategy: Strategy, action: Action, company: Organisation, barcelona: City,
    make_user: Callable[..., Any], moderator: Any, client_for: Callable[..., Any],
) -> None:
    # ``action`` (conftest) was saved with is_ppp=True: an override, not derived.
    anonymous = client_for(None)
    got = anonymous.get(f"{API}/{action.pk}").json()
    assert (got["ppp"], got["ppp_source"], got["is_ppp"]) == (True, "override", True)
    assert "From the data alone: no" in got["ppp_basis"]
    assert (got["citizen_driven"], got["citizen_driven_source"]) == (False, "derived")

    editor = client_for(make_user("editor", barcelona))
    created = editor.post(API, json.dumps({
        "title": "Shared solar", "partners": [
            {"organisation": "t-solar-coop", "role": "ppp", "agreement": "Contract 7"}]}),
        content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["ppp"], body["ppp_source"], body["is_ppp"]) == (True, "derived", None)
    assert body["partnerships"] == [
        {"organisation": "t-solar-coop", "role": "ppp", "agreement": "Contract 7"}]
    assert body["partners"] == ["t-solar-coop"]

    idea = _idea(barcelona, make_user)
    _accept_and_link(idea, Action.objects.get(pk=body["id"]), moderator)
    citizen = [a["title"] for a in anonymous.get(API + "?citizen=true").json()["items"]]
    assert citizen == ["Shared solar"]
    ppp = [a["title"] for a in anonymous.get(API + "?ppp=true").json()["items"]]
    assert ppp == ["Solar roofs", "Shared solar"]
    one = anonymous.get(f"{API}/{body['id']}").json()
    assert one["citizen_driven_source"] == "derived" and one["citizen_driven"] is True
    assert one["citizen_ideas"][0].endswith(idea.get_absolute_url())

    # null clears the override: the value is derived again (no PPP partner: no).
    cleared = editor.patch(f"{API}/{action.pk}", json.dumps({"is_ppp": None}),
                           content_type="application/json")
    assert cleared.status_code == 200, cleared.content
    assert (cleared.json()["ppp"], cleared.json()["ppp_source"]) == (False, "derived")


def test_a_ppp_partner_write_is_refused_without_the_role(
    action: Action, company: Organisation, barcelona: City,
    make_user: Callable[..., Any], client_for: Callable[..., Any],
) -> None:
    for user in (None, make_user("member", barcelona), make_user("moderator", barcelona)):
        response = client_for(user).patch(
            f"{API}/{action.pk}", json.dumps({"partners": [
                {"organisation": "t-solar-coop", "role": "ppp"}]}),
            content_type="application/json")
        assert response.status_code in (401, 403)
    assert not ActionPartner.objects.filter(action=action).exists()


def test_network_figures_count_the_derived_flags(
    strategy: Strategy, plain: Action, company: Organisation, barcelona: City,
    make_user: Callable[..., Any], moderator: Any,
) -> None:
    before = queries.network_figures()
    assert (before["actions_ppp"], before["actions_citizen"]) == (0, 0)
    services.save_action(by=None, strategy=strategy, action=plain,
                         partners=[{"organisation": company, "role": "ppp"}])
    _accept_and_link(_idea(barcelona, make_user), plain, moderator)
    services.save_action(by=None, strategy=strategy, title="Not citizen-driven by decision",
                         is_citizen_driven=False)
    after = queries.network_figures()
    assert (after["actions_total"], after["actions_ppp"], after["actions_citizen"]) == (2, 1, 1)
    (entry,) = after["cities"]
    assert (entry["actions"], entry["ppp"], entry["citizen"]) == (2, 1, 1)


def test_the_action_form_sets_a_ppp_partner_and_an_override(
    action: Action, company: Organisation, departments: list[Organisation], barcelona: City,
    make_user: Callable[..., Any], client_for: Callable[..., Any],
) -> None:
    editor = client_for(make_user("editor", barcelona))
    url = PAGE + f"{action.pk}/edit/"
    form = editor.get(url).content.decode()
    # The override is a three-way choice, now "yes" (conftest set is_ppp=True).
    assert '<option value="yes" selected>' in form
    ppp_select = form.split('name="ppp_partners"', 1)[1].split("</select>", 1)[0]
    assert "Solar Coop SL" in ppp_select and "Energy department" not in ppp_select
    data = {"title": "Solar roofs", "horizon": "medium", "status": "in_progress",
            "currency": "EUR", "partners": [departments[1].pk],
            "ppp_partners": [company.pk], "ppp_agreement": "Concession 2024/17",
            "is_ppp": "", "is_citizen_driven": "no"}
    response = editor.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    action.refresh_from_db()
    assert (action.is_ppp, action.is_citizen_driven) == (None, False)
    got = queries.action_flags(action)
    assert (got["ppp"]["value"], got["ppp"]["source"]) == (True, "derived")
    assert (got["citizen_driven"]["value"], got["citizen_driven"]["source"]) == (
        False, "override")
    assert set(ActionPartner.objects.filter(action=action).values_list(
        "organisation__slug", "role", "agreement")) == {
        ("t-solar-coop", "ppp", "Concession 2024/17"), ("t-mobility", "partner", "")}
    # A department offered as a PPP partner is refused by the form, nothing changes.
    data["ppp_partners"] = [departments[0].pk]
    assert editor.post(url, data).status_code == 200
    assert ActionPartner.objects.filter(action=action, role="ppp").count() == 1
    # Without the role the form is refused.
    member = client_for(make_user("member", barcelona))
    assert member.post(url, data).status_code == 403
