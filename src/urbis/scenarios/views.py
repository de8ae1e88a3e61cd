"""Scenario pages: thin; the numbers come from the stored run (queries), runs from services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from urbis.errors import ImportRefused
from urbis.jobs.services import job_for
from urbis.people.permissions import Action, can, require
from urbis.places import queries as places
from urbis.scenarios import queries, services
from urbis.scenarios.exports import export_response
from urbis.scenarios.forms import (
    DriverForm,
    DriverPeriodFormSet,
    DriverPointFormSet,
    FactorRowFormSet,
    InventoryForm,
    InventoryRowFormSet,
    MeasureForm,
    ScenarioForm,
)
from urbis.scenarios.labels import (
    SECTOR_LABELS,
    labelled_driver_rows,
    labelled_factors,
    labelled_inventory_rows,
    labelled_wedges,
)
from urbis.scenarios.models import Driver, Inventory, InventoryKind, Measure


def scenario_list(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    can_edit = can(request.user, Action.EDIT, city)
    return render(request, "scenarios/list.html", {
        "city": city, "scenarios": list(queries.visible_scenarios(city, request.user)),
        "can_edit": can_edit,
        "inventories": Inventory.objects.filter(city=city) if can_edit else []})


@login_required
def inventory_upload(request: HttpRequest, code: str) -> HttpResponse:
    """Editors import a baseline inventory CSV (all rows or none)."""
    city = places.get_city(code, request.user)
    require(request.user, Action.EDIT, city)
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            year = int(request.POST.get("year", ""))
        except ValueError:
            errors.append(_("Give the inventory's year."))
            year = 0
        if upload is None:
            errors.append(_("Choose a CSV file."))
        if not errors and upload is not None:
            try:
                inv = services.import_inventory_csv(
                    request.user, city, year, upload.read(), file_name=upload.name or "",
                    source=request.POST.get("source", ""),
                    kind=request.POST.get("kind", "bei"))
            except ImportRefused as err:
                errors.extend(str(e) for e in err.errors)
            else:
                rows = inv.rows.count()
                messages.success(request, ngettext("Inventory %(year)s stored: %(rows)s row.",
                                                   "Inventory %(year)s stored: %(rows)s rows.",
                                                   rows) % {"year": inv.year, "rows": rows})
                return redirect("scenarios:inventories", city.code)
    return render(request, "scenarios/inventory_upload.html", {
        "city": city, "errors": errors, "kinds": InventoryKind.choices,
        "kind": request.POST.get("kind", "bei")}, status=422 if errors else 200)


def inventory_list(request: HttpRequest, code: str) -> HttpResponse:
    """The city's baseline and monitoring inventories with their totals and origin."""
    city = places.get_city(code, request.user)
    return render(request, "scenarios/inventories.html", {
        "city": city, "can_edit": can(request.user, Action.EDIT, city),
        "inventories": queries.inventory_summaries(
            queries.visible_inventories(city, request.user), city)})


def scenario_detail(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    scenario = queries.get_scenario(city, slug, request.user)
    run = queries.latest_run(scenario)
    observations = queries.emission_observations(scenario, request.user)
    monitoring = queries.monitoring_points(scenario, request.user) if run else []
    rows = []
    if run is not None:
        r = run.result
        for i, year in enumerate(r["years"]):
            rows.append({"year": year, "bau": r["bau"][i], "scenario": r["scenario"][i],
                         "p5": r["bands"]["scenario"][0][i], "p95": r["bands"]["scenario"][2][i]})
    can_edit = can(request.user, Action.EDIT, city)
    # Only editors queue runs, so only they see the queue (readers' pages stay one query less).
    job = job_for(services.run_subject(scenario.pk)) if can_edit else None
    show_job = job is not None and (
        not job.finished
        or (job.status == "FAILED" and (run is None or run.created_at < (job.enqueued_at or
                                                                         run.created_at))))
    return render(request, "scenarios/detail.html", {
        "job": job if show_job else None,
        "job_step": services.STEP_LABELS.get(job.step, job.step) if job else "",
        "city": city, "scenario": scenario, "run": run, "rows": rows,
        # The action's link needs its city's code; never its boundary GeoJSON.
        "measures": scenario.measures.select_related("action__strategy__city").defer(
            "action__strategy__city__boundary", "action__strategy__city__bbox"),
        "can_edit": can_edit,
        "chart": {**run.result, "observations": observations,
                  "monitoring": monitoring} if run else None,
        "monitoring": monitoring,
        "wedges": labelled_wedges(run.result["wedges"]) if run else [],
        "wedge_band_rows": queries.wedge_band_rows(run.result) if run else [],
        "inventory_rows": labelled_inventory_rows(
            run.result.get("inventory", {}).get("rows", [])) if run else [],
        "observations": observations,
        "driver_rows": labelled_driver_rows(run.result.get("drivers")) if run else [],
        "factor_rows": labelled_factors(run.result.get("factors", [])) if run else [],
    })


def run_export(request: HttpRequest, code: str, slug: str, fmt: str) -> HttpResponseBase:
    """The latest stored run as CSV (streamed) or JSON: whoever may read the scenario may
    download it (a published scenario of a visible city: anyone)."""
    city = places.get_city(code, request.user)
    scenario = queries.get_scenario(city, slug, request.user)
    run = queries.latest_run(scenario)
    if run is None:
        raise Http404(_("This scenario has not been computed yet."))
    return export_response(scenario, run, fmt)


@login_required
@require_POST
def scenario_run(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    scenario = queries.get_scenario(city, slug, request.user)
    try:
        services.queue_run(request.user, scenario)
    except ValidationError as err:
        messages.error(request, "; ".join(err.messages))
    else:
        messages.success(request, _("The run is queued; this page shows it when a worker has "
                                    "computed it."))
    return redirect(scenario)


# --- The scenario builder (editors) -----------------------------------------------------------


def _refuse_unless_editor(request: HttpRequest, city: Any) -> None:
    require(request.user, Action.EDIT, city)


def _put_errors(form: Any, err: ValidationError) -> None:
    """A service's refusal, on the fields it names (else at the top of the form)."""
    if hasattr(err, "error_dict"):
        for fld, errors in err.error_dict.items():
            form.add_error(fld if fld in form.fields else None, errors)
    else:
        form.add_error(None, err)


def _kept(formset: Any) -> list[dict[str, Any]]:
    """The cleaned rows of a formset that were filled in and not ticked for deletion."""
    return [f.cleaned_data for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")]


def _save_or_refuse(request: HttpRequest, valid: bool, save: Any, on_error: Any,
                    success: str, target: Any) -> HttpResponse | None:
    """The write views' shared shape: when the forms are valid, call the service ``save``;
    on its refusal hand the ``ValidationError`` to ``on_error`` and return None (the view
    renders the form again, status 422), else flash ``success`` and redirect to ``target``."""
    if valid:
        try:
            save()
        except ValidationError as err:
            on_error(err)
        else:
            messages.success(request, success)
            return redirect(target)
    return None


@login_required
def scenario_edit(request: HttpRequest, code: str, slug: str | None = None) -> HttpResponse:
    """Create a scenario (no ``slug``) or change one; lists its measures."""
    city = places.get_city(code, request.user)
    _refuse_unless_editor(request, city)
    scenario = queries.get_scenario(city, slug, request.user) if slug else None
    form = ScenarioForm(request.POST or None, instance=scenario, city=city)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            fields = {f: form.cleaned_data[f] for f in services.SCENARIO_FIELDS}
            try:
                saved = services.save_scenario(request.user, city, scenario=scenario, **fields)
            except ValidationError as err:
                _put_errors(form, err)
            else:
                messages.success(request, _("The scenario is saved."))
                return redirect("scenarios:edit", city.code, saved.slug)
        status = 422
    measures = scenario.measures.select_related("action") if scenario else []
    drivers = [{"driver": d, "points": list(d.points.all()), "periods": list(d.periods.all()),
                "sectors": [SECTOR_LABELS.get(x, x) for x in d.sectors]}
               for d in scenario.drivers.prefetch_related("points", "periods")] \
        if scenario else []
    return render(request, "scenarios/edit.html", {
        "city": city, "scenario": scenario, "form": form, "measures": measures,
        "drivers": drivers,
        "job": job_for(services.run_subject(scenario.pk)) if scenario else None,
    }, status=status)


@login_required
def measure_edit(request: HttpRequest, code: str, slug: str,
                 pk: int | None = None) -> HttpResponse:
    city = places.get_city(code, request.user)
    _refuse_unless_editor(request, city)
    scenario = queries.get_scenario(city, slug, request.user)
    measure = get_object_or_404(Measure, scenario=scenario, pk=pk) if pk else None
    initial = {} if measure else {"start_year": scenario.inventory.year + 1}
    form = MeasureForm(request.POST or None, instance=measure, city=city, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            fields = {f: form.cleaned_data[f] for f in services.MEASURE_FIELDS}
            try:
                services.save_measure(request.user, scenario, measure=measure, **fields)
            except ValidationError as err:
                _put_errors(form, err)
            else:
                messages.success(request, _("The measure is saved. Queue a run to see its "
                                            "effect."))
                return redirect("scenarios:edit", city.code, scenario.slug)
        status = 422
    return render(request, "scenarios/measure_form.html", {
        "city": city, "scenario": scenario, "measure": measure, "form": form,
    }, status=status)


@login_required
@require_POST
def measure_delete(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    city = places.get_city(code, request.user)
    _refuse_unless_editor(request, city)
    scenario = queries.get_scenario(city, slug, request.user)
    measure = get_object_or_404(Measure, scenario=scenario, pk=pk)
    services.delete_measure(request.user, measure)
    messages.success(request, _("The measure %(name)s is deleted.") % {"name": measure.name})
    return redirect("scenarios:edit", city.code, scenario.slug)


@login_required
def inventory_edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    """Create or change an inventory and its rows (sector × carrier, MWh) in one form."""
    city = places.get_city(code, request.user)
    _refuse_unless_editor(request, city)
    inventory = get_object_or_404(Inventory, city=city, pk=pk) if pk else None
    data = request.POST or None
    form = InventoryForm(data, instance=inventory, prefix="inv")
    initial = ([{"sector": r.sector, "carrier": r.carrier, "energy_mwh": r.energy_mwh,
                 "source": r.source} for r in inventory.rows.all()] if inventory else [])
    rows = InventoryRowFormSet(data, initial=initial, prefix="rows")
    status = 200
    if request.method == "POST":
        if form.is_valid() and rows.is_valid():
            given = [r.cleaned_data for r in rows.forms
                     if r.cleaned_data and not r.cleaned_data.get("DELETE")]
            fields = {f: form.cleaned_data[f] for f in InventoryForm.Meta.fields}
            try:
                saved = services.save_inventory(request.user, city, inventory=inventory,
                                                rows=given, **fields)
            except ValidationError as err:
                _put_errors(form, err)
            else:
                messages.success(request, _("The inventory is saved."))
                return redirect("scenarios:inventory-edit", city.code, saved.pk)
        status = 422
    return render(request, "scenarios/inventory_form.html", {
        "city": city, "inventory": inventory, "form": form, "rows": rows,
    }, status=status)


def compare(request: HttpRequest, code: str) -> HttpResponse:
    """Two scenarios of the city side by side (``?a=slug&b=slug``), from their stored runs."""
    city = places.get_city(code, request.user)
    scenarios = list(queries.visible_scenarios(city, request.user))
    by_slug = {s.slug: s for s in scenarios}
    a, b = by_slug.get(request.GET.get("a", "")), by_slug.get(request.GET.get("b", ""))
    if a is None and len(scenarios) >= 1:
        a = scenarios[0]
    if b is None and len(scenarios) >= 2:
        b = next(s for s in scenarios if s != a)
    result = queries.compare(a, b) if a is not None and b is not None and a != b else None
    milestones: list[dict[str, Any]] = []
    if result and result["sectors"]:
        years = result["years"]
        shown = [years[0], *[y for y in queries.MILESTONES if y in years and y != years[0]]]
        labels = {**SECTOR_LABELS, "local_production_credit": _("Local production (credit)")}
        for row in result["sectors"]:
            cells = [v for v in row["values"] if v["year"] in shown]
            milestones.append({"label": labels.get(row["sector"], row["sector"]),
                               "cells": cells})
        result["shown_years"] = shown
        # The per-sector chart: both scenarios in the last year both runs cover.
        last = years[-1]
        k = years.index(last)
        sector_chart = {
            "year": last, "unit": result["unit"],
            "labels": [str(labels.get(row["sector"], row["sector"]))
                       for row in result["sectors"]],
            "a": [row["values"][k]["a"] for row in result["sectors"]],
            "b": [row["values"][k]["b"] for row in result["sectors"]],
        }
    else:
        sector_chart = None
    return render(request, "scenarios/compare.html", {
        "city": city, "scenarios": scenarios, "a": a, "b": b, "result": result,
        "milestones": milestones, "sector_chart": sector_chart,
    })


@login_required
@require_POST
def inventory_prefill(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Fill the inventory's cells that the energy app has measured for its year."""
    city = places.get_city(code, request.user)
    _refuse_unless_editor(request, city)
    inventory = get_object_or_404(Inventory, city=city, pk=pk)
    try:
        cells = services.prefill_from_energy(request.user, inventory)
    except ValidationError as err:
        messages.error(request, " ".join(err.messages))
    else:
        messages.success(request, ngettext(
            "%(n)s row filled from measured energy data.",
            "%(n)s rows filled from measured energy data.", len(cells)) % {"n": len(cells)})
    return redirect("scenarios:inventory-edit", city.code, inventory.pk)


@login_required
def driver_edit(request: HttpRequest, code: str, slug: str,
                pk: int | None = None) -> HttpResponse:
    """Create or change a business-as-usual driver: a growth rate or a path of values by year,
    and the sectors it moves."""
    city = places.get_city(code, request.user)
    _refuse_unless_editor(request, city)
    scenario = queries.get_scenario(city, slug, request.user)
    driver = get_object_or_404(Driver, scenario=scenario, pk=pk) if pk else None
    data = request.POST or None
    form = DriverForm(data, instance=driver)
    # 1620000, not 1620000.0: a whole value is shown whole in its field.
    initial = ([{"year": p.year, "value": int(p.value) if p.value.is_integer() else p.value}
                for p in driver.points.all()] if driver else [])
    points = DriverPointFormSet(data, initial=initial, prefix="points")
    periods = DriverPeriodFormSet(data, prefix="periods", initial=[
        {"start_year": p.start_year, "end_year": p.end_year, "growth_rate": p.growth_rate}
        for p in driver.periods.all()] if driver else [])
    status = 200
    if request.method == "POST":
        valid = form.is_valid() and points.is_valid() and periods.is_valid()

        def save() -> None:
            services.save_driver(
                request.user, scenario, driver=driver,
                points={p["year"]: p["value"] for p in _kept(points)},
                periods=[(p["start_year"], p["end_year"], p["growth_rate"])
                         for p in _kept(periods)],
                **{f: form.cleaned_data[f] for f in services.DRIVER_FIELDS})

        done = _save_or_refuse(request, valid, save, lambda err: _put_errors(form, err),
                               _("The driver is saved. Queue a run to see its effect."),
                               reverse("scenarios:edit", args=[city.code, scenario.slug]))
        if done is not None:
            return done
        status = 422
    return render(request, "scenarios/driver_form.html", {
        "city": city, "scenario": scenario, "driver": driver, "form": form, "points": points,
        "periods": periods,
    }, status=status)


@login_required
@require_POST
def driver_delete(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    city = places.get_city(code, request.user)
    _refuse_unless_editor(request, city)
    scenario = queries.get_scenario(city, slug, request.user)
    driver = get_object_or_404(Driver, scenario=scenario, pk=pk)
    services.delete_driver(request.user, driver)
    messages.success(request, _("The driver %(name)s is deleted.")
                     % {"name": driver.get_kind_display()})
    return redirect("scenarios:edit", city.code, scenario.slug)


def factors(request: HttpRequest, code: str) -> HttpResponse:
    """The emission factors a city's scenarios use, each with its origin (entered by the city,
    or the national or default factor as a fallback); editors change the city's own here."""
    city = places.get_city(code, request.user)
    can_edit = can(request.user, Action.EDIT, city)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        _refuse_unless_editor(request, city)
    data = request.POST or None
    initial = [{"carrier": f.carrier, "year": f.year, "t_co2_per_mwh": f.t_co2_per_mwh,
                "source": f.source, "edition": f.edition}
               for f in city.emission_factors.all()] if can_edit else []
    rows = FactorRowFormSet(data, initial=initial, prefix="factors")
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        done = _save_or_refuse(
            request, rows.is_valid(),
            lambda: services.save_factors(request.user, city, _kept(rows)),
            lambda err: errors.extend(err.messages),
            _("The city's emission factors are saved."),
            reverse("scenarios:factors", args=[city.code]))
        if done is not None:
            return done
        status = 422
    return render(request, "scenarios/factors.html", {
        "city": city, "can_edit": can_edit, "rows": rows, "errors": errors,
        "in_use": labelled_factors(queries.factors_in_use(city)),
    }, status=status)
