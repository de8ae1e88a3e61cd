"""The vote path's look-ups compiled once (urbis.prepared, issue 16): they must give exactly what
the ORM's queryset gives, on SQLite and PostgreSQL, while running only the SQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from urbis.engagement import queries
from urbis.engagement.models import Idea
from urbis.people import services as people
from urbis.people.models import ApiToken
from urbis.prepared import PreparedLookup


def _orm(pk: int) -> QuerySet[Idea]:
    return Idea.objects.select_related("process__city").defer("process__city__boundary").filter(
        pk=pk
    )


def _fields(obj: Any) -> dict[str, Any]:
    deferred = obj.get_deferred_fields()
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname not in deferred
    }


def test_the_prepared_idea_equals_the_querysets(idea: Idea) -> None:
    lookup: PreparedLookup[Idea] = PreparedLookup(_orm, marker=-5)
    expected = _orm(idea.pk).get()
    for _ in range(2):  # compiled on the first call, reused on the second
        got = lookup.get(idea.pk)
        assert got is not None and type(got) is Idea
        assert _fields(got) == _fields(expected)
        # the related objects are loaded with it, with the same deferred boundary
        with CaptureQueriesContext(connection) as ctx:
            process, city = got.process, got.process.city
        assert len(ctx.captured_queries) == 0
        assert _fields(process) == _fields(expected.process)
        assert _fields(city) == _fields(expected.process.city)
        assert city.get_deferred_fields() == {"boundary"}
        assert got._state.db == "default" and not got._state.adding


def test_a_prepared_lookup_is_one_statement_after_the_first(idea: Idea) -> None:
    lookup: PreparedLookup[Idea] = PreparedLookup(_orm, marker=-5)
    lookup.get(idea.pk)
    with CaptureQueriesContext(connection) as ctx:
        assert lookup.get(idea.pk) is not None
        assert lookup.get(idea.pk + 1000) is None
    assert len(ctx.captured_queries) == 2


def test_a_prepared_lookup_refuses_a_key_of_another_type_and_answers_none_out_of_range(
    idea: Idea,
) -> None:
    lookup: PreparedLookup[Idea] = PreparedLookup(_orm, marker=-5)
    with pytest.raises(TypeError, match="not a int"):
        lookup.get(str(idea.pk))
    with CaptureQueriesContext(connection) as ctx:
        assert lookup.get(2**64) is None  # the ORM answers no rows too
    assert len(ctx.captured_queries) == 0
    assert not _orm(2**64).exists()


def test_a_marker_the_query_does_not_use_is_refused(db: Any) -> None:
    lookup: PreparedLookup[Idea] = PreparedLookup(lambda _key: Idea.objects.filter(pk=1), marker=-5)
    with pytest.raises(TypeError, match="not among the parameters"):
        lookup.get(3)


def test_the_vote_look_up_keeps_converted_values(idea: Idea) -> None:
    """Dates and booleans come back as the ORM converts them (SQLite stores them as text and
    integers), through the product's own look-up."""
    got = queries.get_idea_to_vote_on(idea.pk)
    assert got.created_at == Idea.objects.get(pk=idea.pk).created_at
    assert got.created_at.tzinfo is not None
    assert got.is_hidden is False and got.process.is_published is True


def test_the_token_look_up_gives_the_account(make_user: Callable[..., Any]) -> None:
    user = make_user()
    token = people.issue_api_token(user=user, label="t")
    found = people.user_for_token(token)
    assert found == user and _fields(found) == _fields(type(user).objects.get(pk=user.pk))
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert people.user_for_token(token) is None
    type(user).objects.filter(pk=user.pk).update(is_active=True)
    ApiToken.objects.filter(user=user).update(revoked_at="2026-01-01T00:00:00Z")
    assert people.user_for_token(token) is None
