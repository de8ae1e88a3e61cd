"""Writes for accounts, organisations and roles."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urbis.people.models import ApiToken, Membership, Organisation, Role, User
from urbis.people.permissions import Action, require_unless_platform
from urbis.places.models import City


def sign_up(*, email: str, password: str, display_name: str = "") -> User:
    email = email.strip().lower()
    validate_email(email)
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": _("An account with this e-mail address already exists.")})
    validate_password(password, User(email=email, display_name=display_name))
    return User.objects.create_user(email, password, display_name=display_name.strip())


def grant_role(*, by: User | None, user: User, city: City, role: str) -> Membership:
    """Give ``user`` a role in ``city``. ``by=None`` is the platform itself (CLI, demo)."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role %(role)r.") % {"role": role}})
    require_unless_platform(by, Action.ADMINISTER, city)
    with transaction.atomic():
        membership, _created = Membership.objects.update_or_create(
            user=user, city=city, defaults={"role": role}
        )
    user.__dict__.pop("_urbis_roles", None)
    return membership


def revoke_role(*, by: User | None, user: User, city: City) -> None:
    require_unless_platform(by, Action.ADMINISTER, city)
    Membership.objects.filter(user=user, city=city).delete()
    user.__dict__.pop("_urbis_roles", None)


def upsert_organisation(
    *, name: str, slug: str, kind: str, city: City | None = None, website: str = ""
) -> Organisation:
    if kind not in Organisation.Kind.values:
        raise ValidationError({"kind": _("Unknown organisation kind %(kind)r.") % {"kind": kind}})
    organisation, _created = Organisation.objects.update_or_create(
        slug=slug, defaults={"name": name, "kind": kind, "city": city, "website": website}
    )
    return organisation


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(*, user: User, label: str) -> str:
    """Create an API token and return it once; only its hash is stored."""
    token = "urbis_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, label=label[:100], digest=_digest(token))
    return token


def user_for_token(token: str) -> User | None:
    api_token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if api_token is None:
        return None
    ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
    return api_token.user


def revoke_api_token(*, user: User, token_id: int) -> None:
    """Revoke one of the user's own tokens; someone else's token is not found."""
    updated = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        from django.http import Http404

        raise Http404(_("No such token."))
