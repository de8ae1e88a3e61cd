"""Writes for accounts, organisations and roles."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from urbis.people.models import ApiToken, Membership, Organisation, Role, User
from urbis.people.permissions import Action, require_unless_platform
from urbis.places.models import City
from urbis.prepared import PreparedLookup


def sign_up(*, email: str, password: str, display_name: str = "") -> User:
    email = email.strip().lower()
    validate_email(email)
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": _("An account with this e-mail address already exists.")})
    validate_password(password, User(email=email, display_name=display_name))
    return User.objects.create_user(email, password, display_name=display_name.strip())


def set_language(*, by: User, user: User, language: str) -> User:
    """Store ``user``'s preferred language (a code of ``settings.LANGUAGES``, or blank to follow
    the browser). Only the account itself may change it."""
    if by.pk is None or by.pk != user.pk:
        raise PermissionDenied(_("Only the account itself may change its language."))
    language = language.strip()
    if language and language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError(
            {"language": _("Unknown language %(language)r.") % {"language": language}}
        )
    user.language = language
    user.save(update_fields=["language"])
    return user


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


# The token with its account, by digest: every API call with a token runs it, so its SQL is
# built once (urbis.prepared). A digest is 64 hexadecimal characters, so the marker is no digest.
_TOKEN_BY_DIGEST: PreparedLookup[ApiToken] = PreparedLookup(
    lambda digest: ApiToken.objects.select_related("user").filter(
        digest=digest, revoked_at__isnull=True, user__is_active=True
    ),
    marker="(no digest)",
)


def token_last_used_resolution() -> dt.timedelta:
    """How old a token's ``last_used_at`` may get before a call stamps it again
    (``URBIS_TOKEN_LAST_USED_RESOLUTION_SECONDS``, 5 minutes by default; 0 stamps every call)."""
    return dt.timedelta(seconds=getattr(settings, "URBIS_TOKEN_LAST_USED_RESOLUTION_SECONDS", 300))


def user_for_token(token: str, now: dt.datetime | None = None) -> User | None:
    """The active account an unrevoked API token belongs to, or ``None``.

    The token's ``last_used_at`` (shown on the account's token page) is stamped only when it is
    older than :func:`token_last_used_resolution`: a client sending many calls a second wrote the
    same row on every one of them, and the two requests of a double click queued on its lock.
    The UPDATE is conditional too, so of concurrent calls that all read an old stamp one writes."""
    api_token = _TOKEN_BY_DIGEST.get(_digest(token))
    if api_token is None:
        return None
    now = now or timezone.now()
    stale = now - token_last_used_resolution()
    if api_token.last_used_at is None or api_token.last_used_at <= stale:
        ApiToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale), pk=api_token.pk
        ).update(last_used_at=now)
    return api_token.user


def revoke_api_token(*, user: User, token_id: int) -> None:
    """Revoke one of the user's own tokens; someone else's token is not found."""
    updated = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        from django.http import Http404

        raise Http404(_("No such token."))
