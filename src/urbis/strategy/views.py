"""Pages of the strategy app. Thin: they parse, call services or queries, and render."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from urbis.errors import ImportRefused
from urbis.people.permissions import Action as Can
from urbis.people.permissions import can, require
from urbis.places import queries as places
from urbis.strategy import forms, pdf, queries, services
from urbis.strategy.models import (
    ActionStatus,
    Framework,
    Horizon,
    Indicator,
    Milestone,
    Observation,
    PartnerRole,
    ThemeKind,
)
from urbis.web.sections import render_sections


def _strategy(request: HttpRequest, code: str, slug: str) -> Any:
    city = places.get_city(code, request.user)
    return city, queries.get_strategy(city, slug, request.user)


def _base(request: HttpRequest, city: Any, strategy: Any = None) -> dict[str, Any]:
    return {
        "city": city,
        "strategy": strategy,
        "can_edit": can(request.user, Can.EDIT, city),
        "can_publish": can(request.user, Can.ADMINISTER, city),
    }


# ---------------------------------------------------------------- strategy


def strategy_index(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    strategies = list(queries.visible_strategies(request.user, city))
    if len(strategies) == 1 and not can(request.user, Can.EDIT, city):
        return redirect(strategies[0].get_absolute_url())
    return render(request, "strategy/index.html", {**_base(request, city),
                                                   "strategies": strategies})


def strategy_detail(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city, strategy = _strategy(request, code, slug)
    overview = queries.strategy_overview(strategy, user=request.user)
    charts = {row["target"].pk: row["chart"] for row in overview["targets"]}
    return render(
        request,
        "strategy/strategy.html",
        {
            **_base(request, city, strategy),
            **overview,
            "charts": charts,
            "reports": list(queries.reports(strategy)[:5]),
            "departments": queries.departments_of(strategy),
        },
    )


@login_required
def strategy_edit(request: HttpRequest, code: str, slug: str | None = None) -> HttpResponse:
    city = places.get_city(code, request.user)
    require(request.user, Can.EDIT, city)
    strategy = queries.get_strategy(city, slug, request.user) if slug else None
    initial = {}
    if strategy is not None:
        initial = {f: getattr(strategy, f) for f in forms.StrategyForm.base_fields}
    form = forms.StrategyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not can(request.user, Can.ADMINISTER, city):
            data.pop("is_published")  # editors keep whatever an administrator decided
        try:
            strategy = services.save_strategy(
                by=request.user, city=city, strategy=strategy, **data
            )
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("Strategy saved."))
            return redirect(strategy.get_absolute_url())
    return render(request, "strategy/form.html", {
        **_base(request, city, strategy), "form": form,
        "heading": _("Edit the strategy") if strategy else _("New strategy"),
        "themes": strategy.themes.all() if strategy else [],
        "theme_form": forms.ThemeForm() if strategy else None,
    })


@login_required
@require_POST
def theme_add(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city, strategy = _strategy(request, code, slug)
    form = forms.ThemeForm(request.POST)
    if form.is_valid():
        try:
            services.save_theme(by=request.user, strategy=strategy, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Theme added."))
    else:
        messages.error(request, _("Give the theme a name and a kind."))
    return redirect("strategy:strategy-edit", code=city.code, slug=strategy.slug)


def strategy_history(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city, strategy = _strategy(request, code, slug)
    return render(request, "strategy/history.html", {
        **_base(request, city, strategy), "subject": strategy,
        "changes": queries.history("strategy", strategy.pk),
    })


# ---------------------------------------------------------------- targets


def target_detail(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    city, strategy = _strategy(request, code, slug)
    target = queries.get_target(strategy, pk)
    status = queries.target_status(target, user=request.user)
    return render(request, "strategy/target.html", {
        **_base(request, city, strategy),
        "target": target,
        "status": status,
        "charts": {target.pk: queries.chart_data(target, status)},
        "actions": target.actions.select_related("strategy__city").defer(*queries.HEAVY),
        "changes": queries.history("target", target.pk)[:50],
    })


@login_required
def target_edit(request: HttpRequest, code: str, slug: str, pk: int | None = None) -> HttpResponse:
    city, strategy = _strategy(request, code, slug)
    require(request.user, Can.EDIT, city)
    target = queries.get_target(strategy, pk) if pk else None
    initial: dict[str, Any] = {}
    if target is not None:
        initial = {f: getattr(target, f) for f in forms.TargetForm.base_fields
                   if f not in {"theme", "indicator", "departments"}}
        initial.update(theme=target.theme_id, indicator=target.indicator_id,
                       departments=[d.pk for d in target.departments.all()])
    form = forms.TargetForm(request.POST or None, initial=initial, strategy=strategy)
    if request.method == "POST" and form.is_valid():
        try:
            target = services.save_target(
                by=request.user, strategy=strategy, target=target, **form.to_service()
            )
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("Target saved."))
            return redirect(target.get_absolute_url())
    return render(request, "strategy/form.html", {
        **_base(request, city, strategy), "form": form, "subject": target,
        "heading": _("Edit target") if target else _("New target"),
    })


# ---------------------------------------------------------------- actions


def action_list(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city, strategy = _strategy(request, code, slug)
    filters = {key: request.GET.get(key, "") for key in queries.ACTION_FILTERS}
    rows = [
        {"action": action, "progress": queries.action_progress(action)}
        for action in queries.actions(strategy, filters)
    ]
    return render(request, "strategy/actions.html", {
        **_base(request, city, strategy),
        "rows": rows,
        "filters": filters,
        "themes": strategy.themes.all(),
        "statuses": ActionStatus.choices,
        "horizons": Horizon.choices,
        "departments": queries.departments_of(strategy),
    })


def action_detail(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    city, strategy = _strategy(request, code, slug)
    action = queries.get_action(strategy, pk)
    return render(request, "strategy/action.html", {
        **_base(request, city, strategy),
        "action": action,
        "progress": queries.action_progress(action),
        "milestones": action.milestones.all(),
        "today": timezone.localdate(),
        "impacts": action.impacts.select_related("target"),
        "funding": action.funding.all(),
        "partners": action.partner_links.select_related("organisation"),
        "flags": queries.action_flags(action),
        "depends_on": action.depends_on.all(),
        "dependents": action.dependents.all(),
        "changes": queries.history("action", action.pk)[:50],
        "milestone_form": forms.MilestoneForm(),
        "action_sections": render_sections("action", request, action),
    })


@login_required
def action_edit(request: HttpRequest, code: str, slug: str, pk: int | None = None) -> HttpResponse:
    city, strategy = _strategy(request, code, slug)
    require(request.user, Can.EDIT, city)
    action = queries.get_action(strategy, pk) if pk else None
    initial: dict[str, Any] = {"currency": "EUR"}
    keep: dict[str, Any] = {}
    if action is not None:
        initial = {f: getattr(action, f) for f in forms.ActionForm.base_fields
                   if f not in {"theme", "responsible_department", "partners", "depends_on",
                                "funding", "targets", "ppp_partners", "ppp_agreement",
                                "is_ppp", "is_citizen_driven"}}
        keep = {f.kind: {"kind": f.kind, "amount": f.amount, "note": f.note}
                for f in action.funding.all()}
        links = list(action.partner_links.all())
        initial.update(
            theme=action.theme_id, responsible_department=action.responsible_department_id,
            partners=[link.organisation_id for link in links if link.role != PartnerRole.PPP],
            ppp_partners=[link.organisation_id for link in links
                          if link.role == PartnerRole.PPP],
            ppp_agreement=next((link.agreement for link in links if link.agreement), ""),
            is_ppp=forms.override_initial(action.is_ppp),
            is_citizen_driven=forms.override_initial(action.is_citizen_driven),
            depends_on=[a.pk for a in action.depends_on.all()],
            funding=list(keep), targets=[t.pk for t in action.targets.all()],
        )
    form = forms.ActionForm(request.POST or None, initial=initial, strategy=strategy,
                            exclude=action.pk if action else None)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.save_action(
                by=request.user, strategy=strategy, action=action, **form.to_service(keep)
            )
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("Action saved."))
            return redirect(action.get_absolute_url())
    return render(request, "strategy/form.html", {
        **_base(request, city, strategy), "form": form, "subject": action,
        "heading": _("Edit action") if action else _("New action"),
    })


@login_required
@require_POST
def milestone_add(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    city, strategy = _strategy(request, code, slug)
    action = queries.get_action(strategy, pk)
    form = forms.MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.save_milestone(by=request.user, action=action, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Milestone added."))
    else:
        messages.error(request, _("Give a title and a due date (YYYY-MM-DD)."))
    return redirect(action.get_absolute_url())


@login_required
@require_POST
def milestone_done(
    request: HttpRequest, code: str, slug: str, pk: int, milestone: int
) -> HttpResponse:
    city, strategy = _strategy(request, code, slug)
    action = queries.get_action(strategy, pk)
    item = Milestone.objects.filter(pk=milestone, action=action).first()
    if item is None:
        raise PermissionDenied(_("No such milestone on this action."))
    services.save_milestone(
        by=request.user, action=action, milestone=item, title=item.title,
        due_date=item.due_date, done_on=timezone.localdate(),
    )
    messages.success(request, _("Milestone marked as done."))
    return redirect(action.get_absolute_url())


# ---------------------------------------------------------------- reports


def report_list(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city, strategy = _strategy(request, code, slug)
    form = forms.ReportForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        if form.is_valid():
            try:
                report = services.publish_report(by=request.user, strategy=strategy,
                                                 **form.cleaned_data)
            except ValidationError as exc:
                forms.apply_errors(form, exc)
            else:
                messages.success(request, _("Report published."))
                return redirect(report.get_absolute_url())
    return render(request, "strategy/reports.html", {
        **_base(request, city, strategy), "reports": queries.reports(strategy), "form": form,
    })


def report_detail(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    city, strategy = _strategy(request, code, slug)
    report = queries.get_report(strategy, pk)
    return render(request, "strategy/report.html", {
        **_base(request, city, strategy), "report": report,
        "content": queries.report_for_display(report),
    })


def report_pdf(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    city, strategy = _strategy(request, code, slug)
    report = queries.get_report(strategy, pk)
    response = HttpResponse(pdf.render(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.file_name(report)}"'
    return response


def report_csv(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    city, strategy = _strategy(request, code, slug)
    report = queries.get_report(strategy, pk)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(queries.report_rows(report))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="report-{report.pk}.csv"'
    return response


def report_json(request: HttpRequest, code: str, slug: str, pk: int) -> JsonResponse:
    city, strategy = _strategy(request, code, slug)
    report = queries.get_report(strategy, pk)
    return JsonResponse({
        "id": report.pk, "title": report.title,
        "published_at": report.published_at.isoformat(), **report.content,
    }, json_dumps_params={"ensure_ascii": False})


# ---------------------------------------------------------------- indicators


def city_indicators(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    upload = forms.UploadForm()
    new_indicator = forms.IndicatorForm()
    errors: list[Any] = []
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        require(request.user, Can.EDIT, city)
        if "file" in request.FILES:
            upload = forms.UploadForm(request.POST, request.FILES)
            if upload.is_valid():
                file = upload.cleaned_data["file"]
                try:
                    count = services.upload_observations_csv(
                        by=request.user, city=city, data=file.read(), file=file.name
                    )
                except ImportRefused as exc:
                    errors = exc.errors
                else:
                    messages.success(request, ngettext(
                        "%(n)d observation stored.", "%(n)d observations stored.", count
                    ) % {"n": count})
                    return redirect("strategy:city-indicators", code=city.code)
        else:
            new_indicator = forms.IndicatorForm(request.POST)
            if new_indicator.is_valid():
                try:
                    services.create_indicator(by=request.user, city=city,
                                              **new_indicator.cleaned_data)
                except ValidationError as exc:
                    forms.apply_errors(new_indicator, exc)
                else:
                    messages.success(request, _("Indicator created."))
                    return redirect("strategy:city-indicators", code=city.code)
    observed = (
        Observation.objects.filter(city=city)
        .values("indicator").distinct()
    )
    private = can(request.user, Can.VIEW_PRIVATE, city)
    indicators = []
    for indicator in Indicator.objects.filter(pk__in=observed).order_by("theme", "name"):
        rows = list(queries.observations(indicator, city, user=request.user))
        if rows or private:
            indicators.append({"indicator": indicator, "rows": rows})
    return render(request, "strategy/city_indicators.html", {
        **_base(request, city), "indicators": indicators, "upload": upload,
        "new_indicator": new_indicator, "errors": errors,
        "own": Indicator.objects.filter(city=city),
    })


def catalogue(request: HttpRequest) -> HttpResponse:
    theme = request.GET.get("theme", "")
    framework = request.GET.get("framework", "")
    rows = queries.catalogue()
    if theme:
        rows = rows.filter(theme=theme)
    if framework:
        rows = rows.filter(framework=framework)
    return render(request, "strategy/catalogue.html", {
        "indicators": rows, "themes": ThemeKind.choices, "theme": theme,
        "frameworks": [f for f in Framework.choices if f[0] != Framework.CUSTOM],
        "framework": framework,
    })


def compare(request: HttpRequest, indicator: str) -> HttpResponse:
    the_indicator = queries.get_catalogue_indicator(indicator)
    result = queries.compare(the_indicator, user=request.user)
    return render(request, "strategy/compare.html", {
        **result, "per_capita": the_indicator.per_capita,
        "charts": queries.compare_chart(the_indicator, result["rows"]),
    })


def network(request: HttpRequest) -> HttpResponse:
    figures = queries.network_figures(user=request.user)
    illustrative = any(
        s["strategy"].is_illustrative for entry in figures["cities"] for s in entry["strategies"]
    )
    return render(request, "strategy/network.html", {
        "figures": figures, "illustrative": illustrative,
        # Other apps' figures (policy's series over time): web.sections, "network" page.
        "network_sections": render_sections("network", request, None),
    })
