"""The shared engagement permission reads: who speaks for the city, who may edit an idea."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser

from urbis.engagement import queries
from urbis.engagement.models import IdeaStatus


def test_editors_and_moderators_speak_for_their_city_only(
    make_user: Callable[..., Any], barcelona: Any, paris: Any
) -> None:
    for role in ("admin", "editor", "moderator"):
        user = make_user(role, barcelona)
        assert queries.speaks_for_city(user, barcelona), role
        assert not queries.speaks_for_city(user, paris), role
    assert not queries.speaks_for_city(make_user("member", barcelona), barcelona)
    assert not queries.speaks_for_city(AnonymousUser(), barcelona)


def test_only_the_author_edits_and_only_a_new_unsupported_shown_idea(
    idea: Any, make_user: Callable[..., Any]
) -> None:
    author = idea.author
    assert queries.may_edit_idea(author, idea)
    assert not queries.may_edit_idea(make_user(), idea)
    assert not queries.may_edit_idea(AnonymousUser(), idea)
    for change in ({"vote_count": 1}, {"status": IdeaStatus.ACCEPTED}, {"is_hidden": True}):
        for name, value in change.items():
            original = getattr(idea, name)
            setattr(idea, name, value)
            assert not queries.may_edit_idea(author, idea), change
            setattr(idea, name, original)
