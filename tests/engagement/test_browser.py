"""In Chromium: a participant submits an idea and votes; a moderator curates it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from urbis.engagement.models import Idea, IdeaStatus, Vote


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_submit_an_idea_and_vote(
    process: Any, make_user: Callable[..., Any], login_page: Callable[..., Any],
    live_server: Any,
) -> None:
    author = make_user()
    page = login_page(author)
    page.goto(f"{live_server.url}/cities/barcelona/engagement/p/{process.slug}/")
    page.get_by_role("link", name="Propose an idea").click()
    page.get_by_label("Title").fill("Shade sails over the playground")
    page.get_by_label("Category").select_option("green")
    page.get_by_label("Description").fill(
        "Put shade sails over the **playground** of Plaça del Sol <script>alert(1)</script>"
    )
    page.get_by_role("button", name="Publish the idea").click()
    page.wait_for_url(re.compile(r"/cities/barcelona/ideas/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Shade sails over the playground"
    assert page.locator("article .prose strong").inner_text() == "playground"
    assert page.locator("article .prose script").count() == 0
    page.get_by_role("button", name="Support this idea").click()
    assert page.locator("#vote-count").inner_text() == "1"
    page.get_by_role("button", name="Withdraw my vote").click()
    assert page.locator("#vote-count").inner_text() == "0"
    idea = Idea.objects.get(title="Shade sails over the playground")
    assert idea.vote_count == 0 and not Vote.objects.filter(idea=idea).exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_moderator_curates_an_idea(
    idea: Idea, make_user: Callable[..., Any], login_page: Callable[..., Any],
    live_server: Any, barcelona: Any,
) -> None:
    moderator = make_user("moderator", barcelona)
    page = login_page(moderator)
    page.goto(f"{live_server.url}/cities/barcelona/engagement/moderation/")
    page.get_by_role("link", name=re.compile(idea.title)).first.click()
    status_form = page.get_by_role("form", name="Status")
    status_form.get_by_label("Status").select_option("rejected")
    status_form.get_by_role("button", name="Set status").click()
    assert "rejection needs a reason" in page.locator(".messages").inner_text()
    status_form = page.get_by_role("form", name="Status")
    status_form.get_by_label("Status").select_option("accepted")
    status_form.get_by_role("button", name="Set status").click()
    assert page.locator("#idea-status").inner_text() == "Accepted"
    answer_form = page.get_by_role("form", name="Official answer")
    answer_form.get_by_label("Official answer").fill("The city will fund it in 2027.")
    answer_form.get_by_role("button", name="Publish the answer").click()
    assert "The city will fund it in 2027." in page.locator(".official-answer").inner_text()
    history = page.locator("ol.history").inner_text()
    assert "New → Accepted" in history and "Official answer" in history
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.ACCEPTED and idea.answered_at is not None
