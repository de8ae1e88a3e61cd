"""The one place that decides who may do what in a city.

Every app asks here. Reading is public for anything a city has published; every write needs a
role in that city. Roles are ranked: an admin may do whatever an editor may, and so on, except that
moderation is its own line of work (a moderator moderates, an editor edits; admins do both).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from urbis.people.models import Membership, Role

if TYPE_CHECKING:
    from urbis.places.models import City


class Action(StrEnum):
    """What a person wants to do in a city."""

    VIEW_PRIVATE = "view_private"  # see what the city has not published yet
    PARTICIPATE = "participate"  # propose, vote, comment, sign up
    MODERATE = "moderate"  # curate ideas and comments
    EDIT = "edit"  # write strategy, data, areas
    ADMINISTER = "administer"  # manage roles and publication


ALLOWED_ROLES: dict[Action, frozenset[str]] = {
    Action.VIEW_PRIVATE: frozenset({Role.ADMIN, Role.EDITOR, Role.MODERATOR}),
    Action.PARTICIPATE: frozenset({Role.ADMIN, Role.EDITOR, Role.MODERATOR, Role.MEMBER}),
    Action.MODERATE: frozenset({Role.ADMIN, Role.MODERATOR}),
    Action.EDIT: frozenset({Role.ADMIN, Role.EDITOR}),
    Action.ADMINISTER: frozenset({Role.ADMIN}),
}

# Any signed-in account may take part in a city's public processes; the role is only needed
# for the city's own work. This keeps citizen engagement open without a sign-up per city.
OPEN_TO_EVERY_ACCOUNT = frozenset({Action.PARTICIPATE})


def role_in(user: Any, city: City | int) -> str | None:
    """The role ``user`` holds in ``city``, or ``None``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    city_id = city if isinstance(city, int) else city.pk
    cache: dict[int, str | None] = user.__dict__.setdefault("_urbis_roles", {})
    if city_id not in cache:
        cache[city_id] = (
            Membership.objects.filter(user=user, city_id=city_id)
            .values_list("role", flat=True)
            .first()
        )
    return cache[city_id]


def can(user: Any, action: Action, city: City | int) -> bool:
    """Whether ``user`` may perform ``action`` in ``city``."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if action in OPEN_TO_EVERY_ACCOUNT:
        return True
    role = role_in(user, city)
    return role is not None and role in ALLOWED_ROLES[action]


def require(user: Any, action: Action, city: City | int) -> None:
    """Raise :class:`PermissionDenied` unless ``user`` may perform ``action`` in ``city``."""
    if not can(user, action, city):
        raise PermissionDenied(_("You need a role that allows '%(action)s' in this city.")
                               % {"action": action.value})


def require_unless_platform(by: Any, action: Action, city: City | int) -> None:
    """:func:`require`, except that ``by=None`` is the platform itself (a management command,
    the demo loader), which may do anything. Only services accept ``None``; pages and the API
    always pass the signed-in user or the anonymous one."""
    if by is not None:
        require(by, action, city)


def cities_where(user: Any, action: Action) -> list[int]:
    """Primary keys of the cities where ``user`` may perform ``action`` (superusers: all)."""
    from urbis.places.models import City

    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser or action in OPEN_TO_EVERY_ACCOUNT:
        return list(City.objects.values_list("pk", flat=True))
    return list(
        Membership.objects.filter(user=user, role__in=ALLOWED_ROLES[action]).values_list(
            "city_id", flat=True
        )
    )
