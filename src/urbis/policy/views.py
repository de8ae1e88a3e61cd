"""Policy pages: thin. Reads come from queries, writes go through services (which check the
permissions and the input), and a service's refusal is shown on the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import ModelChoiceField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urbis.people.models import Organisation
from urbis.people.permissions import Action, can, require
from urbis.places import queries as places
from urbis.policy import forms, queries, services
from urbis.policy.models import BarrierStatus, Level, Rating, Stance
from urbis.strategy.forms import apply_errors
from urbis.strategy.models import Action as StrategyAction
from urbis.strategy.models import ThemeKind


def _filters(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip() for k in ("level", "status", "city", "sector",
                                                        "effect")}


def barriers(request: HttpRequest) -> HttpResponse:
    """The network page: every barrier, ranked by how many cities and organisations it
    blocks, filterable."""
    filters = _filters(request)
    ranked = queries.ranked_barriers(
        queries.filter_barriers(queries.visible_barriers(request.user), **filters))
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return render(request, "policy/barriers.html", {
        "barriers": ranked, "filters": filters, "levels": Level.choices,
        "statuses": BarrierStatus.choices, "sectors": ThemeKind.choices,
        "cities": places.visible_cities(request.user),
        "csv_url": "/api/v1/barriers.csv" + (f"?{query}" if query else ""),
    })


def _speakable(user: Any) -> list[Organisation]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [o for o in Organisation.objects.select_related("city")
            if services.may_speak_for(user, o)]


def barrier(request: HttpRequest, slug: str, stance_form: Any = None,
            move_form: Any = None) -> HttpResponse:
    b = queries.get_barrier(slug, request.user)
    organisations = _speakable(request.user)
    taken = set(b.endorsements.values_list("organisation_id", flat=True))
    organisations = [o for o in organisations if o.pk not in taken]
    return render(request, "policy/barrier.html", {
        "barrier": b, "summary": queries.stance_summary(b), **queries.barrier_links(b),
        "ratings": queries.compare_rule(b),
        "stance_form": stance_form or (forms.StanceForm(organisations=organisations)
                                       if organisations else None),
        "move_form": move_form or (forms.MoveForm()
                                   if services.barrier_editor_cities(request.user, b) else None),
    }, status=400 if (stance_form or move_form) else 200)


@login_required
@require_POST
def barrier_stance(request: HttpRequest, slug: str) -> HttpResponse:
    b = queries.get_barrier(slug, request.user)
    form = forms.StanceForm(request.POST, organisations=_speakable(request.user))
    if form.is_valid():
        organisation = Organisation.objects.get(slug=form.cleaned_data["organisation"])
        try:
            services.record_stance(by=request.user, barrier=b, organisation=organisation,
                                   stance=form.cleaned_data["stance"],
                                   statement=form.cleaned_data["statement"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your organisation's position was recorded."))
            return redirect(b)
    return barrier(request, slug, stance_form=form)


@login_required
@require_POST
def barrier_move(request: HttpRequest, slug: str) -> HttpResponse:
    b = queries.get_barrier(slug, request.user)
    form = forms.MoveForm(request.POST)
    if form.is_valid():
        try:
            services.move_barrier(by=request.user, barrier=b, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The barrier's status was changed."))
            return redirect(b)
    return barrier(request, slug, move_form=form)


def _city_actions(request: HttpRequest, city: Any) -> Any:
    from urbis.strategy import queries as strategy_queries

    return StrategyAction.objects.filter(
        strategy__in=strategy_queries.visible_strategies(request.user, city)
    ).select_related("strategy")


@login_required
def barrier_new(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    require(request.user, Action.EDIT, city)
    form = forms.BarrierForm(request.POST or None, actions=_city_actions(request, city))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["actions"] = list(data.get("actions") or [])
        try:
            b = services.raise_barrier(by=request.user, city=city, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The barrier was registered."))
            return redirect(b)
    return render(request, "policy/form.html", {
        "city": city, "form": form, "heading": _("Raise a regulatory barrier")},
        status=400 if form.errors else 200)


def city_policy(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    shops = list(queries.visible_shops(city, request.user))
    procedures = [p for s in shops for p in s.procedures.all()]
    return render(request, "policy/city.html", {
        "city": city,
        "commitments": queries.visible_commitments(city, request.user),
        "barriers": queries.ranked_barriers(
            queries.filter_barriers(queries.visible_barriers(request.user), city=city.code)),
        "zones": queries.visible_zones(city, request.user, with_geometry=False),
        "checks": queries.visible_checks(city, request.user),
        "shops": shops, "median_saved": queries.median_days_saved(procedures),
        "bundles": queries.visible_bundles(city, request.user),
        "can_edit": can(request.user, Action.EDIT, city),
    })


def zones(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    phase = request.GET.get("phase", "")
    qs = queries.visible_zones(city, request.user, with_geometry=False)
    if phase:
        qs = qs.filter(phase=phase)
    zone_list = list(qs)
    return render(request, "policy/zones.html", {
        "city": city, "zones": zone_list, "phase": phase,
        "phases": qs.model._meta.get_field("phase").choices,
        "by_year": queries.zones_by_year(zone_list),
        "level": places.default_level(city),
        "can_edit": can(request.user, Action.EDIT, city),
    })


def zone(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    z = queries.get_zone(city, slug, request.user, with_geometry=False)
    return render(request, "policy/zone.html", {
        "city": city, "zone": z, "level": places.default_level(city),
        "can_edit": can(request.user, Action.EDIT, city)})


@login_required
def zone_new(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    require(request.user, Action.EDIT, city)
    form = forms.ZoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            z = services.save_zone(by=request.user, city=city, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The innovation zone was saved."))
            return redirect(z)
    return render(request, "policy/form.html", {
        "city": city, "form": form, "heading": _("New innovation zone")},
        status=400 if form.errors else 200)


def commitment(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    c = queries.get_commitment(city, slug, request.user)
    vocabulary = {a["code"]: a["title"] for a in services.priorities()["actions"]}
    return render(request, "policy/commitment.html", {
        "city": city, "commitment": c,
        "priorities": [(code, vocabulary.get(code, "")) for code in c.priorities],
        "vocabulary_source": services.priorities()["source"],
        "plan": queries.funding_plan(city, request.user),
        "can_edit": can(request.user, Action.EDIT, city),
    })


def fitness_check(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    check = queries.get_check(city, slug, request.user)
    summary = queries.check_summary(check)
    chart = {"labels": [d["domain"] for d in summary["domains"]],
             "series": [{"label": str(label), "key": value,
                         "data": [d[value] for d in summary["domains"]]}
                        for value, label in Rating.choices]}
    return render(request, "policy/check.html", {
        "city": city, "check": check, "summary": summary, "chart": chart,
        "can_edit": can(request.user, Action.EDIT, city)})


def network_series(request: HttpRequest) -> HttpResponse:
    series = queries.figure_series()
    return render(request, "policy/network.html", {
        "series": series,
        "chart": {s["code"]: {"unit": s["unit"], "points": s["points"]} for s in series},
        "zones_by_year": queries.zones_by_year(
            z for z in queries.InnovationZone.objects.filter(is_published=True,
                                                              city__is_published=True)),
        "stance": Stance,
    })


# ------------------------------------------------------------------ editors' forms
#
# Each page below shows one form and hands its values to one service; the service checks the
# permission and the input, and its refusal is shown on the form with nothing stored.


def _form_page(request: HttpRequest, city: Any, form: Any, heading: str,
               save: Callable[[dict[str, Any]], Any], done: Callable[[Any], str],
               saved: str) -> HttpResponse:
    require(request.user, Action.EDIT, city)
    if request.method == "POST" and form.is_valid():
        try:
            result = save(dict(form.cleaned_data))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, saved)
            return redirect(done(result))
    return render(request, "policy/form.html", {"city": city, "form": form,
                                                "heading": heading},
                  status=400 if form.errors else 200)


@login_required
def commitment_new(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    form = forms.CommitmentForm(request.POST or None,
                                vocabulary=services.priorities()["actions"])
    return _form_page(
        request, city, form, _("New commitment"),
        lambda data: services.save_commitment(by=request.user, city=city, **data),
        lambda c: c.get_absolute_url(), _("The commitment was saved."))


@login_required
def commitment_phase(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    commitment = queries.get_commitment(city, slug, request.user)
    return _form_page(
        request, city, forms.PhaseForm(request.POST or None),
        _("Roadmap phase of %(title)s") % {"title": commitment.title},
        lambda data: services.set_phase(by=request.user, commitment=commitment, **data),
        lambda _r: commitment.get_absolute_url(), _("The phase was saved."))


@login_required
def commitment_involvement(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    commitment = queries.get_commitment(city, slug, request.user)
    return _form_page(
        request, city, forms.InvolvementForm(request.POST or None),
        _("Stakeholder involvement in %(title)s") % {"title": commitment.title},
        lambda data: services.record_involvement(by=request.user, commitment=commitment,
                                                 **data),
        lambda _r: commitment.get_absolute_url(), _("The involvement was recorded."))


@login_required
def check_new(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    return _form_page(
        request, city, forms.CheckForm(request.POST or None), _("New fitness check"),
        lambda data: services.save_fitness_check(by=request.user, city=city, **data),
        lambda c: c.get_absolute_url(), _("The fitness check was saved."))


@login_required
def check_assess(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    check = queries.get_check(city, slug, request.user)
    form = forms.AssessmentForm(request.POST or None)
    assert isinstance(form.fields["barrier"], ModelChoiceField)
    form.fields["barrier"].queryset = queries.visible_barriers(request.user)
    return _form_page(
        request, city, form, _("Rate a rule in %(title)s") % {"title": check.title},
        lambda data: services.assess(by=request.user, check=check, **data),
        lambda _r: check.get_absolute_url(), _("The rating was saved."))


@login_required
def shop_new(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    return _form_page(
        request, city, forms.ShopForm(request.POST or None), _("New one-stop shop"),
        lambda data: services.save_shop(by=request.user, city=city, **data),
        lambda _s: reverse("policy:city", args=[city.code]), _("The one-stop shop was saved."))


@login_required
def shop_procedure(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    shop = queries.visible_shops(city, request.user).filter(slug=slug).first()
    if shop is None:
        raise Http404(_("No such one-stop shop"))
    return _form_page(
        request, city, forms.ProcedureForm(request.POST or None),
        _("Procedure of %(name)s") % {"name": shop.name},
        lambda data: services.add_procedure(by=request.user, shop=shop, **data),
        lambda _p: reverse("policy:city", args=[city.code]), _("The procedure was saved."))


@login_required
def bundle_new(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    form = forms.BundleForm(request.POST or None, actions=_city_actions(request, city))

    def save(data: dict[str, Any]) -> Any:
        chosen = list(data.pop("actions") or [])
        return services.save_bundle(by=request.user, city=city, actions=chosen, **data)

    return _form_page(request, city, form, _("New project bundle"), save,
                      lambda _b: reverse("policy:city", args=[city.code]),
                      _("The project bundle was saved."))


def _zone_form(request: HttpRequest, code: str, slug: str, form_class: Any, heading: str,
               call: Callable[..., Any], saved: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    z = queries.get_zone(city, slug, request.user)
    return _form_page(request, city, form_class(request.POST or None),
                      heading % {"title": z.title},
                      lambda data: call(by=request.user, zone=z, **data),
                      lambda _r: z.get_absolute_url(), saved)


@login_required
def zone_phase(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    return _zone_form(request, code, slug, forms.ZonePhaseForm, _("Next phase of %(title)s"),
                      services.move_zone_phase, _("The zone moved to its next phase."))


@login_required
def zone_rule(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    return _zone_form(request, code, slug, forms.RuleForm, _("A rule of %(title)s"),
                      services.add_zone_rule, _("The rule was recorded."))


@login_required
def zone_rollout(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    return _zone_form(request, code, slug, forms.RolloutForm, _("Roll-out of %(title)s"),
                      services.add_rollout, _("The roll-out was recorded."))


@login_required
def zone_observation(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    return _zone_form(request, code, slug, forms.ZoneObservationForm,
                      _("A monitoring value inside %(title)s"),
                      services.add_zone_observation, _("The value was recorded."))
