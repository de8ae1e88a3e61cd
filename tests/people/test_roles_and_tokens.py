from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from urbis.people.models import ApiToken, Membership, User
from urbis.places.models import City


def test_city_admin_grants_and_revokes_roles(
    barcelona: City, make_user: Any, client_for: Any
) -> None:
    admin = make_user(role="admin", city=barcelona)
    target = make_user(email="new.editor@example.org")
    client = client_for(admin)
    assert "Roles" in client.get("/cities/barcelona/").content.decode()
    response = client.post(
        "/cities/barcelona/members/", {"email": "new.editor@example.org", "role": "editor"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=target, city=barcelona).role == "editor"
    client.post(f"/cities/barcelona/members/{target.pk}/revoke/")
    assert not Membership.objects.filter(user=target).exists()


@pytest.mark.parametrize("role", [None, "member", "moderator", "editor"])
def test_roles_page_refuses_everyone_but_city_admins(
    role: str | None, barcelona: City, paris: City, make_user: Any, client_for: Any
) -> None:
    user = make_user(role=role, city=barcelona) if role else make_user()
    target = make_user()
    client = client_for(user)
    assert client.get("/cities/barcelona/members/").status_code == 403
    post = client.post("/cities/barcelona/members/", {"email": target.email, "role": "admin"})
    assert post.status_code == 403
    assert not Membership.objects.filter(user=target).exists()
    # An admin of Paris has no say in Barcelona.
    paris_admin = client_for(make_user(role="admin", city=paris))
    assert paris_admin.get("/cities/barcelona/members/").status_code == 403


def test_anonymous_is_sent_to_log_in(db: Any, client_for: Any) -> None:
    response = client_for(None).post("/cities/barcelona/members/", {"email": "x@y.z"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_bad_role_is_refused_and_nothing_changes(
    barcelona: City, make_user: Any, client_for: Any
) -> None:
    client = client_for(make_user(role="admin", city=barcelona))
    target = make_user(role="member", city=barcelona)
    response = client.post("/cities/barcelona/members/", {"email": target.email, "role": "mayor"})
    assert response.status_code == 200 and "Unknown role" in response.content.decode()
    assert Membership.objects.get(user=target).role == "member"


def test_api_token_lifecycle_through_the_pages(
    barcelona: City, make_user: Any, client_for: Any
) -> None:
    user = make_user()
    client = client_for(user)
    page = client.post("/accounts/tokens/", {"label": "nightly upload"}).content.decode()
    token = page.split('<code id="new-token">')[1].split("</code>")[0]
    assert token.startswith("urbis_")
    assert (
        client_for(None).get("/api/v1/cities", HTTP_AUTHORIZATION=f"Bearer {token}").status_code
        == 200
    )
    stored = ApiToken.objects.get(user=user)
    other = client_for(make_user())
    assert other.post(f"/accounts/tokens/{stored.pk}/revoke/").status_code == 404
    client.post(f"/accounts/tokens/{stored.pk}/revoke/")
    stored.refresh_from_db()
    assert stored.revoked_at is not None
    assert client.post("/accounts/tokens/", {"label": ""}).status_code == 200
    assert ApiToken.objects.filter(user=user).count() == 1


def test_cli_adds_a_city_and_grants_a_role(db: Any, capsys: Any) -> None:
    call_command("add-city", "lisboa", "--name", "Lisboa", "--country", "pt")
    assert City.objects.get(code="lisboa").country == "PT"
    assert City.objects.get(code="lisboa").time_zone == "UTC"
    call_command(
        "add-city", "lisboa", "--name", "Lisboa", "--country", "PT", "--time-zone", "Europe/Lisbon"
    )
    assert City.objects.get(code="lisboa").time_zone == "Europe/Lisbon"
    with pytest.raises(CommandError, match="IANA"):
        call_command("add-city", "lisboa", "--name", "L", "--country", "PT", "--time-zone", "Lx")
    assert City.objects.get(code="lisboa").time_zone == "Europe/Lisbon"
    with pytest.raises(CommandError, match="ISO 3166-1"):
        call_command("add-city", "x", "--name", "X", "--country", "Portugal")
    with pytest.raises(CommandError, match="--population-date"):
        call_command(
            "add-city", "lisboa", "--name", "Lisboa", "--country", "PT", "--population", "100"
        )
    with pytest.raises(CommandError, match="No account"):
        call_command("grant-role", "ana@example.org", "--city", "lisboa", "--role", "editor")
    call_command(
        "grant-role", "ana@example.org", "--city", "lisboa", "--role", "editor", "--create"
    )
    assert Membership.objects.get(user__email="ana@example.org").role == "editor"
    assert not User.objects.get(email="ana@example.org").has_usable_password()
