from __future__ import annotations

from django.http import HttpRequest

from urbis.people.models import User


class AuthenticatedRequest(HttpRequest):
    """The request of a ``login_required`` view: its user is a real account."""

    user: User
