from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from urbis.people.models import User


class AuthenticatedRequest(HttpRequest):
    """The request of a ``login_required`` view: its user is a real account."""

    user: User


def activate_language(response: HttpResponse, language: str) -> None:
    """Set the language cookie that ``LocaleMiddleware`` reads, as Django's language switch
    does, so that the switch can still override it afterwards."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
