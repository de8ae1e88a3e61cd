"""An account's preferred language: set on the account page, exported, activated on signing in,
and the language of every e-mail the platform sends the person (issue 16)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from urbis.people import personal_data, services
from urbis.people.models import User


def _lang_of(page: Any) -> str:
    found = re.search(r'<html[^>]*\blang="([^"]+)"', page.content.decode())
    assert found, "the page has no <html lang>"
    return found.group(1)


def test_the_account_page_stores_a_language_and_refuses_unknown_ones(
    make_user: Callable[..., User], client_for: Callable[..., Client]
) -> None:
    ana = make_user()
    client = client_for(ana)
    assert client.get("/accounts/privacy/").status_code == 200
    saved = client.post("/accounts/privacy/", {"account-language": "de"})
    assert saved.status_code == 302
    ana.refresh_from_db()
    assert ana.language == "de"
    assert saved.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"

    refused = client.post("/accounts/privacy/", {"account-language": "xx"})
    assert refused.status_code == 200 and refused.context["language_form"].errors
    ana.refresh_from_db()
    assert ana.language == "de"  # nothing stored

    cleared = client.post("/accounts/privacy/", {"account-language": ""})
    assert cleared.status_code == 302
    ana.refresh_from_db()
    assert ana.language == ""  # follows the browser again
    assert cleared.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""  # cookie deleted


def test_only_the_account_itself_may_change_its_language(
    make_user: Callable[..., User], client: Client
) -> None:
    ana, other = make_user(), make_user()
    with pytest.raises(PermissionDenied):
        services.set_language(by=other, user=ana, language="fr")
    with pytest.raises(ValidationError):
        services.set_language(by=ana, user=ana, language="klingon")
    ana.refresh_from_db()
    assert ana.language == ""
    # Anonymous visitors are sent to sign in; nothing is stored.
    response = client.post("/accounts/privacy/", {"account-language": "fr"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not User.objects.exclude(language="").exists()


def test_the_language_is_in_the_personal_data_export(make_user: Callable[..., User]) -> None:
    assert personal_data.export(make_user(language="nl"))["account"]["language"] == "nl"


def test_signing_in_activates_the_preferred_language_and_the_switch_still_overrides_it(
    make_user: Callable[..., User],
) -> None:
    make_user(email="hans@example.org", language="de")
    client = Client()
    assert _lang_of(client.get("/", headers={"Accept-Language": "en"})) == "en"
    response = client.post(
        "/accounts/login/", {"username": "hans@example.org", "password": "pass-word-123"}
    )
    assert response.status_code == 302
    assert _lang_of(client.get("/", headers={"Accept-Language": "en"})) == "de"
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert _lang_of(client.get("/", headers={"Accept-Language": "en"})) == "fr"


def test_signing_in_without_a_preferred_language_follows_the_browser(
    make_user: Callable[..., User],
) -> None:
    make_user(email="eva@example.org")
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "eva@example.org", "password": "pass-word-123"}
    )
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert _lang_of(client.get("/", headers={"Accept-Language": "es"})) == "es"


def test_the_password_reset_mail_is_in_the_account_s_language(
    make_user: Callable[..., User], client: Client
) -> None:
    make_user(email="hans@example.org", language="de")
    client.post("/accounts/password-reset/", {"email": "hans@example.org"},
                headers={"Accept-Language": "en"})
    assert len(mail.outbox) == 1
    with translation.override("de"):
        german = translation.gettext("Password reset on %(site_name)s") % {
            "site_name": "testserver"}
    with translation.override("en"):
        english = translation.gettext("Password reset on %(site_name)s") % {
            "site_name": "testserver"}
    assert mail.outbox[0].subject == german
    # A test that fails without the account's language needs the two to differ.
    assert german != english


def run_worker() -> str:
    """The real `urbis worker`, in this process, until the queue is empty."""
    out = io.StringIO()
    call_command(
        "worker", "--batch", "--no-startup-delay", "--interval", "0", "--beat", "3600",
        stdout=out,
    )
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_worker_words_a_notification_mail_in_the_recipient_s_language() -> None:
    from urbis.engagement import notices
    from urbis.engagement.services import notify

    hans = User.objects.create_user("hans@example.org", "pass-word-123", language="de")
    ana = User.objects.create_user("ana@example.org", "pass-word-123")  # no preference
    with translation.override("en"):  # the writer works in English
        notify([hans, ana], notices.STATUS_CHANGED, {"title": "Bänke", "status": "accepted"},
               "/ideas/1/")
    assert mail.outbox == []
    run_worker()
    subjects = {m.to[0]: m.subject for m in mail.outbox}

    def worded(language: str) -> str:
        with translation.override(language):
            return translation.gettext("%(title)s is now: %(status)s") % {
                "title": "Bänke", "status": translation.gettext("Accepted")}

    assert subjects["hans@example.org"] == worded("de")
    assert subjects["ana@example.org"] == worded(settings.LANGUAGE_CODE)
    assert worded("de") != worded(settings.LANGUAGE_CODE)


def test_the_admin_shows_an_upload_s_worded_outcome(
    admin_client: Client, barcelona: Any
) -> None:
    from urbis.energy import outcomes
    from urbis.energy.models import EnergyUpload

    upload = EnergyUpload.objects.create(
        city=barcelona, source=EnergyUpload.Source.WEB, file_name="meters.csv",
        status=EnergyUpload.Status.STORED, message_code=outcomes.STORED,
        message_values={"rows": 1200, "meters": 3},
    )
    for url in ("/admin/energy/energyupload/",
                f"/admin/energy/energyupload/{upload.pk}/change/"):
        for language in ("en", "de"):
            page = admin_client.get(url, headers={"Accept-Language": language})
            assert page.status_code == 200
            with translation.override(language):
                expected = outcomes.describe(upload.message_code, upload.message_values)
            from django.utils.html import escape

            assert escape(expected) in page.content.decode(), (url, language)


def test_the_api_me_endpoint_reads_and_sets_only_the_caller_s_language(
    make_user: Callable[..., User],
) -> None:
    ana, ben = make_user(), make_user(language="fr")
    token = services.issue_api_token(user=ana, label="script")
    auth = {"Authorization": f"Bearer {token}"}
    client = Client()
    assert client.get("/api/v1/me", headers=auth).json()["language"] == ""
    changed = client.patch("/api/v1/me", {"language": "es"}, content_type="application/json",
                           headers=auth)
    assert changed.status_code == 200 and changed.json()["language"] == "es"
    ana.refresh_from_db()
    ben.refresh_from_db()
    assert (ana.language, ben.language) == ("es", "fr")  # nobody else's account changed

    refused = client.patch("/api/v1/me", {"language": "xx"}, content_type="application/json",
                           headers=auth)
    assert refused.status_code == 422
    ana.refresh_from_db()
    assert ana.language == "es"
    # Without credentials, or with a wrong token, nothing is read or written.
    anonymous = client.patch("/api/v1/me", {"language": "de"}, content_type="application/json")
    assert anonymous.status_code == 401 and client.get("/api/v1/me").status_code == 401
    bad = client.patch("/api/v1/me", {"language": "de"}, content_type="application/json",
                       headers={"Authorization": "Bearer urbis_wrong"})
    assert bad.status_code == 401
    assert User.objects.filter(language="de").count() == 0
    # A signed-in browser session needs its CSRF token to write.
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(ben)
    forged = browser.patch("/api/v1/me", {"language": "de"}, content_type="application/json")
    assert forged.status_code == 403
    ben.refresh_from_db()
    assert ben.language == "fr"


def test_the_admin_shows_but_does_not_edit_an_account_s_language(
    admin_client: Client, make_user: Callable[..., User]
) -> None:
    hans = make_user(language="de")
    page = admin_client.get(f"/admin/people/user/{hans.pk}/change/")
    assert page.status_code == 200
    assert "language" not in page.context["adminform"].form.fields
    assert '<div class="readonly">de</div>' in page.content.decode()
