from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from urbis.people import services
from urbis.people.models import User


def test_sign_up_logs_in_by_email(db: Any, client: Client) -> None:
    response = client.post(
        "/accounts/signup/",
        {"email": "Ana@Example.org", "display_name": "Ana", "password": "a-long-pass-phrase"},
    )
    assert response.status_code == 302
    assert User.objects.filter(email="ana@example.org").exists()
    client.logout()
    assert client.login(username="ANA@example.org", password="a-long-pass-phrase")


def test_sign_up_refuses_weak_password_and_duplicate(db: Any, client: Client) -> None:
    services.sign_up(email="taken@example.org", password="a-long-pass-phrase")
    response = client.post("/accounts/signup/", {"email": "taken@example.org", "password": "x"})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    weak = client.post("/accounts/signup/", {"email": "new@example.org", "password": "123"})
    assert weak.status_code == 200 and not User.objects.filter(email="new@example.org").exists()
    with pytest.raises(ValidationError):
        services.sign_up(email="not-an-email", password="a-long-pass-phrase")


def test_log_in_and_out(db: Any, client: Client, make_user: Any) -> None:
    user = make_user(email="login@example.org")
    response = client.post(
        "/accounts/login/", {"username": "login@example.org", "password": "pass-word-123"}
    )
    assert response.status_code == 302
    assert client.get("/").context["user"] == user
    client.post("/accounts/logout/")
    assert not client.get("/").context["user"].is_authenticated


def test_password_reset_sends_a_link_by_email(db: Any, client: Client, make_user: Any) -> None:
    make_user(email="forgot@example.org")
    client.post("/accounts/password-reset/", {"email": "forgot@example.org"})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    path = link.split("testserver", 1)[1]
    form = client.get(path, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "brand-new-phrase-9", "new_password2": "brand-new-phrase-9"},
    )
    assert done.status_code == 302
    assert client.login(username="forgot@example.org", password="brand-new-phrase-9")


def test_api_tokens_are_stored_hashed(db: Any, make_user: Any) -> None:
    user = make_user()
    token = services.issue_api_token(user=user, label="script")
    assert services.user_for_token(token) == user
    assert not user.api_tokens.filter(digest__contains=token).exists()
    assert services.user_for_token(token + "x") is None
    user.api_tokens.update(revoked_at="2026-01-01T00:00:00Z")
    assert services.user_for_token(token) is None


def test_personal_data_export_and_account_deletion(db: Any, make_user: Any, barcelona: Any) -> None:
    from urbis.people import personal_data

    user = make_user(role="editor", city=barcelona, display_name="Jo")
    exported = personal_data.export(user)
    assert exported["account"]["display_name"] == "Jo"
    assert exported["roles"] == [{"city": "barcelona", "role": "editor"}]
    personal_data.delete_account(user)
    assert not User.objects.filter(pk=user.pk).exists()
