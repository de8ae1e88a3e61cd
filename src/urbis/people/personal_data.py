"""What the platform holds about a person, gathered from every app, and how it is erased.

Each app with a ``personal_data`` module may define ``export(user) -> dict`` (what it holds about
the user, as JSON-ready data) and ``anonymise(user) -> None`` (detach or blank the user's content
while keeping counts such as votes). Deleting an account calls every app's ``anonymise`` first,
in one transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from urbis.discovery import app_modules
from urbis.people.models import User


def _providers() -> list[Any]:
    return app_modules("personal_data", exclude=("urbis.people",))


def export(user: User) -> dict[str, Any]:
    data: dict[str, Any] = {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "language": user.language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "roles": [
            {"city": m.city.code, "role": m.role}
            for m in user.memberships.select_related("city")
        ],
        "organisations": [o.name for o in user.organisations.all()],
        "api_tokens": [
            {"label": t.label, "created_at": t.created_at.isoformat()}
            for t in user.api_tokens.all()
        ],
    }
    for module in _providers():
        if hasattr(module, "export"):
            data[module.__name__.split(".")[1]] = module.export(user)
    return data


def delete_account(user: User) -> None:
    with transaction.atomic():
        for module in _providers():
            if hasattr(module, "anonymise"):
                module.anonymise(user)
        user.delete()
