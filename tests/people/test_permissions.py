from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from urbis.people import services
from urbis.people.models import Membership
from urbis.people.permissions import Action, can, require
from urbis.places.models import City

EXPECTED = {
    # role: actions allowed in that role's city
    "admin": {
        Action.VIEW_PRIVATE,
        Action.PARTICIPATE,
        Action.MODERATE,
        Action.EDIT,
        Action.ADMINISTER,
    },
    "editor": {Action.VIEW_PRIVATE, Action.PARTICIPATE, Action.EDIT},
    "moderator": {Action.VIEW_PRIVATE, Action.PARTICIPATE, Action.MODERATE},
    "member": {Action.PARTICIPATE},
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_role_matrix(role: str, barcelona: City, paris: City, make_user: Any) -> None:
    user = make_user(role=role, city=barcelona)
    for action in Action:
        assert can(user, action, barcelona) == (action in EXPECTED[role]), action
        # A role in one city gives nothing beyond taking part in another.
        assert can(user, action, paris) == (action is Action.PARTICIPATE), action


def test_anonymous_and_inactive_users_may_do_nothing(barcelona: City, make_user: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    inactive = make_user(role="admin", city=barcelona, is_active=False)
    for action in Action:
        assert not can(AnonymousUser(), action, barcelona)
        assert not can(None, action, barcelona)
        assert not can(inactive, action, barcelona)
    with pytest.raises(PermissionDenied):
        require(AnonymousUser(), Action.EDIT, barcelona)


def test_only_city_admins_grant_roles(barcelona: City, make_user: Any) -> None:
    editor = make_user(role="editor", city=barcelona)
    target = make_user()
    with pytest.raises(PermissionDenied):
        services.grant_role(by=editor, user=target, city=barcelona, role="editor")
    assert not Membership.objects.filter(user=target).exists()
    admin = make_user(role="admin", city=barcelona)
    services.grant_role(by=admin, user=target, city=barcelona, role="moderator")
    assert can(target, Action.MODERATE, barcelona)
    services.grant_role(by=admin, user=target, city=barcelona, role="member")
    assert Membership.objects.filter(user=target).count() == 1
    assert not can(target, Action.MODERATE, barcelona)


def test_unknown_role_is_refused(barcelona: City, make_user: Any) -> None:
    with pytest.raises(ValidationError):
        services.grant_role(by=None, user=make_user(), city=barcelona, role="mayor")


def test_only_the_platform_passes_require_unless_platform_without_a_role(
    barcelona: City, make_user: Any
) -> None:
    from django.contrib.auth.models import AnonymousUser

    from urbis.people.permissions import require_unless_platform

    require_unless_platform(None, Action.ADMINISTER, barcelona)  # a command or the demo loader
    require_unless_platform(make_user("editor", barcelona), Action.EDIT, barcelona)
    for user in (make_user("member", barcelona), AnonymousUser()):
        with pytest.raises(PermissionDenied):
            require_unless_platform(user, Action.EDIT, barcelona)
