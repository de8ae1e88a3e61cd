"""Insight pages: thin; figures come from stored results (services) and queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urbis.insight import forms, queries, services
from urbis.insight.models import AgeBand, Sex
from urbis.people.permissions import Action, can, require
from urbis.people.ratelimits import RateLimited, client_ip
from urbis.places import queries as places
from urbis.strategy.forms import apply_errors


def methods(request: HttpRequest) -> HttpResponse:
    """The toolbox and the guided selection (framework)."""
    def number(name: str) -> int | None:
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() else None

    goal = request.GET.get("goal") or None
    stage = request.GET.get("stage") or None
    asked = bool(goal or stage or request.GET.get("max_cost") or request.GET.get("max_weeks"))
    ranked = queries.rank_methods(goal=goal, stage=stage, max_cost=number("max_cost"),
                                  max_weeks=number("max_weeks")) if asked else []
    return render(request, "insight/methods.html", {
        "catalogue": queries.catalogue(), "methods": queries.methods(), "ranked": ranked,
        "goal": goal, "stage": stage, "network": queries.network(request.user),
        "max_cost": number("max_cost"), "max_weeks": number("max_weeks"),
        "comparisons": queries.comparisons(), "spread": queries.spread()})


def city_insight(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    return render(request, "insight/city.html", {
        "city": city, "can_edit": can(request.user, Action.EDIT, city),
        "inventory": queries.inventory(city),
        "surveys": queries.visible_surveys(city, request.user),
        "participation": queries.participation(city), "pilots": queries.city_pilots(city),
        "labs": city.living_labs.all(), "hack_days": queries.hack_days(city),
        "case_studies": queries.case_studies(city=city.code, user=request.user),
        "partnerships": queries.partnerships(city),
        "suggestions": queries.mentor_suggestions(city, request.user)})


def survey(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    survey = queries.get_survey(city, slug, request.user)
    items = list(survey.items.select_related("version__question"))
    errors: dict[str, Any] = {}
    token = request.GET.get("token") or request.POST.get("token") or None
    if request.method == "POST":
        answers: dict[str, Any] = {}
        for item in items:
            key = item.version.key
            if item.version.kind == "multiple":
                answers[key] = request.POST.getlist(key)
            else:
                answers[key] = request.POST.get(key, "")
        try:
            services.submit_response(
                by=request.user, survey=survey, answers=answers,
                age_band=request.POST.get("age_band", ""), sex=request.POST.get("sex", ""),
                district=request.POST.get("district", ""),
                consent=request.POST.get("consent") == "on", token=token)
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(request, _("Thank you: your answers are stored."))
            return redirect(survey.get_absolute_url())
    return render(request, "insight/survey.html", {
        "city": city, "survey": survey, "items": items, "errors": errors, "token": token,
        "age_bands": AgeBand.choices, "sexes": Sex.choices,
        "districts": services.districts_of(city), "posted": request.POST,
        "can_edit": can(request.user, Action.EDIT, city)}, status=422 if errors else 200)


def results(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    survey = queries.get_survey(city, slug, request.user)
    return render(request, "insight/results.html", {
        "city": city, "survey": survey, "results": survey.results,
        "can_edit": can(request.user, Action.EDIT, city)})


@login_required
@require_POST
def refresh(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    survey = queries.get_survey(city, slug, request.user)
    services.refresh_results(by=request.user, survey=survey)
    messages.success(request, _("Results recomputed."))
    return redirect("insight:results", city.code, survey.slug)


def comparison(request: HttpRequest, key: str) -> HttpResponse:
    found = queries.get_comparison(key)
    result = found.result
    names = {c["city"]: c["name"] for c in result["cities"]}
    return render(request, "insight/comparison.html", {
        "comparison": found, "result": result,
        "pairs": [{**p, "name_a": names[p["city_a"]], "name_b": names[p["city_b"]]}
                  for p in result["pairs"]],
        "chart": {"labels": [c["name"] for c in result["cities"]],
                  "raw": [c["raw_share"] for c in result["cities"]],
                  "low": [c["low"] for c in result["cities"]],
                  "high": [c["high"] for c in result["cities"]],
                  "adjusted": [c["adjusted_share"] for c in result["cities"]]}})


def case_studies(request: HttpRequest) -> HttpResponse:
    filters = {k: request.GET.get(k, "").strip() for k in ("q", "theme", "method", "city")}
    return render(request, "insight/case_studies.html", {
        "case_studies": queries.case_studies(**filters, user=request.user), "filters": filters,
        "methods": queries.methods(),
        "themes": sorted(set(queries.case_studies(user=request.user).values_list("theme",
                                                                             flat=True)))})


def case_study(request: HttpRequest, slug: str) -> HttpResponse:
    found = queries.get_case_study(slug, request.user)
    method = next((m for m in queries.methods() if m["code"] == found.method), None)
    return render(request, "insight/case_study.html", {
        "case": found, "method": method, "summary": queries.case_summary(found),
        "can_edit": found.city is not None and can(request.user, Action.EDIT, found.city)})


def participation(request: HttpRequest) -> HttpResponse:
    series = queries.network_participation(request.user)
    years = sorted({row["year"] for city in series for row in city["years"]})
    chart = {"years": years, "cities": [
        {"name": city["name"],
         "values": [next((r["participants_per_1000"] for r in city["years"]
                          if r["year"] == y), None) for y in years]}
        for city in series]}
    return render(request, "insight/participation.html", {"series": series, "chart": chart})


@login_required
def survey_new(request: HttpRequest, code: str) -> HttpResponse:
    """The questionnaire builder: editors pick question versions from the shared bank."""
    import datetime as dt

    city = places.get_city(code, request.user)
    require(request.user, Action.EDIT, city)
    errors: dict[str, Any] = {}
    if request.method == "POST":
        def when(name: str) -> dt.datetime | None:
            try:
                value = dt.datetime.fromisoformat(request.POST.get(name, ""))
            except ValueError:
                errors[name] = [_("Give a date and time.")]
                return None
            return value if value.tzinfo else value.replace(tzinfo=dt.UTC)

        opens, closes = when("opens"), when("closes")
        chosen = request.POST.getlist("questions")
        required = set(request.POST.getlist("required"))
        if not errors and opens and closes:
            try:
                survey = services.create_survey(
                    by=request.user, city=city, slug=request.POST.get("slug", "").strip(),
                    title=request.POST.get("title", "").strip(), opens=opens, closes=closes,
                    questions=[(key, key in required) for key in chosen],
                    by_invitation=request.POST.get("by_invitation") == "on")
            except ValidationError as error:
                errors = error.message_dict
            else:
                messages.success(request, _("Survey created."))
                return redirect(survey.get_absolute_url())
    return render(request, "insight/survey_new.html", {
        "city": city, "versions": queries.question_versions(), "errors": errors,
        "posted": request.POST}, status=422 if errors else 200)


# --- case studies, pilots, living labs, hack days, mentoring: pages and forms ---------------


def _form_page(
    request: HttpRequest, form: Any, *, save: Callable[[dict[str, Any]], Any],
    done: Callable[[Any], str], heading: str, city: Any, success: str,
    back: tuple[str, str] | None = None,
) -> HttpResponse:
    """Show ``form``; on a valid POST hand its values to ``save`` (a service, which checks the
    rules and the permission again) and put the service's errors on their fields. ``back`` is
    the (address, label) of the page the form came from; without it, the city's insight page."""
    limited: RateLimited | None = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.to_service())
        except RateLimited as exc:
            # The form again with the reason, not the generic 403 page (nothing was stored).
            limited = exc
            form.add_error(None, exc.for_person())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(done(saved))
    status = 429 if limited else 422 if request.method == "POST" else 200
    response = render(request, "insight/form.html", {"form": form, "heading": heading,
                                                     "city": city, "back": back}, status=status)
    if limited:
        response["Retry-After"] = str(limited.retry_after)
    return response


@login_required
def case_study_new(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    require(request.user, Action.EDIT, city)
    form = forms.CaseStudyForm(request.POST or None, methods=queries.methods())
    return _form_page(
        request, form, city=city, heading=_("New case study"), success=_("Case study saved."),
        save=lambda data: services.save_case_study(by=request.user, city=city, **data),
        done=lambda case: case.get_absolute_url())


@login_required
def case_study_edit(request: HttpRequest, slug: str) -> HttpResponse:
    case = queries.get_case_study(slug, request.user)
    if case.city is None:
        raise PermissionDenied(_("This case study belongs to no city."))
    require(request.user, Action.EDIT, case.city)
    form = forms.CaseStudyForm(request.POST or None, methods=queries.methods(),
                               initial=forms.CaseStudyForm.initial_from(case))
    return _form_page(
        request, form, city=case.city, heading=_("Edit the case study"),
        success=_("Case study saved."),
        save=lambda data: services.save_case_study(by=request.user, city=case.city, case=case,
                                                   **data),
        done=lambda saved: saved.get_absolute_url())


def pilot(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    found = queries.get_pilot(city, slug)
    return render(request, "insight/pilot.html", {
        "city": city, "pilot": found, "lineage": queries.lineage(found),
        "evaluation": queries.pilot_evaluation(found, request.user),
        "can_edit": can(request.user, Action.EDIT, city)})


@login_required
def pilot_new(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    require(request.user, Action.EDIT, city)
    origin = request.GET.get("origin", "")
    initial = {"origin": int(origin)} if origin.isdigit() else {}
    form = forms.PilotForm(request.POST or None, city=city, initial=initial)
    return _form_page(
        request, form, city=city, heading=_("New pilot"), success=_("Pilot saved."),
        save=lambda data: services.save_pilot(by=request.user, city=city, **data),
        done=lambda saved: saved.get_absolute_url())


@login_required
def pilot_edit(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    require(request.user, Action.EDIT, city)
    found = queries.get_pilot(city, slug)
    form = forms.PilotForm(request.POST or None, city=city,
                           initial=forms.PilotForm.initial_from(found))
    return _form_page(
        request, form, city=city, heading=_("Edit the pilot"), success=_("Pilot saved."),
        save=lambda data: services.save_pilot(by=request.user, city=city, pilot=found, **data),
        done=lambda saved: saved.get_absolute_url())


def lab(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    found = queries.get_lab(city, slug)
    return render(request, "insight/lab.html", {
        "city": city, "lab": found, "pilots": queries.city_pilots(city).filter(lab=found),
        "hack_days": queries.hack_days(city).filter(lab=found),
        "can_edit": can(request.user, Action.EDIT, city)})


def hack_day(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    found = queries.get_hack_day(city, slug)
    can_edit = can(request.user, Action.EDIT, city)
    form = forms.InitiativeForm(request.POST or None) if can_edit else None
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        require(request.user, Action.EDIT, city)
        assert form is not None
        if form.is_valid():
            try:
                services.add_initiative(by=request.user, hack_day=found, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Initiative added."))
                return redirect(found.get_absolute_url())
        status = 422
    return render(request, "insight/hack_day.html", {
        "city": city, "hack_day": found, "form": form, "can_edit": can_edit}, status=status)


@login_required
def initiative_idea(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    """Turn a hack-day initiative into an idea of one of the city's engagement processes."""
    city = places.get_city(code, request.user)
    require(request.user, Action.EDIT, city)
    found = queries.get_hack_day(city, slug)
    initiative = queries.get_initiative(found, pk)
    form = forms.InitiativeIdeaForm(
        request.POST or None, city=city,
        initial={"title": initiative.title, "body": initiative.summary})
    return _form_page(
        request, form, city=city,
        heading=_("Turn “%(initiative)s” into an idea") % {"initiative": initiative.title},
        success=_("The initiative is now an idea."),
        back=(found.get_absolute_url(),
              _("Hack day: %(t)s") % {"t": found.theme}),
        save=lambda data: services.initiative_to_idea(by=request.user, initiative=initiative,
                                                      ip=client_ip(request), **data),
        done=lambda idea: idea.get_absolute_url())


@login_required
def hack_day_new(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    require(request.user, Action.EDIT, city)
    form = forms.HackDayForm(request.POST or None, city=city)
    return _form_page(
        request, form, city=city, heading=_("New hack day"), success=_("Hack day saved."),
        save=lambda data: services.save_hack_day(by=request.user, city=city, **data),
        done=lambda saved: saved.get_absolute_url())


@login_required
def hack_day_edit(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    require(request.user, Action.EDIT, city)
    found = queries.get_hack_day(city, slug)
    form = forms.HackDayForm(request.POST or None, city=city,
                             initial=forms.HackDayForm.initial_from(found))
    return _form_page(
        request, form, city=city, heading=_("Edit the hack day"), success=_("Hack day saved."),
        save=lambda data: services.save_hack_day(by=request.user, city=city, hack_day=found,
                                                 **data),
        done=lambda saved: saved.get_absolute_url())


@login_required
def partnership_new(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    require(request.user, Action.EDIT, city)
    form = forms.PartnershipForm(request.POST or None, follower=city, user=request.user)
    return _form_page(
        request, form, city=city, heading=_("New mentoring partnership"),
        success=_("Partnership saved."),
        save=lambda data: services.save_partnership(by=request.user, follower=city, **data),
        done=lambda saved: reverse("insight:city", args=[city.code]))


@login_required
def partnership_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    city = places.get_city(code, request.user)
    require(request.user, Action.EDIT, city)
    found = queries.get_partnership(city, pk)
    form = forms.PartnershipForm(request.POST or None, follower=city, user=request.user,
                                 initial=forms.PartnershipForm.initial_from(found))
    return _form_page(
        request, form, city=city, heading=_("Edit the mentoring partnership"),
        success=_("Partnership saved."),
        save=lambda data: services.save_partnership(by=request.user, follower=city,
                                                    partnership=found, **data),
        done=lambda saved: reverse("insight:city", args=[city.code]))
