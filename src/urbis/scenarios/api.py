"""Scenario API: list a city's scenarios, read the stored run, run a scenario, import an inventory
(editors). Thin: the rules live in ``queries`` and ``services``."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from urbis.jobs.services import job_for
from urbis.people.api_auth import write_auth
from urbis.places import queries as places
from urbis.scenarios import queries, services
from urbis.scenarios.exports import export_response
from urbis.scenarios.models import Driver, Inventory

router = Router(tags=["scenarios"])


class ScenarioOut(Schema):
    slug: str
    title: str
    inventory_year: int
    end_year: int
    measures: int
    url: str


class RunIn(Schema):
    samples: int = 2000
    seed: int | None = None


class RunOut(Schema):
    scenario: str
    created_at: str
    samples: int
    seed: int
    seconds: float
    result: dict[str, Any]


def _run_out(run: Any) -> dict[str, Any]:
    return {"scenario": run.scenario.slug, "created_at": run.created_at.isoformat(),
            "samples": run.samples, "seed": run.seed, "seconds": run.seconds,
            "result": run.result}


@router.get("/cities/{code}/scenarios", response=list[ScenarioOut],
            summary="A city's scenarios")
def scenario_list(request: HttpRequest, code: str) -> Any:
    city = places.get_city(code, request.user)
    return [{"slug": s.slug, "title": s.title, "inventory_year": s.inventory.year,
             "end_year": s.end_year, "measures": s.measures.count(),
             "url": s.get_absolute_url()} for s in queries.visible_scenarios(city, request.user)]


@router.get("/cities/{code}/scenarios/{slug}/run", response={200: RunOut, 404: None},
            summary="The latest stored run of a scenario (modelled figures, t CO2)")
def latest_run(request: HttpRequest, code: str, slug: str) -> Any:
    city = places.get_city(code, request.user)
    run = queries.latest_run(queries.get_scenario(city, slug, request.user))
    if run is None:
        return Status(404, None)
    return _run_out(run)


@router.get("/cities/{code}/scenarios/{slug}/run.csv",
            summary="The latest stored run as CSV, streamed: every modelled figure with its "
                    "unit (energy and emissions per sector × carrier and year, bands, wedges, "
                    "cost per tonne); columns as docs/SCENARIOS.md lists them",
            openapi_extra={"responses": {200: {"content": {"text/csv": {
                "schema": {"type": "string"}}}}}})
def run_csv(request: HttpRequest, code: str, slug: str) -> HttpResponseBase:
    return _export(request, code, slug, "csv")


@router.get("/cities/{code}/scenarios/{slug}/run.json",
            summary="The latest stored run as JSON: the same records as the CSV, with what "
                    "they are (modelled, units, the inventory's origin)")
def run_json(request: HttpRequest, code: str, slug: str) -> HttpResponseBase:
    return _export(request, code, slug, "json")


def _export(request: HttpRequest, code: str, slug: str, fmt: str) -> HttpResponseBase:
    city = places.get_city(code, request.user)
    scenario = queries.get_scenario(city, slug, request.user)
    run = queries.latest_run(scenario)
    if run is None:
        return HttpResponse(status=404)
    return export_response(scenario, run, fmt)


class JobOut(Schema):
    id: str
    status: str
    step: str
    done: int | None
    total: int | None
    percent: int | None
    error: str
    finished: bool
    workers_alive: int
    url: str


def _job_out(code: str, slug: str, job: Any) -> dict[str, Any]:
    return {**job.as_dict(), "url": f"/api/v1/cities/{code}/scenarios/{slug}/job"}


@router.post("/cities/{code}/scenarios/{slug}/runs", response={202: JobOut}, auth=write_auth,
             summary="Queue a run of a scenario; a worker computes and stores it (editors). "
                     "Poll the returned job's url; the result is then the latest run.")
def run(request: HttpRequest, code: str, slug: str, body: RunIn) -> Any:
    city = places.get_city(code, request.user)
    scenario = queries.get_scenario(city, slug, request.user)
    services.queue_run(request.user, scenario, samples=body.samples, seed=body.seed)
    return Status(202, _job_out(code, slug, job_for(services.run_subject(scenario.pk))))


@router.get("/cities/{code}/scenarios/{slug}/job", response={200: JobOut, 404: None},
            summary="The state of the scenario's latest queued run")
def run_job(request: HttpRequest, code: str, slug: str) -> Any:
    city = places.get_city(code, request.user)
    scenario = queries.get_scenario(city, slug, request.user)
    job = job_for(services.run_subject(scenario.pk))
    if job is None:
        return Status(404, None)
    return _job_out(code, slug, job)


@router.get("/cities/{code}/scenarios-compare", response=dict[str, Any],
            summary="Two scenarios of a city side by side: t CO2 per year and per sector and "
                    "the difference b − a (modelled, from the stored runs)")
def compare(request: HttpRequest, code: str, a: str, b: str) -> Any:
    city = places.get_city(code, request.user)
    return queries.compare(queries.get_scenario(city, a, request.user),
                           queries.get_scenario(city, b, request.user))


class InventoryOut(Schema):
    kind: str
    year: int
    rows: int
    energy_mwh: float
    t_co2: float | None
    origin: str
    source: str
    is_published: bool
    csv: str


@router.get("/cities/{code}/inventories", response=list[InventoryOut],
            summary="A city's baseline (bei) and monitoring (mei) inventories, oldest first: "
                    "final energy (MWh), emissions computed with the factors in use (t CO2; "
                    "null when a carrier has no factor) and origin (measured, entered or "
                    "illustrative)")
def inventory_list(request: HttpRequest, code: str) -> Any:
    city = places.get_city(code, request.user)
    return [{"kind": s["kind"], "year": s["year"], "rows": s["rows"], "energy_mwh": s["mwh"],
             "t_co2": s["t_co2"], "origin": s["origin"], "source": s["source"],
             "is_published": s["is_published"],
             "csv": f"/api/v1/cities/{city.code}/inventories/{s['year']}.csv?kind={s['kind']}"}
            for s in queries.inventory_summaries(queries.visible_inventories(city, request.user),
                                                 city)]


@router.get("/cities/{code}/inventories/{year}.csv",
            summary="An emission inventory as CSV (kind: bei, the default, or mei)")
def inventory_csv(request: HttpRequest, code: str, year: int, kind: str = "bei") -> HttpResponse:
    city = places.get_city(code, request.user)
    inv = Inventory.objects.filter(city=city, year=year, kind=kind).first()
    if inv is None or not (inv.is_published or queries.can_view_private(request.user, city)):
        return HttpResponse(status=404)
    return HttpResponse(queries.inventory_csv(inv), content_type="text/csv; charset=utf-8")


@router.post("/cities/{code}/inventories/{year}", response={201: dict}, auth=write_auth,
             summary="Import an inventory from CSV: sector, carrier, energy_mwh, source (editors; "
                     "all rows or none). kind: bei (baseline, the default) or mei (monitoring, "
                     "a year after the baseline's)")
def inventory_import(request: HttpRequest, code: str, year: int, file: File[UploadedFile],
                     source: Form[str] = "", kind: Form[str] = "bei") -> Any:
    city = places.get_city(code, request.user)
    inv = services.import_inventory_csv(request.user, city, year, file.read(),
                                        file_name=file.name or "inventory.csv", source=source,
                                        kind=kind)
    return Status(201, {"kind": inv.kind, "year": inv.year, "rows": inv.rows.count()})


@router.post("/cities/{code}/inventories/{year}/prefill", response={200: dict},
             auth=write_auth,
             summary="Fill an inventory's cells from the energy app's measured balance for its "
                     "year (editors; kind: bei or mei); each row's source says 'from measured "
                     "data' with the data set")
def inventory_prefill(request: HttpRequest, code: str, year: int, kind: str = "bei") -> Any:
    city = places.get_city(code, request.user)
    inv = get_object_or_404(Inventory, city=city, year=year, kind=kind)
    cells = services.prefill_from_energy(request.user, inv)
    return {"kind": inv.kind, "year": inv.year,
            "filled": [{"sector": s, "carrier": c, "energy_mwh": m} for s, c, m in cells]}


class DriverPointIO(Schema):
    year: int
    value: float


class DriverPeriodIO(Schema):
    start_year: int
    end_year: int
    growth_rate: float


class DriverIn(Schema):
    unit: str = ""
    growth_rate: float | None = None
    points: list[DriverPointIO] = []
    periods: list[DriverPeriodIO] = []
    sectors: list[str] = []
    source: str = ""


class DriverOut(Schema):
    kind: str
    unit: str
    growth_rate: float | None
    points: list[DriverPointIO]
    periods: list[DriverPeriodIO]
    sectors: list[str]
    source: str


def _driver_out(d: Any) -> dict[str, Any]:
    return {"kind": d.kind, "unit": d.unit, "growth_rate": d.growth_rate,
            "points": [{"year": p.year, "value": p.value} for p in d.points.all()],
            "periods": [{"start_year": p.start_year, "end_year": p.end_year,
                         "growth_rate": p.growth_rate} for p in d.periods.all()],
            "sectors": list(d.sectors), "source": d.source}


@router.get("/cities/{code}/scenarios/{slug}/drivers", response=list[DriverOut],
            summary="A scenario's business-as-usual drivers: growth rate, path or growth "
                    "rates per period, and the sectors each moves")
def driver_list(request: HttpRequest, code: str, slug: str) -> Any:
    city = places.get_city(code, request.user)
    scenario = queries.get_scenario(city, slug, request.user)
    return [_driver_out(d) for d in scenario.drivers.prefetch_related("points", "periods")]


@router.put("/cities/{code}/scenarios/{slug}/drivers/{kind}", response={200: DriverOut},
            auth=write_auth,
            summary="Create or replace a business-as-usual driver (editors; checked first, "
                    "nothing stored when refused)")
def driver_put(request: HttpRequest, code: str, slug: str, kind: str, body: DriverIn) -> Any:
    city = places.get_city(code, request.user)
    scenario = queries.get_scenario(city, slug, request.user)
    existing = scenario.drivers.filter(kind=kind).first()
    points: dict[int, float] = {}
    for p in body.points:
        if p.year in points:
            raise ValidationError({"points": [_("Year %(year)s is given twice.")
                                              % {"year": p.year}]})
        points[p.year] = p.value
    driver = services.save_driver(request.user, scenario, driver=existing, points=points,
                                  periods=[(p.start_year, p.end_year, p.growth_rate)
                                           for p in body.periods],
                                  kind=kind, unit=body.unit, growth_rate=body.growth_rate,
                                  sectors=body.sectors, source=body.source)
    return _driver_out(driver)


@router.delete("/cities/{code}/scenarios/{slug}/drivers/{kind}", response={204: None},
               auth=write_auth, summary="Delete a business-as-usual driver (editors)")
def driver_delete(request: HttpRequest, code: str, slug: str, kind: str) -> Any:
    city = places.get_city(code, request.user)
    scenario = queries.get_scenario(city, slug, request.user)
    driver = get_object_or_404(Driver, scenario=scenario, kind=kind)
    services.delete_driver(request.user, driver)
    return Status(204, None)


class FactorIO(Schema):
    carrier: str
    year: int | None = None
    t_co2_per_mwh: float
    source: str = ""
    edition: str = ""


class FactorInUse(Schema):
    carrier: str
    origin: str | None
    t_co2_per_mwh: float | None
    by_year: list[tuple[int, float]]
    source: str
    edition: str


@router.get("/cities/{code}/emission-factors", response=list[FactorInUse],
            summary="The emission factor of each carrier (t CO2/MWh) a city's scenarios use, "
                    "with its origin: city (entered by the city), national or default "
                    "(fallbacks shipped as data), or null (none)")
def factors_in_use(request: HttpRequest, code: str) -> Any:
    return queries.factors_in_use(places.get_city(code, request.user))


@router.put("/cities/{code}/emission-factors", response={200: list[FactorInUse]},
            auth=write_auth,
            summary="Replace the factors entered by the city (editors; all rows or none)")
def factors_put(request: HttpRequest, code: str, body: list[FactorIO]) -> Any:
    city = places.get_city(code, request.user)
    services.save_factors(request.user, city, [row.dict() for row in body])
    return queries.factors_in_use(city)
