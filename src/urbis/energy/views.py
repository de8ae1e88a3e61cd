"""Energy pages. Thin: parameters in, ``queries``/``services`` called, template out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from urbis.energy import queries, reasons, services
from urbis.energy.forms import (
    CsvFileForm,
    EnterForm,
    InitiativeForm,
    PvInstallationForm,
    UploadForm,
    apply_errors,
)
from urbis.energy.models import InitiativeKind
from urbis.engines.energy import CARRIERS, SECTORS
from urbis.errors import ImportRefused
from urbis.jobs.services import job_for
from urbis.people.permissions import Action, can
from urbis.places import queries as places
from urbis.places.models import AreaLevel

MEASURES = [
    ("consumption", gettext_lazy("Consumption")),
    ("production", gettext_lazy("Local production")),
    ("balance", gettext_lazy("Net balance")),
    ("self_sufficiency", gettext_lazy("Self-sufficiency")),
]
LEVELS = [
    ("street", gettext_lazy("Street (cells of 10+ connections)")),
    ("neighbourhood", gettext_lazy("Neighbourhood")),
    ("district", gettext_lazy("District")),
    ("city", gettext_lazy("City")),
]
SECTOR_LABELS = {
    "residential": gettext_lazy("residential"),
    "commercial": gettext_lazy("commercial"),
    "public": gettext_lazy("public"),
    "industry": gettext_lazy("industry"),
    "mobility": gettext_lazy("mobility"),
}
CARRIER_LABELS = {
    "electricity": gettext_lazy("electricity"),
    "gas": gettext_lazy("gas"),
    "heat": gettext_lazy("heat"),
    "oil": gettext_lazy("heating oil"),
    "biomass": gettext_lazy("biomass"),
}
UNITS = {
    "consumption": gettext_lazy("kWh"),
    "production": gettext_lazy("kWh"),
    "balance": gettext_lazy("kWh (net import; negative = net export)"),
    "self_sufficiency": gettext_lazy("share of consumption met by local production"),
}


def _int(value: str | None, default: int | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


def _choice(value: str | None, allowed: list[str], default: str) -> str:
    return value if value in allowed else default


def energy_map(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    years = queries.years(city)
    year = _int(request.GET.get("year"), years[-1] if years else None)
    if years and year not in years:
        year = years[-1]
    month = min(max(_int(request.GET.get("month"), 0) or 0, 0), 12)
    level = _choice(request.GET.get("level"), [v for v, _l in LEVELS], "neighbourhood")
    measure = _choice(request.GET.get("measure"), [v for v, _l in MEASURES], "consumption")
    sector = _choice(request.GET.get("sector"), ["all", *SECTORS], "all")
    carrier = _choice(request.GET.get("carrier"), ["all", *CARRIERS], "all")
    params = {"level": level, "measure": measure, "year": year or "", "month": month,
              "sector": sector, "carrier": carrier}
    layer_properties: dict[str, Any] = {}
    if level == "street":
        layer = queries.map_layer(
            city, level=level, measure=measure, year=year, month=month, sector=sector,
            carrier=carrier,
        )
        rows = [f["properties"] for f in layer["features"]]
        layer_properties = layer["properties"]
    else:
        rows = queries.balance_table(
            city, level=level, year=year, month=month, sector=sector, carrier=carrier
        )
    api_url = reverse("api-1:energy_balance", args=[city.code])
    geojson_url = api_url + "?" + "&".join(
        f"{k}={v}" for k, v in {**params, "format": "geojson"}.items()
    )
    csv_url = api_url + "?" + "&".join(
        f"{k}={v}" for k, v in {**params, "format": "csv"}.items() if k != "measure"
    )
    return render(
        request,
        "energy/map.html",
        {
            "city": city,
            "years": years,
            "params": params,
            "measures": MEASURES,
            "levels": LEVELS,
            "sectors": [(v, SECTOR_LABELS.get(v, v)) for v in SECTORS],
            "carriers": [(v, CARRIER_LABELS.get(v, v)) for v in CARRIERS],
            "months": range(0, 13),
            "measure_label": dict(MEASURES)[measure],
            "level_label": dict(LEVELS)[level],
            "unit": UNITS[measure],
            "rows": rows,
            "layer_properties": layer_properties,
            "field": queries.MEASURE_FIELDS[measure],
            "geojson_url": geojson_url,
            "csv_url": csv_url if level != "street" else None,
            "per_household": any(r.get("consumption_per_household_kwh") for r in rows),
            "per_m2": any(r.get("consumption_per_m2_kwh") for r in rows),
            "can_upload": can(request.user, Action.EDIT, city),
            "provenance": queries.readings_provenance(city) if years else {},
        },
    )


def area(request: HttpRequest, code: str, area_code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    if area_code == city.code:
        the_area = None
        name = city.name
    else:
        the_area = places.get_area(city, area_code)
        name = the_area.name
    years = queries.years(city)
    year = _int(request.GET.get("year"), years[-1] if years else None)
    if years and year not in years:
        year = years[-1]
    week = min(max(_int(request.GET.get("week"), 25) or 25, 1), 52)
    profile = queries.hourly_profile(city, area_code, year, week) if year else None
    balance = queries.area_balance(city, area_code)
    days = queries.daily_totals(profile) if profile else []
    return render(
        request,
        "energy/area.html",
        {
            "city": city,
            "area": the_area,
            "area_code": area_code,
            "name": name,
            "years": years,
            "provenance": queries.readings_provenance(city) if years else {},
            "year": year,
            "week": week,
            "weeks": range(1, 53),
            "profile": profile,
            "days": days,
            "balance": balance,
            "sector_labels": SECTOR_LABELS,
            "pv": queries.pv_summary(city, area_code),
        },
    )


def _editor_or_refuse(request: HttpRequest, city: Any) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can(request.user, Action.EDIT, city):
        raise PermissionDenied(_("Only the city's editors may manage meter data."))
    return None


def upload(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    refused = _editor_or_refuse(request, city)
    if refused is not None:
        return refused
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            upload = services.start_upload(
                request.user, city, file=file, file_name=file.name or "upload",
                time_zone=form.cleaned_data["time_zone"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect(upload.get_absolute_url())
    return render(
        request,
        "energy/upload.html",
        {
            "city": city,
            "form": form,
            "uploads": queries.uploads_for(city, request.user)[:20],
            "stored": queries.stored_files(city, request.user),
        },
        status=422 if form.errors else 200,
    )


def upload_status(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    city = places.get_city(code, request.user)
    refused = _editor_or_refuse(request, city)
    if refused is not None:
        return refused
    upload = queries.get_upload(city, pk, request.user)
    job = job_for(services.upload_job_subject(upload.pk))
    if request.GET.get("format") == "json":
        return JsonResponse(
            {"id": upload.pk, "status": upload.status, "finished": upload.is_finished,
             "rows": upload.rows, "errors": len(upload.errors),
             "job": job.as_dict() if job else None}
        )
    return render(
        request, "energy/upload_status.html",
        {"city": city, "upload": upload, "job": job,
         "errors": reasons.errors_in_language(upload.errors)},
    )


def withdraw_file(request: HttpRequest, code: str, file_hash: str) -> HttpResponse:
    """Ask, then take a stored file's readings out of the store."""
    city = places.get_city(code, request.user)
    refused = _editor_or_refuse(request, city)
    if refused is not None:
        return refused
    back = reverse("energy:upload", args=[city.code])
    try:
        delivery = queries.get_stored_file(city, file_hash, request.user)
    except Http404:
        messages.error(request, _("That file is not stored (any more)."))
        return redirect(back)
    if request.method == "POST":
        try:
            services.withdraw_file(request.user, city, file_hash)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(file)s was withdrawn; the balance no longer counts its readings.")
                % {"file": delivery.file.source_name},
            )
        return redirect(back)
    return render(request, "energy/withdraw.html", {"city": city, "delivery": delivery})


def pv_installations(request: HttpRequest, code: str) -> HttpResponse:
    """The city's PV register for everyone; editors add, import and remove installations."""
    city = places.get_city(code, request.user)
    editor = can(request.user, Action.EDIT, city)
    neighbourhoods = places.city_areas(city, level=AreaLevel.NEIGHBOURHOOD, with_geometry=False)
    posted = request.method == "POST"
    importing = posted and ("file" in request.FILES or request.POST.get("form") == "import")
    add_form = PvInstallationForm(request.POST if posted and not importing else None,
                                  neighbourhoods=neighbourhoods)
    import_form = CsvFileForm(request.POST if importing else None,
                               request.FILES if importing else None)
    row_errors: list[Any] = []
    if posted:
        refused = _editor_or_refuse(request, city)
        if refused is not None:
            return refused
        form: Any = import_form if importing else add_form
        if form.is_valid():
            try:
                if importing:
                    upload = form.cleaned_data["file"]
                    count = services.import_pv_installations(
                        request.user, city, upload.read(),
                        file=Path(upload.name or "pv.csv").name,
                    )
                    messages.success(request, ngettext(
                        "%(count)s installation registered; the PV estimates were updated.",
                        "%(count)s installations registered; the PV estimates were updated.",
                        count,
                    ) % {"count": count})
                else:
                    data = form.cleaned_data
                    services.add_pv_installation(
                        request.user, places.get_area(city, data["area"]), name=data["name"],
                        capacity_kwp=data["capacity_kwp"],
                        commissioned_year=data["commissioned_year"], source=data["source"],
                    )
                    messages.success(request, _("Installation saved; the PV estimates were "
                                                "updated."))
                return redirect(request.path)
            except ImportRefused as exc:
                row_errors = exc.errors
            except ValidationError as exc:
                apply_errors(form, exc)
    return render(
        request,
        "energy/pv.html",
        {
            "city": city,
            "installations": queries.pv_installations(city),
            "editor": editor,
            "add_form": add_form,
            "import_form": import_form,
            "row_errors": row_errors,
        },
        status=422 if add_form.errors or import_form.errors or row_errors else 200,
    )


def unmetered(request: HttpRequest, code: str) -> HttpResponse:
    """Estimates of unmetered carriers (floor area of each use x a published intensity), with
    how each was computed, for everyone; editors replace the intensities or floor areas."""
    city = places.get_city(code, request.user)
    editor = can(request.user, Action.EDIT, city)
    years = queries.years(city)
    year = _int(request.GET.get("year"), years[-1] if years else None)
    if year is not None and year not in years:
        year = years[-1] if years else None
    row_errors: list[Any] = []
    which = request.POST.get("form") if request.method == "POST" else None
    forms = {name: CsvFileForm(request.POST if which == name else None,
                                request.FILES if which == name else None)
             for name in ("intensities", "floor-areas")}
    if which is not None:
        refused = _editor_or_refuse(request, city)
        if refused is not None:
            return refused
        form = forms.get(which)
        if form is not None and form.is_valid():
            upload = form.cleaned_data["file"]
            importer = (services.import_intensities if which == "intensities"
                        else services.import_floor_area_by_use)
            try:
                count = importer(request.user, city, upload.read(),
                                 file=Path(upload.name or "upload.csv").name)
            except ImportRefused as exc:
                row_errors = exc.errors
            else:
                messages.success(request, ngettext(
                    "%(count)s row stored; the estimates were updated.",
                    "%(count)s rows stored; the estimates were updated.", count,
                ) % {"count": count})
                return redirect(request.get_full_path())
    estimates = queries.unmetered_estimates(city, year) if year is not None else []
    names = ({a.code: a.name for a in places.city_areas(city, with_geometry=False)}
             if estimates else {})
    return render(
        request,
        "energy/unmetered.html",
        {
            "city": city,
            "editor": editor,
            "years": years,
            "year": year,
            "estimates": [(e, names.get(e.area_code, e.area_code),
                           SECTOR_LABELS.get(e.sector, e.sector),
                           CARRIER_LABELS.get(e.carrier, e.carrier)) for e in estimates],
            "total_kwh": sum(e.kwh for e in estimates),
            "intensities": [(i, SECTOR_LABELS.get(i.sector, i.sector),
                             CARRIER_LABELS.get(i.carrier, i.carrier))
                            for i in queries.intensities(city)],
            "floor_areas": [(f, SECTOR_LABELS.get(f.sector, f.sector))
                            for f in queries.floor_areas_by_use(city)],
            "intensities_form": forms["intensities"],
            "floor_areas_form": forms["floor-areas"],
            "row_errors": row_errors,
        },
        status=422 if row_errors or any(f.errors for f in forms.values()) else 200,
    )


def remove_pv_installation(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    city = places.get_city(code, request.user)
    refused = _editor_or_refuse(request, city)
    if refused is not None:
        return refused
    back = reverse("energy:pv", args=[city.code])
    if request.method != "POST":
        return redirect(back)
    installation = queries.pv_installations(city).filter(pk=pk).first()
    if installation is None:
        messages.error(request, _("That installation is not registered (any more)."))
    else:
        services.remove_pv_installation(request.user, installation)
        messages.success(request, _("%(name)s was removed; the PV estimates were updated.")
                         % {"name": installation.name})
    return redirect(back)


def seasons(request: HttpRequest) -> HttpResponse:
    today = dt.date.today()
    return render(
        request,
        "energy/seasons.html",
        {"seasons": queries.visible_seasons(request.user), "today": today},
    )


def season(request: HttpRequest, slug: str) -> HttpResponse:
    the_season = queries.get_season(slug, request.user)
    standings = queries.standings(the_season)
    return render(
        request,
        "energy/season.html",
        {
            "season": the_season,
            "standings": standings,
            "practices": queries.best_practices(the_season),
            "is_running": the_season.starts_on <= dt.date.today() <= the_season.ends_on,
        },
    )


def entry(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    the_season = queries.get_season(slug, request.user)
    the_entry = queries.get_entry(the_season, pk)
    standing = next((s for s in queries.standings(the_season) if s["entry_id"] == pk), None)
    curve = queries.entry_curve(the_entry)
    may_add = request.user.is_authenticated and (
        the_entry.created_by_id == request.user.pk
        or can(request.user, Action.EDIT, the_entry.area.city)
    )
    form = InitiativeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_add:
            raise PermissionDenied(_("Only the team or the city's editors may add initiatives."))
        if form.is_valid():
            try:
                services.add_initiative(request.user, the_entry, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect(the_entry.get_absolute_url())
    months = [
        {"month": m + 1, "baseline": curve["baseline"]["net_kwh"][m],
         "scoring": curve["scoring"]["net_kwh"][m]}
        for m in range(12)
    ]
    return render(
        request,
        "energy/entry.html",
        {
            "season": the_season,
            "entry": the_entry,
            "standing": standing,
            "curve": curve,
            "months": months,
            "initiatives": list(the_entry.initiatives.all()),
            "may_add": may_add,
            "form": form,
        },
        status=422 if form.errors else 200,
    )


def enter(request: HttpRequest, slug: str) -> HttpResponse:
    the_season = queries.get_season(slug, request.user)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = EnterForm(request.POST if request.method == "POST" else None,
                     areas=queries.areas_free_to_enter(the_season))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = services.enter(
                request.user, the_season, data["area"], team_name=data["team_name"],
                members=data["members"], households=data["households"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect(new.get_absolute_url())
    return render(
        request,
        "energy/enter.html",
        {"season": the_season, "form": form},
        status=422 if form.errors else 200,
    )


def best_practices(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "energy/best_practices.html",
        {"practices": queries.best_practices(), "kinds": dict(InitiativeKind.choices)},
    )


