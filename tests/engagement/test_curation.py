"""Moderation: statuses, answers, merging duplicates, hiding, reports, and the public history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.concurrency import in_threads
from urbis.engagement import queries, services
from urbis.engagement.models import Idea, IdeaStatus, ModerationEvent, Report, Vote

from .test_votes import recount


@pytest.fixture
def moderator(make_user: Callable[..., Any], barcelona: Any) -> Any:
    return make_user("moderator", barcelona)


@pytest.mark.parametrize("role", [None, "member", "editor"])
def test_only_moderators_set_status(
    role: str | None, idea: Idea, make_user: Callable[..., Any], barcelona: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.set_status(by=make_user(role, barcelona if role else None), idea=idea,
                            status=IdeaStatus.ACCEPTED)
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.NEW


def test_moderator_of_another_city_is_refused(
    idea: Idea, make_user: Callable[..., Any], paris: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.set_status(by=make_user("moderator", paris), idea=idea, status="accepted")
    with pytest.raises(PermissionDenied):
        services.hide_idea(by=make_user("moderator", paris), idea=idea, reason="Spam spam")


def test_status_change_is_logged_and_notifies_followers(
    idea: Idea, moderator: Any, make_user: Callable[..., Any]
) -> None:
    services.set_status(by=moderator, idea=idea, status=IdeaStatus.UNDER_REVIEW)
    services.set_status(by=moderator, idea=idea, status=IdeaStatus.ACCEPTED)
    events = list(queries.history(idea))
    assert [e.kind for e in events] == ["status", "status"]
    assert "Under review → Accepted" in events[1].description
    assert idea.author is not None
    assert idea.author.engagement_notifications.count() == 2


def test_rejection_needs_a_reason(idea: Idea, moderator: Any) -> None:
    with pytest.raises(ValidationError, match="reason"):
        services.set_status(by=moderator, idea=idea, status=IdeaStatus.REJECTED, reason="no")
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.NEW
    assert not ModerationEvent.objects.filter(idea=idea).exists()
    services.set_status(by=moderator, idea=idea, status=IdeaStatus.REJECTED,
                        reason="The school buildings are protected heritage.")
    idea.refresh_from_db()
    assert idea.status_reason.startswith("The school")


def test_unknown_status_refused(idea: Idea, moderator: Any) -> None:
    with pytest.raises(ValidationError):
        services.set_status(by=moderator, idea=idea, status="done-ish")
    with pytest.raises(ValidationError, match="merging"):
        services.set_status(by=moderator, idea=idea, status=IdeaStatus.DUPLICATE)


def test_official_answer_by_editor_not_by_member(
    idea: Idea, make_user: Callable[..., Any], barcelona: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.answer(by=make_user("member", barcelona), idea=idea, text="We will do it soon.")
    answered = services.answer(by=make_user("editor", barcelona), idea=idea,
                               text="The city will study it in the **2026** budget.")
    assert "<strong>2026</strong>" in answered.official_answer_html
    assert answered.status == IdeaStatus.UNDER_REVIEW
    assert queries.history(idea).get().kind == "answer"


def test_merge_carries_votes_without_double_counting(
    idea: Idea, make_idea: Callable[..., Idea], make_user: Callable[..., Any], moderator: Any
) -> None:
    duplicate = make_idea(title="Panels on school roofs")
    both, only_original, only_duplicate = make_user(), make_user(), make_user()
    for voter in (both, only_original):
        services.cast_vote(by=voter, idea=idea)
    for voter in (both, only_duplicate):
        services.cast_vote(by=voter, idea=duplicate)
    target = services.merge_ideas(by=moderator, duplicate=duplicate, into=idea)
    assert target.vote_count == 3
    assert recount(idea) == (3, 3)
    assert recount(duplicate) == (0, 0)
    duplicate.refresh_from_db()
    assert duplicate.status == IdeaStatus.DUPLICATE and duplicate.duplicate_of_id == idea.pk
    assert "1 vote carried over, 1 already counted" in queries.history(duplicate).get().description
    with pytest.raises(ValidationError, match="already merged"):
        services.merge_ideas(by=moderator, duplicate=duplicate, into=idea)
    with pytest.raises(ValidationError, match="itself"):
        services.merge_ideas(by=moderator, duplicate=idea, into=idea)


def test_merge_refused_to_non_moderators_and_across_cities(
    idea: Idea, make_idea: Callable[..., Idea], make_user: Callable[..., Any], moderator: Any,
    make_process: Callable[..., Any], paris: Any,
) -> None:
    other = make_idea(title="Another similar idea")
    with pytest.raises(PermissionDenied):
        services.merge_ideas(by=make_user(), duplicate=other, into=idea)
    in_paris = make_idea(the_process=make_process(city=paris), title="Idée à Paris")
    with pytest.raises(ValidationError, match="same city"):
        services.merge_ideas(by=moderator, duplicate=other, into=in_paris)
    other.refresh_from_db()
    assert other.status == IdeaStatus.NEW


def test_hide_idea_and_comment_with_reason(
    idea: Idea, moderator: Any, make_user: Callable[..., Any]
) -> None:
    reporter = make_user()
    services.report(by=reporter, idea=idea, reason="This is advertising")
    with pytest.raises(ValidationError, match="already reported"):
        services.report(by=reporter, idea=idea, reason="Again and again")
    with pytest.raises(ValidationError, match="why"):
        services.hide_idea(by=moderator, idea=idea, reason="")
    services.hide_idea(by=moderator, idea=idea, reason="Advertising")
    assert Report.objects.get(idea=idea).resolved_at is not None
    assert idea.author is not None
    assert idea.author.engagement_notifications.filter(params__reason="Advertising").exists()
    with pytest.raises(Exception, match="hidden"):
        queries.get_idea(idea.process.city, idea.pk, make_user())
    assert queries.get_idea(idea.process.city, idea.pk, moderator).is_hidden
    services.hide_idea(by=moderator, idea=idea, reason="", hidden=False)
    comment = services.add_comment(by=make_user(), idea=idea, body="Buy cheap watches here")
    services.hide_comment(by=moderator, comment=comment, reason="Spam")
    tree = queries.comment_tree(idea, make_user())
    assert tree[0]["show_text"] is False
    assert [e.kind for e in queries.history(idea)] == ["hide", "unhide", "hide_comment"]


def test_report_needs_an_account_and_a_reason(idea: Idea, make_user: Callable[..., Any]) -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.report(by=AnonymousUser(), idea=idea, reason="Spam here")
    with pytest.raises(ValidationError):
        services.report(by=make_user(), idea=idea, reason="")


def test_moderation_queue(idea: Idea, moderator: Any, make_user: Callable[..., Any]) -> None:
    services.report(by=make_user(), idea=idea, reason="Looks like spam")
    queue = queries.moderation_queue(idea.process.city)
    assert idea in queue["new"]
    assert len(queue["reports"]) == 1
    services.dismiss_reports(by=moderator, idea=idea)
    assert queries.moderation_queue(idea.process.city)["reports"] == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_merge_while_people_vote(
    postgres_only: None, idea: Idea, make_idea: Callable[..., Idea],
    make_user: Callable[..., Any], moderator: Any,
) -> None:
    """Votes racing a merge: every vote that succeeded is counted once on the original, and
    the totals equal a recount."""
    duplicate = make_idea(title="Panels on school roofs")
    voters = [make_user() for _ in range(10)]
    for voter in voters[:4]:
        services.cast_vote(by=voter, idea=idea)

    def work(n: int) -> Any:
        if n == 0:
            return services.merge_ideas(by=moderator, duplicate=duplicate, into=idea)
        target = duplicate if n % 2 else idea
        return services.cast_vote(by=voters[n - 1], idea=target)

    results = in_threads(11, work)
    assert not any(isinstance(r, Exception) and not isinstance(r, ValidationError)
                   for r in results), results
    assert recount(duplicate) == (0, 0)
    total, rows = recount(idea)
    assert total == rows
    users = list(Vote.objects.filter(idea=idea).values_list("user", flat=True))
    assert len(users) == len(set(users))
    voted = {v.pk for v in voters if Vote.objects.filter(user=v).exists()}
    assert len(voted) == rows
