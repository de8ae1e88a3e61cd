from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from urbis.people import ratelimits, services
from urbis.people.models import User


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    #: Seconds before another attempt is allowed, when the form was refused for too many failures.
    retry_after: int | None = None

    def clean(self) -> dict[str, Any]:
        # Checked here as well as in the backend so that the person reads why, not "wrong
        # password" (the backend's refusal looks like any failed authentication).
        wait = ratelimits.sign_in_wait(
            self.cleaned_data.get("username"),
            ratelimits.client_ip(self.request),
            device_cookie=self.request.COOKIES.get(ratelimits.KNOWN_DEVICE_COOKIE)
            if self.request
            else None,
        )
        if wait is not None:
            self.retry_after = wait
            raise ValidationError(ratelimits.throttled_message(wait), code="throttled")
        return super().clean()


class ThrottledPasswordResetForm(PasswordResetForm):
    """Each request sends an e-mail: limited per typed address and per client address."""

    retry_after: int | None = None

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def send_mail(self, *args: Any, **kwargs: Any) -> None:
        """The link goes out in the account's language, not the one of the page it was asked
        from (someone else may have asked for it)."""
        context = kwargs.get("context") or args[2]
        with translation.override(context["user"].mail_language):
            super().send_mail(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email = cleaned.get("email")
        if email:
            try:
                ratelimits.count_reset_request(email, ratelimits.client_ip(self.request))
            except ratelimits.SignInThrottled as exc:
                self.retry_after = exc.retry_after
                raise ValidationError(str(exc), code="throttled") from exc
        return cleaned


class SignUpForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    display_name = forms.CharField(label=_("Name shown to others"), max_length=150, required=False)
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def save(self) -> User:
        try:
            return services.sign_up(**self.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                self.add_error("password", exc)
            raise

    def clean(self) -> dict[str, Any]:
        return super().clean() or {}


class LanguageForm(forms.Form):
    """The account's preferred language; blank follows the browser."""

    language = forms.ChoiceField(
        label=_("Preferred language"),
        required=False,
        help_text=_("Pages after you sign in and the e-mails you get are in this language."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Each language in its own name, as the language switch shows it.
        field = self.fields["language"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("Follow my browser")),
            *((code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES),
        ]

    def save(self, *, by: User) -> User:
        try:
            return services.set_language(by=by, user=by, language=self.cleaned_data["language"])
        except ValidationError as exc:
            self.add_error("language", exc.message_dict.get("language", exc.messages))
            raise
