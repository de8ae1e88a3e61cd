"""Notifications are stored as a code and its values and worded in the reader's language, on the
page, in the API and in the e-mail; migration 0005 converts the sentences stored before
(issue 16)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.utils import translation

from urbis.engagement import notices, services
from urbis.engagement.models import Idea, IdeaStatus, Notification
from urbis.engagement.tasks import send_notification_mails

migration = importlib.import_module("urbis.engagement.migrations.0005_notification_codes")


def _in(language: str, template: str, **values: Any) -> str:
    with translation.override(language):
        return translation.gettext(template) % values


def test_a_german_moderator_s_act_reads_in_each_reader_s_language(
    idea: Idea, make_user: Callable[..., Any], client_for: Callable[..., Any]
) -> None:
    moderator = make_user("moderator", idea.process.city)
    with translation.override("de"):  # the moderator works in German
        services.set_status(by=moderator, idea=idea, status=IdeaStatus.ACCEPTED)
    note = Notification.objects.get(user=idea.author)
    assert (note.code, note.params) == (notices.STATUS_CHANGED,
                                        {"title": idea.title, "status": "accepted"})
    assert note.text == ""  # no sentence is stored
    accepted = {lang: _in(lang, "Accepted") for lang in ("en", "fr", "de")}
    assert accepted["fr"] != accepted["en"] != accepted["de"]
    client = client_for(idea.author)
    for language in ("en", "fr"):
        expected = _in(language, "%(title)s is now: %(status)s", title=idea.title,
                       status=accepted[language])
        page = client.get("/notifications/", headers={"Accept-Language": language})
        assert expected in page.content.decode()
        rows = client.get("/api/v1/notifications",
                          headers={"Accept-Language": language}).json()["items"]
        assert rows[0]["text"] == expected
        assert rows[0]["code"] == "status_changed" and rows[0]["params"]["status"] == "accepted"
    assert accepted["de"] not in client.get("/notifications/",
                                            headers={"Accept-Language": "fr"}).content.decode()


def test_the_e_mail_is_worded_when_sent_not_in_the_writer_s_language(
    idea: Idea, make_user: Callable[..., Any], settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with translation.override("de"):
        services.add_comment(by=make_user(), idea=idea, body="Gute Idee")
    note = Notification.objects.get(user=idea.author)
    assert note.code == notices.NEW_COMMENT
    assert send_notification_mails.call([note.pk]) == 1
    expected = _in(settings.LANGUAGE_CODE, "New comment on %(title)s", title=idea.title)
    assert mail.outbox[0].subject == expected
    assert mail.outbox[0].to == [idea.author.email]
    assert note.url in mail.outbox[0].body


def test_a_reached_threshold_is_counted_in_the_reader_s_plural() -> None:
    for language in ("en", "de", "fr"):
        with translation.override(language):
            one = notices.wording(notices.SUPPORT_REACHED, {"title": "T", "n": 1})
            many = notices.wording(notices.SUPPORT_REACHED, {"title": "T", "n": 15})
            assert one == translation.ngettext(
                "%(title)s reached %(n)d vote: the city owes it an answer.",
                "%(title)s reached %(n)d votes: the city owes it an answer.", 1) % {
                "title": "T", "n": 1}
            assert "15" in many and many != one


def test_an_unknown_code_or_missing_value_is_refused_when_written(
    idea: Idea, make_user: Callable[..., Any]
) -> None:
    with pytest.raises(KeyError):
        services.notify([idea.author], "no_such_code", {"title": "x"})
    with pytest.raises(KeyError):
        services.notify([idea.author], notices.MERGED, {"title": "x"})  # no target
    assert not Notification.objects.exists()


@pytest.mark.parametrize(("language", "template", "values", "code", "params"), [
    ("en", "%(title)s is now: %(status)s", {"title": "A: b", "status": "Under review"},
     "status_changed", {"title": "A: b", "status": "under_review"}),
    ("de", "%(title)s is now: %(status)s", {"title": "Bäume", "status": "Abgelehnt"},
     "status_changed", {"title": "Bäume", "status": "rejected"}),  # German "Rejected"
    ("en", "New idea in %(process)s: %(title)s", {"process": "Clima", "title": "Sol: ara"},
     "new_idea", {"process": "Clima", "title": "Sol: ara"}),
    ("fr", "Your idea %(title)s was hidden by a moderator: %(reason)s",
     {"title": "Pub", "reason": "Publicité"}, "idea_hidden", {"title": "Pub",
                                                               "reason": "Publicité"}),
    ("es", "%(title)s was merged into %(target)s", {"title": "A", "target": "B"},
     "merged", {"title": "A", "target": "B"}),
])
def test_migration_reads_the_stored_sentences_in_every_language(
    language: str, template: str, values: dict[str, str], code: str, params: dict[str, Any]
) -> None:
    with translation.override(language):  # a status label was stored in the writer's language
        text = translation.gettext(template) % values
    found, labels = migration.patterns()
    assert migration.read(text, found, labels) == (code, params)


def test_migration_reads_the_plural_sentence() -> None:
    found, labels = migration.patterns()
    with translation.override("de"):
        text = translation.ngettext(*migration.SUPPORT, 15) % {"title": "T", "n": 15}
    assert migration.read(text, found, labels) == ("support_reached", {"title": "T", "n": 15})


@pytest.mark.django_db
def test_migration_converts_stored_rows_keeps_unreadable_ones_and_goes_back(
    make_user: Callable[..., Any], client_for: Callable[..., Any]
) -> None:
    user = make_user()
    with translation.override("de"):
        german = translation.gettext("The city answered %(title)s") % {"title": "Bänke"}
    old = Notification.objects.create(user=user, text=german, url="/x/")
    odd = Notification.objects.create(user=user, text="Something only a person wrote")
    new = Notification.objects.create(user=user, code=notices.REPLY, params={"title": "Q"})
    migration.convert(apps, None)
    old.refresh_from_db()
    odd.refresh_from_db()
    assert (old.code, old.params) == ("answered", {"title": "Bänke"})
    assert (odd.code, odd.params) == ("", {})
    page = client_for(user).get("/notifications/",
                                headers={"Accept-Language": "en"}).content.decode()
    assert "The city answered Bänke" in page and german not in page
    assert "Something only a person wrote" in page
    migration.back(apps, None)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.text, old.code) == (german, "")
    with translation.override("en"):
        assert new.text == "Reply to your comment on Q" and new.code == ""
