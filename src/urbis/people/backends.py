from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from urbis.people import ratelimits


class EmailBackend(ModelBackend):
    """Log in with the e-mail address, whatever its case; failed attempts are throttled per
    account and per address (people/ratelimits.py), on every path that authenticates (the
    sign-in page, the admin's, ``authenticate()`` in code)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        email = kwargs.get("email") or username
        if not email or password is None:
            return None
        email = email.strip().lower()
        ip = ratelimits.client_ip(request)
        device = request.COOKIES.get(ratelimits.KNOWN_DEVICE_COOKIE) if request else None
        # Refused before the password is checked, so that the right one does not get in either
        # (django.contrib.auth.authenticate() treats PermissionDenied as "no one").
        ratelimits.check_sign_in(email, ip, device_cookie=device)
        user = super().authenticate(request, username=email, password=password)
        if user is None:
            ratelimits.sign_in_failed(email, ip, device_cookie=device)
        else:
            ratelimits.sign_in_succeeded(email, device_cookie=device)
        return user
