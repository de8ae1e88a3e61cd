"""Energy API: balance as JSON or GeoJSON, street cells, hourly profiles, uploads (editors
only) and the Energy-Neutral Neighbourhoods competition. Thin: all rules live in ``queries``
and ``services``."""

import csv
import io
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from urbis.energy import queries, reasons, services
from urbis.energy.models import EnergyUpload
from urbis.people.api_auth import write_auth
from urbis.places import queries as places

router = Router(tags=["energy"])
GEOJSON = "application/geo+json"


# Years a reading can carry; a year outside them (0, -1, 10000) is refused by the schema as a
# 422 instead of failing deep in the date arithmetic.
FIRST_YEAR, LAST_YEAR = 1900, 2100
YEAR_HELP = f"{FIRST_YEAR}–{LAST_YEAR}; defaults to the latest year stored"


class BalanceFilters(Schema):
    level: str = Field("neighbourhood", description="street, neighbourhood, district or city")
    year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR, description=YEAR_HELP)
    month: int = Field(0, ge=0, le=12, description="1–12, or 0 for the whole year")
    sector: str = Field("all", description="all, residential, commercial, public, industry, "
                                           "mobility")
    carrier: str = Field("all", description="all, electricity, gas, heat, oil, biomass")
    measure: str = Field("consumption", description="consumption, production, balance or "
                                                    "self_sufficiency (GeoJSON `value`)")
    format: str | None = Field(
        None, description="`json` (default), `geojson` for a FeatureCollection, `csv` for a table"
    )


class StreetCellFilters(Schema):
    year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR, description=YEAR_HELP)
    month: int = Field(0, ge=0, le=12, description="1–12, or 0 for the whole year")
    measure: str = "consumption"


class ProfileFilters(Schema):
    year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR, description=YEAR_HELP)
    week: int = Field(25, ge=1, le=53, description="ISO week")


class BalanceRowOut(Schema):
    code: str
    name: str
    parent: str | None
    consumption_kwh: float | None
    production_kwh: float | None
    net_kwh: float | None
    self_sufficiency: float | None
    self_consumption: float | None
    peak_import_kw: float | None
    peak_export_kw: float | None
    estimated_production_kwh: float | None
    households: int | None
    consumption_per_household_kwh: float | None
    population: int | None
    consumption_per_resident_kwh: float | None
    floor_area_m2: float | None
    consumption_per_m2_kwh: float | None


class BalanceOut(Schema):
    city: str
    level: str
    year: int | None
    month: int
    sector: str
    carrier: str
    years: list[int]
    items: list[BalanceRowOut]


class FiguresOut(Schema):
    consumption_kwh: float | None
    production_kwh: float | None
    net_kwh: float | None
    self_sufficiency: float | None
    self_consumption: float | None
    peak_import_kw: float | None
    peak_export_kw: float | None
    estimated_production_kwh: float | None


class MonthFiguresOut(FiguresOut):
    month: int


class SectorFiguresOut(FiguresOut):
    sector: str


class AreaYearOut(Schema):
    year: int
    total: FiguresOut | None
    households: int | None
    consumption_per_household_kwh: float | None
    floor_area_m2: float | None
    consumption_per_m2_kwh: float | None
    months: list[MonthFiguresOut]
    sectors: list[SectorFiguresOut]


class AreaBalanceOut(Schema):
    area: str
    carrier: str
    years: list[AreaYearOut]


class ProfileOut(Schema):
    area: str
    year: int
    week: int
    start: str
    time_zone: str
    hours: list[str]
    consumption_kwh: list[float]
    production_kwh: list[float]
    production_is_estimate: bool


class UploadOut(Schema):
    id: int
    city: str
    file_name: str
    status: str
    file_hash: str
    rows: int
    meters: int
    years: list[int]
    errors: list[dict[str, Any]]
    errors_truncated: bool
    message: str
    url: str


class StoredFileOut(Schema):
    file_hash: str = Field(description="SHA-256 of the file as it was sent")
    file_name: str
    rows: int
    meters: int
    years: list[int]
    first_reading: str
    last_reading: str
    stored_at: str
    is_estimate: bool = Field(
        description="PV estimates written by the platform; withdrawn by changing the installations"
    )
    upload_id: int | None = Field(description="The upload that stored it, where one was logged")
    uploaded_by: str | None


class PvInstallationOut(Schema):
    id: int
    area: str
    name: str
    capacity_kwp: float
    commissioned_year: int | None
    source: str
    is_illustrative: bool


class PvInstallationIn(Schema):
    area: str = Field(description="Code of the neighbourhood (or other area) it is in")
    name: str = Field(description="The same name in the same area updates the installation")
    capacity_kwp: float
    commissioned_year: int | None = None
    source: str = ""


class IntensityOut(Schema):
    sector: str = Field(description="Building use")
    carrier: str
    kwh_per_m2: float = Field(description="kWh of the carrier per m² of floor area a year")
    reference_year: int
    source: str


class FloorAreaByUseOut(Schema):
    area: str
    sector: str = Field(description="Building use")
    floor_area_m2: float
    reference_date: str
    source: str


class UnmeteredEstimateOut(Schema):
    area: str
    sector: str
    carrier: str
    year: int
    kwh: float
    unit: str = Field(description="Always kWh (final energy a year)")
    how_obtained: str = Field(description="Always `estimated`: floor area × intensity")
    floor_area_m2: float
    kwh_per_m2: float
    floor_area_source: str
    intensity_source: str
    intensity_year: int
    explanation: str = Field(description="The computation in one line")


class ImportedOut(Schema):
    rows: int = Field(description="Rows stored; they replace the city's earlier ones")


class StandingOut(Schema):
    rank: int | None
    entry_id: int
    team: str
    area_code: str
    area_name: str
    city: str
    households: int | None
    baseline_per_household_kwh: float | None
    scoring_per_household_kwh: float | None
    improvement_per_household_kwh: float | None
    improvement_pct: float | None
    note: str


class SeasonOut(Schema):
    slug: str
    name: str
    description: str
    cities: list[str]
    starts_on: str
    ends_on: str
    baseline_year: int
    scoring_year: int
    is_illustrative: bool


class SeasonDetailOut(SeasonOut):
    leaderboard: list[StandingOut]


class InitiativeOut(Schema):
    kind: str
    title: str
    description: str


class EntryOut(Schema):
    id: int
    team_name: str
    members: list[str]
    area: str
    city: str
    households: int | None
    initiatives: list[InitiativeOut]
    curve: dict[str, Any]
    standing: StandingOut | None


def _year(city: Any, year: int | None) -> int | None:
    return year if year is not None else queries.default_year(city)


def _bad(exc: queries.BadQuery) -> ValidationError:
    return ValidationError(str(exc))


@router.get(
    "/cities/{code}/energy/balance",
    response=BalanceOut,
    summary="Energy balance per area",
    description=(
        "Consumption, production, net balance, hour-by-hour self-sufficiency and "
        "self-consumption, peaks, per household, resident and m² of floor area where known, "
        "for every area of a level in a year or month. With `?format=geojson` (or `Accept: "
        "application/geo+json`) the answer is a GeoJSON FeatureCollection for the map, each "
        "feature's `value` being the chosen `measure`; `level=street` gives cells of at least "
        "10 connections (GeoJSON only). With `?format=csv` the same table as CSV, one row per "
        "area, the selection repeated in its first columns."
    ),
    openapi_extra={"responses": {200: {"content": {
        GEOJSON: {"schema": {"type": "object"}},
        "text/csv": {"schema": {"type": "string"}},
    }}}},
)
def energy_balance(request: HttpRequest, code: str, filters: Query[BalanceFilters]) -> Any:
    city = places.get_city(code, request.user)
    year = _year(city, filters.year)
    if filters.format not in (None, "json", "geojson", "csv"):
        raise ValidationError(_("format must be json, geojson or csv"))
    try:
        if filters.format == "geojson" or (
            filters.format is None and GEOJSON in request.headers.get("Accept", "")
        ):
            layer = queries.map_layer(
                city, level=filters.level, measure=filters.measure, year=year,
                month=filters.month, sector=filters.sector, carrier=filters.carrier,
            )
            return JsonResponse(layer, content_type=GEOJSON)
        queries.check_params(level=filters.level, sector=filters.sector,
                             carrier=filters.carrier, month=filters.month)
        if filters.level == "street":
            raise queries.BadQuery(_("level=street is available as GeoJSON only (format=geojson)"))
        rows = queries.balance_table(
            city, level=filters.level, year=year, month=filters.month, sector=filters.sector,
            carrier=filters.carrier,
        )
    except queries.BadQuery as exc:
        raise _bad(exc) from exc
    if filters.format == "csv":
        return _balance_csv(city.code, year, filters, rows)
    return {
        "city": city.code, "level": filters.level, "year": year, "month": filters.month,
        "sector": filters.sector, "carrier": filters.carrier, "years": queries.years(city),
        "items": rows,
    }


def _balance_csv(
    city: str, year: int | None, filters: BalanceFilters, rows: list[dict[str, Any]]
) -> HttpResponse:
    context = {"city": city, "level": filters.level, "year": year, "month": filters.month,
               "sector": filters.sector, "carrier": filters.carrier}
    columns = [*context, *BalanceRowOut.model_fields]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**context, **row})
    name = f"energy-balance-{city}-{filters.level}-{year}"
    if filters.month:
        name += f"-{filters.month:02d}"
    for part in (filters.sector, filters.carrier):
        if part != "all":
            name += f"-{part}"
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@router.get(
    "/cities/{code}/energy/street-cells",
    summary="Street-level cells (GeoJSON)",
    description="Meters grouped in square cells; only cells of at least 10 connections.",
    openapi_extra={"responses": {200: {"content": {GEOJSON: {"schema": {"type": "object"}}}}}},
)
def street_cells(
    request: HttpRequest, code: str, filters: Query[StreetCellFilters]
) -> JsonResponse:
    city = places.get_city(code, request.user)
    try:
        layer = queries.map_layer(
            city, level="street", measure=filters.measure, year=_year(city, filters.year),
            month=filters.month,
        )
    except queries.BadQuery as exc:
        raise _bad(exc) from exc
    return JsonResponse(layer, content_type=GEOJSON)


@router.get(
    "/cities/{code}/energy/areas/{area_code}/balance",
    response=AreaBalanceOut,
    summary="One area's balance by year, month and sector",
    description=(
        "For each year with readings: the year's figures, each month's, each sector's, and the "
        "year's consumption per household and per m² of floor area where those are known. "
        "`carrier` is all (default), electricity, gas or heat; `area_code` may be the city's."
    ),
)
def area_balance(request: HttpRequest, code: str, area_code: str, carrier: str = "all") -> Any:
    city = places.get_city(code, request.user)
    if area_code != city.code:
        places.get_area(city, area_code)
    try:
        return queries.area_balance(city, area_code, carrier=carrier)
    except queries.BadQuery as exc:
        raise _bad(exc) from exc


@router.get(
    "/cities/{code}/energy/areas/{area_code}/profile",
    response=ProfileOut,
    summary="Hourly electricity profile of an area for one ISO week",
    description=(
        "The week runs from Monday 00:00 to the next Monday 00:00 by the city's clock "
        "(`time_zone`); each hour is labelled with its local time and UTC offset, so a week "
        "in which clocks change has 167 or 169 hours."
    ),
)
def area_profile(
    request: HttpRequest, code: str, area_code: str, filters: Query[ProfileFilters]
) -> Any:
    city = places.get_city(code, request.user)
    if area_code != city.code:
        places.get_area(city, area_code)
    the_year = _year(city, filters.year)
    if the_year is None:
        raise ValidationError(_("No readings stored for this city."))
    try:
        return queries.hourly_profile(city, area_code, the_year, filters.week)
    except queries.BadQuery as exc:
        raise _bad(exc) from exc


def _upload_out(request: HttpRequest, upload: EnergyUpload) -> dict[str, Any]:
    return {
        "id": upload.pk, "city": upload.city.code, "file_name": upload.file_name,
        "status": upload.status, "file_hash": upload.file_hash, "rows": upload.rows,
        "meters": upload.meters, "years": upload.years,
        "errors": reasons.errors_in_language(upload.errors),
        "errors_truncated": upload.errors_truncated,
        "message": upload.status_line if upload.is_finished else "",
        "url": request.build_absolute_uri(
            reverse("api-1:energy_upload", args=[upload.city.code, upload.pk])
        ),
    }


@router.post(
    "/cities/{code}/energy/uploads",
    response={202: UploadOut},
    auth=write_auth,
    summary="Upload meter readings (editors)",
    description=(
        "Accepts a CSV (any delimiter/decimal mark, gzip) or Parquet file and checks and "
        "stores it in the background: poll the returned `url` until `status` is `stored`, "
        "`duplicate`, `rejected` (with row-level `errors`; nothing stored) or `failed`."
    ),
)
def upload(
    request: HttpRequest, code: str, file: File[UploadedFile], time_zone: Form[str] = ""
) -> Any:
    city = places.get_city(code, request.user)
    created = services.start_upload(
        request.user, city, file=file, file_name=file.name or "upload", time_zone=time_zone,
        source=EnergyUpload.Source.API,
    )
    created.refresh_from_db()
    return Status(202, _upload_out(request, created))


@router.get(
    "/cities/{code}/energy/uploads/{upload_id}",
    response=UploadOut,
    auth=write_auth,
    summary="Status of an upload (editors)",
    description=(
        "`pending`, `running`, then `stored`, `duplicate`, `rejected` or `failed`; a stored "
        "file becomes `withdrawn` once an editor takes it out (`DELETE .../energy/files/{sha256}`)."
    ),
)
def energy_upload(request: HttpRequest, code: str, upload_id: int) -> Any:
    city = places.get_city(code, request.user)
    return _upload_out(request, queries.get_upload(city, upload_id, request.user))


def _stored_file_out(delivery: queries.StoredDelivery) -> dict[str, Any]:
    f, upload = delivery.file, delivery.upload
    return {
        "file_hash": f.file_hash, "file_name": f.source_name, "rows": f.rows,
        "meters": f.meters, "years": list(f.years), "first_reading": f.first_ts,
        "last_reading": f.last_ts, "stored_at": f.ingested_at, "is_estimate": f.estimate,
        "upload_id": upload.pk if upload else None,
        "uploaded_by": str(upload.uploaded_by) if upload and upload.uploaded_by else None,
    }


@router.get(
    "/cities/{code}/energy/files",
    response=list[StoredFileOut],
    auth=write_auth,
    summary="Files whose readings are stored (editors)",
    description="Newest first. The balance counts exactly the readings of these files.",
)
def stored_files(request: HttpRequest, code: str) -> Any:
    city = places.get_city(code, request.user)
    return [_stored_file_out(d) for d in queries.stored_files(city, request.user)]


@router.delete(
    "/cities/{code}/energy/files/{file_hash}",
    response={204: None},
    auth=write_auth,
    summary="Withdraw a stored file (editors)",
    description=(
        "Takes the file's readings out of the store and recomputes the balance; the uploads "
        "that stored it get the status `withdrawn`. To correct a file, withdraw it, then upload "
        "the corrected one. PV estimates cannot be withdrawn (422)."
    ),
)
def withdraw_file(request: HttpRequest, code: str, file_hash: str) -> Any:
    city = places.get_city(code, request.user)
    queries.get_stored_file(city, file_hash, request.user)
    services.withdraw_file(request.user, city, file_hash)
    return Status(204, None)


def _pv_out(pv: Any) -> dict[str, Any]:
    return {
        "id": pv.pk, "area": pv.area.code, "name": pv.name, "capacity_kwp": pv.capacity_kwp,
        "commissioned_year": pv.commissioned_year, "source": pv.source,
        "is_illustrative": pv.is_illustrative,
    }


@router.get(
    "/cities/{code}/energy/pv-installations",
    response=list[PvInstallationOut],
    summary="Registered PV installations",
    description="Areas with capacity and no metered production get hourly pvlib estimates.",
)
def pv_installations(request: HttpRequest, code: str) -> Any:
    city = places.get_city(code, request.user)
    return [_pv_out(pv) for pv in queries.pv_installations(city)]


@router.post(
    "/cities/{code}/energy/pv-installations",
    response={201: PvInstallationOut},
    auth=write_auth,
    summary="Register or update a PV installation (editors)",
    description="The city's PV estimates are brought up to date before the answer.",
)
def add_pv_installation(request: HttpRequest, code: str, payload: PvInstallationIn) -> Any:
    city = places.get_city(code, request.user)
    try:
        area = places.get_area(city, payload.area)
    except Http404 as exc:
        raise ValidationError({"area": [str(exc)]}) from None
    pv = services.add_pv_installation(
        request.user, area, name=payload.name, capacity_kwp=payload.capacity_kwp,
        commissioned_year=payload.commissioned_year, source=payload.source,
    )
    return Status(201, _pv_out(pv))


@router.delete(
    "/cities/{code}/energy/pv-installations/{installation_id}",
    response={204: None},
    auth=write_auth,
    summary="Remove a PV installation (editors)",
)
def remove_pv_installation(request: HttpRequest, code: str, installation_id: int) -> Any:
    city = places.get_city(code, request.user)
    installation = queries.pv_installations(city).filter(pk=installation_id).first()
    if installation is None:
        raise Http404(_("No such PV installation."))
    services.remove_pv_installation(request.user, installation)
    return Status(204, None)


@router.get(
    "/cities/{code}/energy/intensities",
    response=list[IntensityOut],
    summary="Published intensities for unmetered carriers",
    description=(
        "kWh of a carrier (e.g. heating oil) per m² of a building use's floor area a year; "
        "with the floor areas by use they estimate consumption nobody meters."
    ),
)
def intensities(request: HttpRequest, code: str) -> Any:
    city = places.get_city(code, request.user)
    return [
        {"sector": i.sector, "carrier": i.carrier, "kwh_per_m2": i.kwh_per_m2,
         "reference_year": i.reference_year, "source": i.source}
        for i in queries.intensities(city)
    ]


@router.post(
    "/cities/{code}/energy/intensities",
    response=ImportedOut,
    auth=write_auth,
    summary="Replace the intensities from a CSV (editors)",
    description=(
        "Columns `sector,carrier,kwh_per_m2,reference_year,source`. All or nothing: a bad row "
        "refuses the file (422, naming file, row, field and reason) and keeps the ones stored. "
        "The estimates of unmetered carriers are updated before the answer."
    ),
)
def import_intensities(request: HttpRequest, code: str, file: File[UploadedFile]) -> Any:
    return _imported(request, code, file, services.import_intensities)


@router.get(
    "/cities/{code}/energy/floor-areas-by-use",
    response=list[FloorAreaByUseOut],
    summary="Floor area of each building use per area",
)
def floor_areas_by_use(request: HttpRequest, code: str) -> Any:
    city = places.get_city(code, request.user)
    return [
        {"area": f.area.code, "sector": f.sector, "floor_area_m2": f.floor_area_m2,
         "reference_date": f.reference_date.isoformat(), "source": f.source}
        for f in queries.floor_areas_by_use(city)
    ]


@router.post(
    "/cities/{code}/energy/floor-areas-by-use",
    response=ImportedOut,
    auth=write_auth,
    summary="Replace the floor areas by use from a CSV (editors)",
    description=(
        "Columns `code,sector,floor_area_m2,reference_date,source`. All or nothing, as the "
        "intensities."
    ),
)
def import_floor_areas_by_use(request: HttpRequest, code: str, file: File[UploadedFile]) -> Any:
    return _imported(request, code, file, services.import_floor_area_by_use)


def _imported(request: HttpRequest, code: str, file: UploadedFile, importer: Any) -> Any:
    city = places.get_city(code, request.user)
    return {"rows": importer(request.user, city, file.read(), file=file.name or "upload.csv")}


@router.get(
    "/cities/{code}/energy/unmetered-estimates",
    response=list[UnmeteredEstimateOut],
    summary="Estimated consumption of unmetered carriers, with how each was computed",
    description=(
        "Floor area of a building use × a published intensity, for each area, use and carrier "
        "with no metered readings that year. Every figure is an estimate."
    ),
)
def unmetered_estimates(
    request: HttpRequest, code: str, year: int = Query(..., ge=FIRST_YEAR, le=LAST_YEAR)
) -> Any:
    city = places.get_city(code, request.user)
    return [
        {"area": e.area_code, "sector": e.sector, "carrier": e.carrier, "year": e.year,
         "kwh": e.kwh, "unit": e.unit, "how_obtained": "estimated",
         "floor_area_m2": e.floor_area_m2, "kwh_per_m2": e.kwh_per_m2,
         "floor_area_source": e.floor_area_source, "intensity_source": e.intensity_source,
         "intensity_year": e.intensity_year, "explanation": e.explanation}
        for e in queries.unmetered_estimates(city, year)
    ]


def _season_out(season: Any) -> dict[str, Any]:
    return {
        "slug": season.slug, "name": season.name, "description": season.description,
        "cities": [c.code for c in season.cities.all()],
        "starts_on": season.starts_on.isoformat(), "ends_on": season.ends_on.isoformat(),
        "baseline_year": season.baseline_year, "scoring_year": season.scoring_year,
        "is_illustrative": season.is_illustrative,
    }


@router.get("/energy/seasons", response=list[SeasonOut], summary="Competition seasons")
def list_seasons(request: HttpRequest) -> Any:
    return [_season_out(s) for s in queries.visible_seasons(request.user)]


@router.get(
    "/energy/seasons/{slug}",
    response=SeasonDetailOut,
    summary="A season with its leaderboard",
)
def get_season(request: HttpRequest, slug: str) -> Any:
    season = queries.get_season(slug, request.user)
    return {**_season_out(season), "leaderboard": queries.standings(season)}


@router.get(
    "/energy/seasons/{slug}/entries/{entry_id}",
    response=EntryOut,
    summary="An entry with its curve and initiatives",
)
def get_entry(request: HttpRequest, slug: str, entry_id: int) -> Any:
    season = queries.get_season(slug, request.user)
    entry = queries.get_entry(season, entry_id)
    standing = next((s for s in queries.standings(season) if s["entry_id"] == entry_id), None)
    return {
        "id": entry.pk, "team_name": entry.team_name,
        "members": [m for m in entry.members.splitlines() if m.strip()],
        "area": entry.area.code, "city": entry.area.city.code, "households": entry.households,
        "initiatives": [
            {"kind": i.kind, "title": i.title, "description": i.description}
            for i in entry.initiatives.all()
        ],
        "curve": queries.entry_curve(entry),
        "standing": standing,
    }
