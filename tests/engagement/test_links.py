"""Ideas linked to the strategy's actions: what became of an idea, from both sides."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, RequestFactory

from urbis.engagement import links, navigation, services
from urbis.engagement.models import Idea, IdeaStatus


@pytest.fixture
def action(barcelona: Any) -> Any:
    from urbis.strategy.models import Action, Strategy

    strategy = Strategy.objects.create(
        city=barcelona, slug="clima-2030", title="Pla Clima 2030", start_year=2018,
        end_year=2030,
    )
    action = Action.objects.create(strategy=strategy, title="Solar on public buildings")
    target = strategy.targets.create(title="-50 % greenhouse gas emissions by 2030")
    action.targets.add(target)
    return action


def test_only_accepted_ideas_are_linked(idea: Idea, action: Any, make_user: Callable[..., Any],
                                        barcelona: Any) -> None:
    moderator = make_user("moderator", barcelona)
    with pytest.raises(PermissionDenied):
        links.link_action(by=make_user("member", barcelona), idea=idea, action_id=action.pk)
    with pytest.raises(ValidationError, match="Accept the idea first"):
        links.link_action(by=moderator, idea=idea, action_id=action.pk)
    services.set_status(by=moderator, idea=idea, status=IdeaStatus.ACCEPTED)
    links.link_action(by=moderator, idea=idea, action_id=action.pk)
    assert list(idea.actions.all()) == [action]
    assert idea.history.filter(kind="link").exists()


def test_action_in_another_city_refused(idea: Idea, make_user: Callable[..., Any],
                                        paris: Any, barcelona: Any) -> None:
    from urbis.strategy.models import Action, Strategy

    strategy = Strategy.objects.create(city=paris, slug="plan-climat", title="Plan Climat",
                                       start_year=2018, end_year=2050)
    foreign = Action.objects.create(strategy=strategy, title="Rénovation des écoles")
    moderator = make_user("moderator", barcelona)
    services.set_status(by=moderator, idea=idea, status=IdeaStatus.ACCEPTED)
    with pytest.raises(ValidationError, match="No action"):
        links.link_action(by=moderator, idea=idea, action_id=foreign.pk)


def test_both_pages_show_the_link(idea: Idea, action: Any, make_user: Callable[..., Any],
                                  barcelona: Any) -> None:
    moderator = make_user("moderator", barcelona)
    services.set_status(by=moderator, idea=idea, status=IdeaStatus.IMPLEMENTED)
    Client().get("/")  # warm up URL resolvers
    client = Client()
    client.force_login(moderator, backend="urbis.people.backends.EmailBackend")
    client.post(f"/cities/barcelona/ideas/{idea.pk}/moderate/",
                {"op": "link", "action": action.pk})
    assert idea.actions.count() == 1
    page = Client().get(f"/cities/barcelona/ideas/{idea.pk}/").content.decode()
    assert "Solar on public buildings" in page
    assert "-50 % greenhouse gas emissions by 2030" in page
    sections = navigation.action_sections(RequestFactory().get("/"), action)
    assert sections[0]["action_ideas"] == [idea]
    # The strategy's own action page renders the section.
    type(action.strategy).objects.filter(pk=action.strategy.pk).update(is_published=True)
    action_page = Client().get(action.get_absolute_url())
    assert action_page.status_code == 200
    assert "ideas behind this action" in action_page.content.decode()
    assert idea.title in action_page.content.decode()


def test_link_through_the_api(idea: Idea, action: Any, make_user: Callable[..., Any],
                              barcelona: Any) -> None:
    import json

    moderator = make_user("moderator", barcelona)
    services.set_status(by=moderator, idea=idea, status=IdeaStatus.ACCEPTED)
    url = f"/api/v1/ideas/{idea.pk}/actions"
    member = Client()
    member.force_login(make_user("member", barcelona),
                       backend="urbis.people.backends.EmailBackend")
    body = json.dumps({"action": action.pk})
    assert member.post(url, body, content_type="application/json").status_code == 403
    client = Client()
    client.force_login(moderator, backend="urbis.people.backends.EmailBackend")
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200 and response.json()["actions"] == [action.pk]
    assert Client().get(f"/api/v1/ideas/{idea.pk}").json()["actions"] == [action.pk]
