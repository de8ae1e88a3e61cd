"""The engagement API under /api/v1/: anonymous reads, authenticated writes, refusals."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from urbis.engagement.models import Idea, Vote
from urbis.people import services as people

IDEA = {"title": "More trees on Carrer de Pujades", "body": "Plant plane trees along the street "
        "to give shade in summer.", "category": "green"}


def post(client: Client, url: str, data: Any = None, **extra: Any) -> Any:
    return client.post(url, json.dumps(data or {}), content_type="application/json", **extra)


def test_anonymous_reads_published_processes_and_ideas(process: Any, idea: Idea) -> None:
    client = Client()
    listed = client.get("/api/v1/cities/barcelona/processes").json()
    assert process.slug in [p["slug"] for p in listed]
    ideas = client.get(f"/api/v1/cities/barcelona/processes/{process.slug}/ideas?sort=fair")
    assert ideas.status_code == 200
    assert ideas.json()["items"][0]["id"] == idea.pk
    assert client.get(f"/api/v1/ideas/{idea.pk}").json()["votes"] == 0


def test_unpublished_process_is_not_found_for_anonymous(make_process: Callable[..., Any]) -> None:
    hidden = make_process(is_published=False)
    response = Client().get(f"/api/v1/cities/barcelona/processes/{hidden.slug}/ideas")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_submit_idea(process: Any, make_user: Callable[..., Any],
                     client_for: Callable[..., Client]) -> None:
    url = f"/api/v1/cities/barcelona/processes/{process.slug}/ideas"
    assert post(Client(), url, IDEA).status_code == 401
    response = post(client_for(make_user()), url, {**IDEA, "area": "B05"})
    assert response.status_code == 201, response.content
    assert response.json()["area"] == "B05"


def test_submit_idea_bad_input_names_the_field(
    process: Any, make_user: Callable[..., Any], client_for: Callable[..., Client]
) -> None:
    url = f"/api/v1/cities/barcelona/processes/{process.slug}/ideas"
    response = post(client_for(make_user()), url, {**IDEA, "category": "x", "area": "ZZ9"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"category", "area"}
    assert Idea.objects.count() == 0


def test_vote_with_a_bearer_token(idea: Idea, make_user: Callable[..., Any]) -> None:
    user = make_user()
    token = people.issue_api_token(user=user, label="test")
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = f"/api/v1/ideas/{idea.pk}/vote"
    assert post(client, url).status_code == 401
    first = post(client, url, **auth)
    assert first.status_code == 201 and first.json()["votes"] == 1
    again = post(client, url, **auth)
    assert again.status_code == 422
    assert "already supported" in again.json()["detail"]
    withdrawn = client.delete(url, **auth)
    assert withdrawn.status_code == 200 and withdrawn.json()["votes"] == 0


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("status", {"status": "accepted"}),
        ("answer", {"text": "We will look at it carefully."}),
        ("hide", {"reason": "Spam", "hidden": True}),
    ],
)
def test_moderation_endpoints_refuse_members(
    path: str, payload: dict[str, Any], idea: Idea, make_user: Callable[..., Any],
    client_for: Callable[..., Client], barcelona: Any,
) -> None:
    response = post(client_for(make_user("member", barcelona)), f"/api/v1/ideas/{idea.pk}/{path}",
                    payload)
    assert response.status_code == 403
    idea.refresh_from_db()
    assert (idea.status, idea.official_answer, idea.is_hidden) == ("new", "", False)


def test_merge_endpoint(idea: Idea, make_idea: Callable[..., Idea],
                        make_user: Callable[..., Any], client_for: Callable[..., Client],
                        barcelona: Any) -> None:
    other = make_idea(title="Solar panels on schools")
    url = f"/api/v1/ideas/{other.pk}/merge"
    assert post(client_for(make_user("editor", barcelona)), url, {"into": idea.pk}).status_code \
        == 403
    response = post(client_for(make_user("moderator", barcelona)), url, {"into": idea.pk})
    assert response.status_code == 200
    history = Client().get(f"/api/v1/ideas/{other.pk}/history").json()
    assert history[0]["kind"] == "merge"


def test_create_process_needs_editor(make_user: Callable[..., Any],
                                     client_for: Callable[..., Client], barcelona: Any) -> None:
    payload = {
        "slug": "pressupostos-2027", "title": "Pressupostos participatius 2027",
        "collecting_starts": "2027-01-01T00:00:00Z", "collecting_ends": "2027-02-01T00:00:00Z",
        "voting_starts": "2027-02-01T00:00:00Z", "voting_ends": "2027-03-01T00:00:00Z",
        "closes": "2027-06-01T00:00:00Z",
    }
    url = "/api/v1/cities/barcelona/processes"
    assert post(client_for(make_user("moderator", barcelona)), url, payload).status_code == 403
    assert post(client_for(make_user("editor", barcelona)), url, payload).status_code == 201
    bad = post(client_for(make_user("editor", barcelona)), url,
               {**payload, "slug": "other", "voting_ends": "2027-01-15T00:00:00Z"})
    assert bad.status_code == 422


def test_vote_rate_limit_answers_429(idea: Idea, make_idea: Callable[..., Idea],
                                     make_user: Callable[..., Any],
                                     client_for: Callable[..., Client], settings: Any) -> None:
    settings.URBIS_RATE_LIMITS = {"vote:user": (2, 600)}
    ideas = [idea] + [make_idea(title=f"Another idea {n}") for n in range(2)]
    client = client_for(make_user())
    codes = [post(client, f"/api/v1/ideas/{i.pk}/vote").status_code for i in ideas]
    assert codes == [201, 201, 429]
    assert Vote.objects.count() == 2
    # The problem's detail is for a person, in the language the request asked for.
    refused = client.post(f"/api/v1/ideas/{ideas[2].pk}/vote", HTTP_ACCEPT_LANGUAGE="de")
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Sie haben das"), refused.json()["detail"]


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    return buffer.getvalue()


def test_multipart_upload_checks_content(process: Any, make_user: Callable[..., Any],
                                         client_for: Callable[..., Client]) -> None:
    url = f"/api/v1/cities/barcelona/processes/{process.slug}/ideas/upload"
    client = client_for(make_user())
    fake = io.BytesIO(b"<script>alert(1)</script>")
    fake.name = "photo.png"
    refused = client.post(url, {**IDEA, "attachments": [fake]})
    assert refused.status_code == 422
    assert "photo.png" in refused.json()["detail"]
    assert Idea.objects.count() == 0
    good = io.BytesIO(_png())
    good.name = "street.png"
    accepted = client.post(url, {**IDEA, "attachments": [good]})
    assert accepted.status_code == 201, accepted.content
    attachment = Idea.objects.get().attachments.get()
    assert attachment.kind == "image" and attachment.file.name.endswith(".png")


def test_city_side_writes_need_editor(process: Any, make_user: Callable[..., Any],
                                      client_for: Callable[..., Client], barcelona: Any) -> None:
    workshop = {"process": process.slug, "title": "Taller de barri", "capacity": 10,
                "place": "Casal", "starts_at": "2030-01-01T10:00:00Z",
                "ends_at": "2030-01-01T12:00:00Z"}
    study = {"kind": "usability", "title": "Map test", "opens": "2030-01-01T00:00:00Z",
             "closes": "2030-02-01T00:00:00Z", "tasks": ["Find your street"]}
    member = client_for(make_user("member", barcelona))
    moderator = client_for(make_user("moderator", barcelona))
    editor = client_for(make_user("editor", barcelona))
    for client in (member, moderator):
        assert post(client, "/api/v1/cities/barcelona/workshops", workshop).status_code == 403
        assert post(client, "/api/v1/cities/barcelona/studies", study).status_code == 403
    assert post(editor, "/api/v1/cities/barcelona/workshops", workshop).status_code == 201
    created = post(editor, "/api/v1/cities/barcelona/studies", study)
    assert created.status_code == 201
    study_id = created.json()["id"]
    url = f"/api/v1/cities/barcelona/studies/{study_id}/documents"
    sketch = io.BytesIO(_png())
    sketch.name = "sketch.png"
    assert member.post(url, {"file": sketch}).status_code == 403
    sketch.seek(0)
    assert editor.post(url, {"file": sketch}).status_code == 201
    bad = io.BytesIO(b"GIF89a not really")
    bad.name = "x.gif"
    assert editor.post(url, {"file": bad}).status_code == 422


def test_edit_idea_only_by_its_author(idea: Idea, make_user: Callable[..., Any],
                                      client_for: Callable[..., Client]) -> None:
    data = json.dumps({"title": "Solar roofs on all schools", "category": "energy",
                       "body": "Photovoltaic panels on the roofs of every public school."})
    url = f"/api/v1/ideas/{idea.pk}"
    assert client_for(make_user()).put(url, data, content_type="application/json"
                                       ).status_code == 403
    response = client_for(idea.author).put(url, data, content_type="application/json")
    assert response.status_code == 200 and response.json()["title"].startswith("Solar roofs on")
