"""System checks on stored places data (run by `urbis check --database default` and `migrate`)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import DatabaseError

from urbis.places.models import CITY_CODE, ROUTABLE_CODE, City


@register(Tags.database)
def city_codes(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn about cities stored before codes were checked: one that no address can hold is
    left out of every listing, one that breaks today's rule cannot be saved unchanged."""
    if not databases:
        return []
    try:
        rows = list(City.objects.values_list("pk", "code"))
    except DatabaseError:  # tables not migrated yet
        return []
    messages: list[CheckMessage] = []
    for pk, code in rows:
        if CITY_CODE.fullmatch(code):
            continue
        hidden = not ROUTABLE_CODE.fullmatch(code)
        text = f"City {pk} has the code {code!r}: not lowercase letters, digits and hyphens"
        text += "; it cannot be linked to, so listings leave it out." if hidden else "."
        messages.append(
            Warning(
                text,
                hint="Give it a valid code in the admin (Places › Cities).",
                obj=f"places.City(pk={pk})",
                id="places.W001",
            )
        )
    return messages
