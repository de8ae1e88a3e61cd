"""How API clients prove who they are: a bearer token, or the browser's session with CSRF.

- A valid ``Authorization: Bearer`` token authenticates on its own; it needs no CSRF token,
  because a browser never attaches it to a forged cross-site request.
- A bearer token that is unknown, revoked or belongs to a deactivated account is refused at once
  with 401, even if the request also carries a session cookie: the client said who it is and
  that was wrong.
- A signed-in browser session authenticates only with its CSRF token (403 without it).
- Nothing of the above: 401. urbis/api.py turns both refusals into problem documents with a
  ``WWW-Authenticate: Bearer`` challenge (RFC 9110 §11.6.1, RFC 6750 §3).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from urbis.people import services


class InvalidToken(AuthenticationError):
    """A bearer token was sent and is not valid (RFC 6750 ``error="invalid_token"``)."""


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = services.user_for_token(token)
        if user is None:
            raise InvalidToken()
        request.user = user
        return user


class SignedInSessionAuth(SessionAuth):
    """The browser session, checked for CSRF only when someone is signed in: an anonymous
    request has no session to forge, so it is unauthenticated (401), not a CSRF failure."""

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)


# Write endpoints use this: either credential works.
write_auth = [TokenAuth(), SignedInSessionAuth()]
