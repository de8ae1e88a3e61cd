"""GDPR: export everything, delete the account, keep votes counted anonymously."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.test import Client

from urbis.engagement import services
from urbis.engagement.models import Comment, Idea, Registration, Vote
from urbis.people import personal_data
from urbis.people.models import User


def test_export_holds_everything(idea: Idea, make_user: Callable[..., Any]) -> None:
    user = make_user()
    services.cast_vote(by=user, idea=idea)
    services.add_comment(by=user, idea=idea, body="My comment")
    services.follow(by=user, idea=idea)
    services.report(by=user, idea=idea, reason="A reason")
    data = personal_data.export(user)["engagement"]
    assert data["votes"][0]["idea"] == idea.pk
    assert data["comments"][0]["body"] == "My comment"
    assert data["follows"] and data["reports"]


def test_delete_account_keeps_votes_and_anonymises_content(
    idea: Idea, make_idea: Callable[..., Idea], make_user: Callable[..., Any],
    client_for: Callable[..., Client],
) -> None:
    author = idea.author
    assert author is not None
    other = make_user()
    services.cast_vote(by=author, idea=idea)
    services.cast_vote(by=other, idea=idea)
    services.add_comment(by=author, idea=idea, body="Written by the author")
    client = client_for(author)
    assert client.post("/accounts/privacy/delete/", {"password": "wrong"}).status_code == 302
    assert User.objects.filter(pk=author.pk).exists()
    response = client.post("/accounts/privacy/delete/", {"password": "pass-word-123"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=author.pk).exists()
    idea.refresh_from_db()
    assert idea.vote_count == 2 and Vote.objects.filter(idea=idea).count() == 2
    assert idea.author is None and idea.author_label == "Former participant"
    assert Comment.objects.get(body="Written by the author").author is None
    # The anonymised vote is no obstacle to anyone else.
    services.cast_vote(by=make_user(), idea=idea)
    idea.refresh_from_db()
    assert idea.vote_count == 3


def test_deleting_frees_a_workshop_place(process: Any, make_user: Callable[..., Any]) -> None:
    import datetime as dt

    from django.utils import timezone

    workshop = services.create_workshop(
        by=None, process=process, title="Workshop", capacity=1, place="Here",
        starts_at=timezone.now() + dt.timedelta(days=2),
        ends_at=timezone.now() + dt.timedelta(days=2, hours=1),
    )
    first, second = make_user(), make_user()
    services.sign_up(by=first, workshop=workshop)
    services.sign_up(by=second, workshop=workshop)
    personal_data.delete_account(first)
    assert Registration.objects.get(user=second).status == "confirmed"


def test_export_download(make_user: Callable[..., Any], client_for: Callable[..., Client],
                         idea: Idea) -> None:
    assert Client().get("/accounts/privacy/export.json").status_code == 302
    response = client_for(idea.author).get("/accounts/privacy/export.json")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["engagement"]["ideas"][0]["title"] == idea.title
    assert client_for(idea.author).get("/accounts/privacy/").status_code == 200
