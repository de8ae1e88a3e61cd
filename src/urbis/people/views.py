from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from urbis.people import ratelimits
from urbis.people.forms import EmailLoginForm, SignUpForm, ThrottledPasswordResetForm
from urbis.people.http import activate_language


def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = form.save()
        except ValidationError:
            pass
        else:
            login(request, user, backend="urbis.people.backends.EmailBackend")
            return redirect("web:home")
    return render(request, "people/signup.html", {"form": form})


def _too_many(response: HttpResponse, form: Any) -> HttpResponse:
    """A form refused for too many attempts answers 429 with Retry-After (RFC 6585), so that
    scripts see the limit too; a person reads the form's message."""
    retry_after = getattr(form, "retry_after", None)
    if retry_after is not None:
        response.status_code = 429
        response["Retry-After"] = str(retry_after)
    return response


class LoginView(auth_views.LoginView):
    template_name = "people/login.html"
    authentication_form = EmailLoginForm

    def form_invalid(self, form: Any) -> HttpResponse:
        return _too_many(super().form_invalid(form), form)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        if user.language:
            # Pages follow the account's language from now on; the language switch still
            # overrides it, as it sets the same cookie.
            activate_language(response, user.language)
        # Marks this browser as one the account signs in from: while an attacker elsewhere
        # has the account locked, its owner can still sign in here (people/ratelimits.py).
        response.set_cookie(
            ratelimits.KNOWN_DEVICE_COOKIE,
            ratelimits.known_device_cookie(user.email),
            max_age=ratelimits.KNOWN_DEVICE_DAYS * 24 * 3600,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "people/password_reset.html"
    email_template_name = "people/password_reset_email.txt"
    form_class = ThrottledPasswordResetForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form: Any) -> HttpResponse:
        return _too_many(super().form_invalid(form), form)
