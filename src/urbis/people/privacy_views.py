"""A person's own data: download everything the platform holds, or delete the account
(GDPR Articles 15, 17 and 20). Every app contributes through its ``personal_data`` module."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urbis.people import personal_data
from urbis.people.forms import LanguageForm
from urbis.people.http import AuthenticatedRequest, activate_language


@login_required
def privacy(request: AuthenticatedRequest) -> HttpResponse:
    """The account page: preferred language, download, deletion."""
    form = LanguageForm(
        request.POST or None, initial={"language": request.user.language}, prefix="account"
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = form.save(by=request.user)
        except ValidationError:
            pass
        else:
            response = redirect("people:privacy")
            if user.language:
                activate_language(response, user.language)
            else:  # follow the browser again
                response.delete_cookie(settings.LANGUAGE_COOKIE_NAME,
                                       path=settings.LANGUAGE_COOKIE_PATH,
                                       domain=settings.LANGUAGE_COOKIE_DOMAIN)
            messages.success(request, _("Your preferred language is saved."))
            return response
    return render(request, "people/privacy.html", {"language_form": form})


@login_required
def export(request: HttpRequest) -> HttpResponse:
    data = personal_data.export(request.user)  # type: ignore[arg-type]
    data["exported_at"] = timezone.now().isoformat()
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="urbis-personal-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def delete(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.check_password(request.POST.get("password", "")):
        messages.error(request, _("The password is not right; nothing was deleted."))
        return redirect("people:privacy")
    personal_data.delete_account(user)  # type: ignore[arg-type]
    logout(request)
    messages.success(request, _("Your account is deleted. Your votes stay counted anonymously."))
    return redirect("web:home")
