"""The moderation record reads in the reader's language: it is stored as codes and values and
worded when shown, and the records written as English sentences before are converted by the
migration where their text is recognisable (issue 16)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse

from urbis.engagement import queries, services
from urbis.engagement.models import Idea, IdeaStatus, ModerationEvent

migration = importlib.import_module("urbis.engagement.migrations.0004_moderation_details")


@pytest.fixture
def moderator(make_user: Callable[..., Any], barcelona: Any) -> Any:
    return make_user("moderator", barcelona)


def _history(client: Any, idea: Idea, language: str) -> str:
    page = client.get(idea.get_absolute_url(), headers={"Accept-Language": language})
    assert page.status_code == 200
    text = page.content.decode()
    return text[text.index('<ol class="history"'):].split("</ol>")[0]


def test_status_changes_read_in_german_and_in_english(
    idea: Idea, moderator: Any, client_for: Callable[..., Any]
) -> None:
    services.set_status(by=moderator, idea=idea, status=IdeaStatus.UNDER_REVIEW)
    services.set_status(by=moderator, idea=idea, status=IdeaStatus.ACCEPTED)
    event = queries.history(idea).last()
    assert event is not None
    assert event.details == {"old": "under_review", "new": "accepted", "reason": ""}
    assert event.summary == ""  # no English sentence is stored any more
    german = _history(client_for(None), idea, "de")
    assert "Neu → In Prüfung" in german and "In Prüfung → Angenommen" in german
    assert "Under review" not in german and "Accepted" not in german
    assert "Under review → Accepted" in _history(client_for(None), idea, "en")


def test_api_history_is_worded_in_the_request_language_and_gives_the_codes(
    idea: Idea, moderator: Any, client_for: Callable[..., Any]
) -> None:
    services.set_status(by=moderator, idea=idea, status=IdeaStatus.REJECTED,
                        reason="Nicht im Zuständigkeitsbereich der Stadt.")
    services.hide_idea(by=moderator, idea=idea, reason="Spam spam")
    services.hide_idea(by=moderator, idea=idea, reason="", hidden=False)
    services.dismiss_reports(by=moderator, idea=idea)
    rows = client_for(None).get(f"/api/v1/ideas/{idea.pk}/history",
                                headers={"Accept-Language": "de"}).json()
    assert [r["kind"] for r in rows] == ["status", "hide", "unhide", "report_resolved"]
    assert rows[0]["summary"] == "Neu → Abgelehnt: Nicht im Zuständigkeitsbereich der Stadt."
    assert rows[0]["details"]["new"] == "rejected"
    assert rows[1]["summary"] == "Spam spam"  # the moderator's own words, as written
    assert rows[2]["summary"] == ""
    assert rows[3]["details"] == {"count": 0}


def test_moderation_queue_lists_recent_acts_in_german(
    idea: Idea, moderator: Any, client_for: Callable[..., Any], barcelona: Any
) -> None:
    services.set_status(by=moderator, idea=idea, status=IdeaStatus.ACCEPTED)
    page = client_for(moderator).get(reverse("engagement:moderation", args=[barcelona.code]),
                                     headers={"Accept-Language": "de"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Neu → Angenommen" in text and "New → Accepted" not in text


LEGACY = [
    ("status", "Under review → Accepted", {"old": "under_review", "new": "accepted",
                                           "reason": ""}),
    ("status", "New → Rejected: Out of scope: the region decides.",
     {"old": "new", "new": "rejected", "reason": "Out of scope: the region decides."}),
    ("status", "In Prüfung → Angenommen", {"old": "under_review", "new": "accepted",
                                           "reason": ""}),
    ("answer", "Answered: We will do it.", {"first": True, "text": "We will do it."}),
    ("answer", "Answer revised: Later.", {"first": False, "text": "Later."}),
    ("merge", "Merged into #12 “Solar: schools”: 1 vote carried over, 0 already counted there.",
     {"into": 12, "title": "Solar: schools", "moved": 1, "dropped": 0}),
    ("merge", "#7 “Bike lanes” merged in: 3 votes carried over, 1 already counted.",
     {"from": 7, "title": "Bike lanes", "moved": 3, "dropped": 1}),
    ("hide", "Insults", {"reason": "Insults"}),
    ("unhide", "Shown again", {"reason": ""}),
    ("hide_comment", "Comment #4: Spam", {"comment": 4, "hidden": True, "reason": "Spam"}),
    ("hide_comment", "Comment #4 shown", {"comment": 4, "hidden": False, "reason": ""}),
    ("link", "Linked to action “Solar schools”",
     {"action": None, "title": "Solar schools", "unlink": False}),
    ("link", "Unlinked from action “Solar schools”",
     {"action": None, "title": "Solar schools", "unlink": True}),
    ("report_resolved", "1 report dismissed", {"count": 1}),
    ("report_resolved", "2 reports dismissed", {"count": 2}),
]


@pytest.mark.parametrize(("kind", "summary", "details"), LEGACY)
def test_migration_reads_the_old_english_sentences(
    kind: str, summary: str, details: dict[str, Any]
) -> None:
    assert migration.details_of(kind, summary, migration._labels()) == details


def test_migration_converts_stored_records_and_keeps_unreadable_ones(
    idea: Idea, client_for: Callable[..., Any]
) -> None:
    city = idea.process.city
    readable = ModerationEvent.objects.create(city=city, idea=idea, kind="status",
                                              summary="New → Under review")
    unreadable = ModerationEvent.objects.create(city=city, idea=idea, kind="merge",
                                                summary="Something a script once wrote")
    migration.convert(apps, None)
    readable.refresh_from_db()
    unreadable.refresh_from_db()
    assert readable.details == {"old": "new", "new": "under_review", "reason": ""}
    assert unreadable.details == {}
    german = _history(client_for(None), idea, "de")
    assert "Neu → In Prüfung" in german
    assert "Something a script once wrote" in german  # shown as it was stored
    migration.back(apps, None)
    readable.refresh_from_db()
    assert readable.details == {} and readable.summary == "New → Under review"
