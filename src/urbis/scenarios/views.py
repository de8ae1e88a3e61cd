"""Scenario pages: thin; the numbers come from the stored run (queries), runs from services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from urbis.errors import ImportRefused
from urbis.people.permissions import Action, can, require
from urbis.places import queries as places
from urbis.scenarios import queries, services


def scenario_list(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    return render(request, "scenarios/list.html", {
        "city": city, "scenarios": queries.visible_scenarios(city, request.user),
        "can_edit": can(request.user, Action.EDIT, city)})


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
                    source=request.POST.get("source", ""))
            except ImportRefused as err:
                errors.extend(str(e) for e in err.errors)
            else:
                rows = inv.rows.count()
                messages.success(request, ngettext("Inventory %(year)s stored: %(rows)s row.",
                                                   "Inventory %(year)s stored: %(rows)s rows.",
                                                   rows) % {"year": inv.year, "rows": rows})
                return redirect("scenarios:list", city.code)
    return render(request, "scenarios/inventory_upload.html", {"city": city, "errors": errors},
                  status=422 if errors else 200)


def scenario_detail(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    scenario = queries.get_scenario(city, slug, request.user)
    run = queries.latest_run(scenario)
    observations = queries.emission_observations(scenario, request.user)
    rows = []
    if run is not None:
        r = run.result
        for i, year in enumerate(r["years"]):
            rows.append({"year": year, "bau": r["bau"][i], "scenario": r["scenario"][i],
                         "p5": r["bands"]["scenario"][0][i], "p95": r["bands"]["scenario"][2][i]})
    return render(request, "scenarios/detail.html", {
        "city": city, "scenario": scenario, "run": run, "rows": rows,
        # The action's link needs its city's code; never its boundary GeoJSON.
        "measures": scenario.measures.select_related("action__strategy__city").defer(
            "action__strategy__city__boundary", "action__strategy__city__bbox"),
        "can_edit": can(request.user, Action.EDIT, city),
        "chart": {**run.result, "observations": observations} if run else None,
        "observations": observations,
    })


@login_required
@require_POST
def scenario_run(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    scenario = queries.get_scenario(city, slug, request.user)
    try:
        services.run_scenario(request.user, scenario)
    except ValidationError as err:
        messages.error(request, "; ".join(err.messages))
    else:
        messages.success(request, _("The scenario was computed and stored."))
    return redirect(scenario)
