"""How API clients prove who they are: a bearer token, or the browser's session with CSRF."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from urbis.people import services


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = services.user_for_token(token)
        if user is not None:
            request.user = user
        return user


# Write endpoints use this: either credential works.
write_auth = [TokenAuth(), SessionAuth()]
