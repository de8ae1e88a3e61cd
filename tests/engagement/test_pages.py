"""Pages: what anonymous visitors, participants and moderators see and may do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from urbis.engagement import services
from urbis.engagement.models import Comment, Idea, IdeaStatus, Vote


def test_public_pages_render(process: Any, idea: Idea, client_for: Callable[..., Client]) -> None:
    client = Client()
    city_page = client.get("/cities/barcelona/engagement/")
    assert city_page.status_code == 200 and process.title in city_page.content.decode()
    listing = client.get(
        f"/cities/barcelona/engagement/p/{process.slug}/?sort=fair&category=energy"
    )
    assert listing.status_code == 200 and idea.title in listing.content.decode()
    page = client.get(f"/cities/barcelona/ideas/{idea.pk}/")
    assert page.status_code == 200
    assert "Log in to support this idea" in page.content.decode()
    geojson = client.get(f"/cities/barcelona/engagement/p/{process.slug}/ideas.geojson")
    assert geojson.json()["type"] == "FeatureCollection"


def test_city_page_links_to_engagement(barcelona: Any) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from urbis.web.sections import city_links

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    links = city_links(request, barcelona)
    assert "/cities/barcelona/engagement/" in [link["url"] for link in links]


def test_area_page_lists_its_ideas(idea: Idea, barcelona: Any) -> None:
    from django.test import RequestFactory

    from urbis.engagement.navigation import area_sections
    from urbis.places.models import Area

    area = Area.objects.get(city=barcelona, code="B05")
    Idea.objects.filter(pk=idea.pk).update(area=area)
    assert area_sections(RequestFactory().get("/"), area)[0]["area_ideas"] == [idea]
    district = area.parent
    assert area_sections(RequestFactory().get("/"), district)[0]["area_ideas"] == [idea]


def test_idea_in_another_city_is_404(idea: Idea) -> None:
    assert Client().get(f"/cities/paris/ideas/{idea.pk}/").status_code == 404


def test_submit_form_needs_login_and_stores_the_idea(
    process: Any, make_user: Callable[..., Any], client_for: Callable[..., Client]
) -> None:
    url = f"/cities/barcelona/engagement/p/{process.slug}/new/"
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client = client_for(make_user())
    assert client.get(url).status_code == 200
    bad = client.post(url, {"title": "x", "kind": "proposal", "category": "energy", "body": "y"})
    assert bad.status_code == 200 and Idea.objects.count() == 0
    good = client.post(url, {"title": "Bike lanes on Gran Via", "kind": "proposal",
                             "category": "mobility",
                             "body": "A protected bike lane on both sides of Gran Via.",
                             "latitude": "41.39", "longitude": "2.17"})
    assert good.status_code == 302
    assert Idea.objects.get().latitude == 41.39


def test_vote_through_the_page(idea: Idea, make_user: Callable[..., Any],
                               client_for: Callable[..., Client]) -> None:
    url = f"/cities/barcelona/ideas/{idea.pk}/vote/"
    anonymous = Client().post(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client = client_for(make_user())
    client.post(url)
    client.post(url)  # a second click is refused, not counted
    assert Vote.objects.filter(idea=idea).count() == 1
    client.post(url, {"withdraw": "1"})
    assert Vote.objects.filter(idea=idea).count() == 0


@pytest.mark.parametrize("op", ["status", "merge", "hide", "dismiss", "hide_comment", "answer"])
def test_moderation_forms_refuse_members(
    op: str, idea: Idea, make_user: Callable[..., Any], client_for: Callable[..., Client],
    barcelona: Any,
) -> None:
    comment = services.add_comment(by=make_user(), idea=idea, body="A comment")
    client = client_for(make_user("member", barcelona))
    response = client.post(f"/cities/barcelona/ideas/{idea.pk}/moderate/", {
        "op": op, "status": "accepted", "into": idea.pk, "reason": "Because", "text":
        "An official answer text", "comment": comment.pk,
    })
    assert response.status_code == 403
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.NEW and not idea.is_hidden and not idea.official_answer
    assert not Comment.objects.get(pk=comment.pk).is_hidden


def test_moderator_uses_the_forms(idea: Idea, make_user: Callable[..., Any],
                                  client_for: Callable[..., Client], barcelona: Any) -> None:
    client = client_for(make_user("moderator", barcelona))
    url = f"/cities/barcelona/ideas/{idea.pk}/moderate/"
    client.post(url, {"op": "status", "status": "accepted"})
    client.post(url, {"op": "answer", "text": "We will put it in the 2027 plan."})
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.ACCEPTED and idea.answered_at is not None
    page = client.get(f"/cities/barcelona/ideas/{idea.pk}/").content.decode()
    assert "New → Accepted" in page and "Curation" in page


def test_moderation_queue_refusals(make_user: Callable[..., Any],
                                   client_for: Callable[..., Client], barcelona: Any) -> None:
    url = "/cities/barcelona/engagement/moderation/"
    assert Client().get(url).status_code == 302
    assert client_for(make_user("member", barcelona)).get(url).status_code == 403
    assert client_for(make_user("editor", barcelona)).get(url).status_code == 403
    assert client_for(make_user("moderator", barcelona)).get(url).status_code == 200


def test_comment_reply_and_report(idea: Idea, make_user: Callable[..., Any],
                                  client_for: Callable[..., Client]) -> None:
    client = client_for(make_user())
    url = f"/cities/barcelona/ideas/{idea.pk}/comment/"
    client.post(url, {"body": "Good idea"})
    parent = Comment.objects.get()
    client.post(url, {"body": "Agreed", "parent": parent.pk})
    assert Comment.objects.get(body="Agreed").parent == parent
    client.post(f"/cities/barcelona/ideas/{idea.pk}/report/", {"comment": parent.pk,
                                                               "reason": "Off topic"})
    assert parent.reports.count() == 1
    assert Client().post(url, {"body": "anonymous"}).status_code == 302


def test_notifications_page(idea: Idea, make_user: Callable[..., Any],
                            client_for: Callable[..., Client], barcelona: Any) -> None:
    assert idea.author is not None
    services.add_comment(by=make_user(), idea=idea, body="I like this")
    page = client_for(idea.author).get("/notifications/").content.decode()
    assert "New comment on" in page
    assert Client().get("/notifications/").status_code == 302


def test_idea_list_is_paginated(process: Any, make_user: Callable[..., Any]) -> None:
    user = make_user()
    Idea.objects.bulk_create([
        Idea(process=process, title=f"Idea number {n}", body="A body", body_html="<p>A body</p>",
             category="energy", author=user)
        for n in range(35)
    ])
    first = Client().get(f"/cities/barcelona/engagement/p/{process.slug}/?sort=newest")
    body = first.content.decode()
    assert "35 ideas" in body and "Page 1 of 2" in body and body.count('class="idea-card') == 30
    second = Client().get(f"/cities/barcelona/engagement/p/{process.slug}/?sort=newest&page=2")
    assert second.content.decode().count('class="idea-card') == 5


@pytest.mark.parametrize("page", ["new-process", "new-workshop", "new-study"])
def test_creation_pages_need_an_editor(page: str, make_user: Callable[..., Any],
                                       client_for: Callable[..., Client],
                                       barcelona: Any) -> None:
    url = f"/cities/barcelona/engagement/{page}/"
    assert Client().get(url).status_code == 302
    assert client_for(make_user("moderator", barcelona)).get(url).status_code == 403
    assert client_for(make_user("member", barcelona)).post(url, {}).status_code == 403
    assert client_for(make_user("editor", barcelona)).get(url).status_code == 200


def test_editor_opens_a_process_workshop_and_study(
    make_user: Callable[..., Any], client_for: Callable[..., Client], barcelona: Any
) -> None:
    from urbis.engagement.models import Process, Study, Workshop

    client = client_for(make_user("editor", barcelona))
    bad = client.post("/cities/barcelona/engagement/new-process/", {
        "title": "Pressupostos 2027", "slug": "pressupostos-2027",
        "collecting_starts": "2027-01-01T00:00", "collecting_ends": "2026-12-01T00:00",
        "voting_starts": "2027-01-10T00:00", "voting_ends": "2027-02-01T00:00",
        "closes": "2027-05-01T00:00",
    })
    assert bad.status_code == 200 and not Process.objects.filter(slug="pressupostos-2027")
    good = client.post("/cities/barcelona/engagement/new-process/", {
        "title": "Pressupostos 2027", "slug": "pressupostos-2027",
        "collecting_starts": "2027-01-01T00:00", "collecting_ends": "2027-02-01T00:00",
        "voting_starts": "2027-01-10T00:00", "voting_ends": "2027-03-01T00:00",
        "closes": "2027-05-01T00:00", "vote_cap": "3",
    })
    assert good.status_code == 302
    assert Process.objects.get(slug="pressupostos-2027").vote_cap == 3
    client.post("/cities/barcelona/engagement/new-workshop/", {
        "process": "pressupostos-2027", "title": "Taller de propostes",
        "starts_at": "2027-01-15T17:00", "ends_at": "2027-01-15T19:00", "capacity": "25",
        "place": "Biblioteca Sant Antoni",
    })
    assert Workshop.objects.get(title="Taller de propostes").capacity == 25
    client.post("/cities/barcelona/engagement/new-study/", {
        "kind": "usability", "title": "Prova del formulari", "opens": "2027-01-01T00:00",
        "closes": "2027-02-01T00:00", "tasks": "Find the form\nSubmit an idea\n",
    })
    assert Study.objects.get(title="Prova del formulari").tasks.count() == 2


def test_vote_from_the_list_returns_to_the_list(
    process: Any, idea: Idea, make_user: Callable[..., Any], client_for: Callable[..., Client]
) -> None:
    client = client_for(make_user())
    listing = f"/cities/barcelona/engagement/p/{process.slug}/?sort=fair"
    assert "Support Solar roofs" in client.get(listing).content.decode()
    response = client.post(f"/cities/barcelona/ideas/{idea.pk}/vote/", {"next": listing})
    assert response["Location"] == listing
    assert "Withdraw my vote for Solar roofs" in client.get(listing).content.decode()
    elsewhere = client.post(f"/cities/barcelona/ideas/{idea.pk}/vote/",
                            {"next": "https://evil.example/", "withdraw": "1"})
    assert elsewhere["Location"] == f"/cities/barcelona/ideas/{idea.pk}/"


def test_author_edits_until_the_first_vote(
    idea: Idea, make_user: Callable[..., Any], client_for: Callable[..., Client]
) -> None:
    url = f"/cities/barcelona/ideas/{idea.pk}/edit/"
    assert client_for(make_user()).get(url).status_code == 403
    assert Client().get(url).status_code == 302
    assert idea.author is not None
    author = client_for(idea.author)
    data = {"title": "Solar roofs on all schools", "category": "energy",
            "body": "Photovoltaic panels on the roofs of every public school."}
    assert author.post(url, data).status_code == 302
    idea.refresh_from_db()
    assert idea.title == "Solar roofs on all schools"
    services.cast_vote(by=make_user(), idea=idea)
    refused = author.post(url, {**data, "title": "Something else entirely"})
    assert refused.status_code == 200 and "has no votes" in refused.content.decode()
    idea.refresh_from_db()
    assert idea.title == "Solar roofs on all schools"
