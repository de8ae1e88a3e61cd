"""Pages where a city's administrators manage who holds which role, and where people manage
their own API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urbis.people import services
from urbis.people.http import AuthenticatedRequest
from urbis.people.models import Role, User
from urbis.people.permissions import Action, require
from urbis.places import queries as places


@login_required
def members(request: AuthenticatedRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    require(request.user, Action.ADMINISTER, city)
    if request.method == "POST":
        user = User.objects.filter(email=request.POST.get("email", "").strip().lower()).first()
        if user is None:
            messages.error(request, _("No account uses that e-mail address."))
        else:
            try:
                services.grant_role(
                    by=request.user, user=user, city=city, role=request.POST.get("role", "")
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Role saved."))
                return redirect("people-city:members", code=city.code)
    return render(
        request,
        "people/members.html",
        {
            "city": city,
            "memberships": city.memberships.select_related("user").order_by("role", "user__email"),
            "roles": Role.choices,
        },
    )


@login_required
@require_POST
def revoke(request: AuthenticatedRequest, code: str, user_id: int) -> HttpResponse:
    city = places.get_city(code, request.user)
    user = get_object_or_404(User, pk=user_id)
    if user == request.user:
        raise PermissionDenied(_("Administrators cannot remove their own role."))
    services.revoke_role(by=request.user, user=user, city=city)
    messages.success(request, _("Role removed."))
    return redirect("people-city:members", code=city.code)


@login_required
def tokens(request: AuthenticatedRequest) -> HttpResponse:
    new_token = None
    if request.method == "POST":
        label = request.POST.get("label", "").strip()
        if not label:
            messages.error(request, _("Give the token a label, so you know where it is used."))
        else:
            new_token = services.issue_api_token(user=request.user, label=label)
    return render(
        request,
        "people/tokens.html",
        {
            "tokens": request.user.api_tokens.filter(revoked_at__isnull=True).order_by(
                "-created_at"
            ),
            "new_token": new_token,
        },
    )


@login_required
@require_POST
def revoke_token(request: AuthenticatedRequest, token_id: int) -> HttpResponse:
    services.revoke_api_token(user=request.user, token_id=token_id)
    messages.success(request, _("Token revoked."))
    return redirect("people:tokens")
