"""A person's own data: download everything the platform holds, or delete the account
(GDPR Articles 15, 17 and 20). Every app contributes through its ``personal_data`` module."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urbis.people import personal_data


@login_required
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "people/privacy.html", {})


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
