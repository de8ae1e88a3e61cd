"""Insight API: surveys, answers, weighted results, cross-city comparisons, the methods
catalogue and framework, inventories and participation. Thin: rules live in services/queries."""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from urbis.engagement.api import _limited as engagement_limited
from urbis.engagement.ratelimits import client_ip
from urbis.insight import queries, services
from urbis.people.api_auth import write_auth
from urbis.people.permissions import Action, require
from urbis.places import queries as places

router = Router(tags=["insight"])

SIMULATED_NOTE = "simulated respondents: drawn by a model, not real answers"


class ResponseIn(Schema):
    answers: dict[str, Any]
    age_band: str
    sex: str
    district: str
    consent: bool = False
    token: str | None = None


def _survey_out(s: Any) -> dict[str, Any]:
    return {"slug": s.slug, "title": s.title, "opens": s.opens.isoformat(),
            "closes": s.closes.isoformat(), "is_open": s.is_open,
            "by_invitation": s.by_invitation, "simulated": s.is_simulated,
            "note": SIMULATED_NOTE if s.is_simulated else "", "url": s.get_absolute_url()}


@router.get("/cities/{code}/surveys", summary="A city's attitude surveys")
def survey_list(request: HttpRequest, code: str) -> Any:
    city = places.get_city(code, request.user)
    return [_survey_out(s) for s in queries.visible_surveys(city, request.user)]


@router.get("/cities/{code}/surveys/{slug}", summary="A survey and its questions")
def survey_detail(request: HttpRequest, code: str, slug: str) -> Any:
    city = places.get_city(code, request.user)
    survey = queries.get_survey(city, slug, request.user)
    return {**_survey_out(survey), "districts": services.districts_of(city), "questions": [
        {"key": i.version.key, "text": i.version.text, "kind": i.version.kind,
         "options": i.version.options, "minimum": i.version.minimum,
         "maximum": i.version.maximum, "unit": i.version.unit, "required": i.required}
        for i in survey.items.select_related("version__question")]}


@router.post("/cities/{code}/surveys/{slug}/responses", response={201: dict}, auth=write_auth,
             summary="Answer a survey (one response per account or invitation)")
def respond(request: HttpRequest, code: str, slug: str, body: ResponseIn) -> Any:
    city = places.get_city(code, request.user)
    survey = queries.get_survey(city, slug, request.user)
    response = services.submit_response(
        by=request.user, survey=survey, answers=body.answers, age_band=body.age_band,
        sex=body.sex, district=body.district, consent=body.consent, token=body.token)
    return Status(201, {"id": response.pk, "survey": survey.slug})


@router.get("/cities/{code}/surveys/{slug}/results", response={200: dict, 404: None},
            summary="Weighted results of a survey (stored fit)")
def results(request: HttpRequest, code: str, slug: str) -> Any:
    city = places.get_city(code, request.user)
    survey = queries.get_survey(city, slug, request.user)
    if survey.results is None:
        return Status(404, None)
    return {**survey.results, "fitted_at": survey.results_at.isoformat() if survey.results_at
            else None, "note": SIMULATED_NOTE if survey.is_simulated else ""}


def _csv(rows: list[dict[str, Any]], fields: list[str], filename: str) -> HttpResponse:
    """Every insight CSV download: a header row, then one line per row (UTF-8)."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    writer.writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.get("/cities/{code}/surveys/{slug}/results.csv",
            summary="Weighted results of a survey as CSV (one row per question, scope, answer)")
def results_csv(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    survey = queries.get_survey(city, slug, request.user)
    fields = ["question", "scope", "district", "answer", "share", "low", "high", "n",
              "small_sample", "simulated"]
    return _csv(queries.results_rows(survey), fields, f"{city.code}-{survey.slug}.csv")


CASE_STUDY_FIELDS = ["slug", "title", "city", "place", "theme", "method", "cost", "problem",
                     "what_was_done", "results", "lessons", "sources", "url", "illustrative"]
PILOT_FIELDS = ["city", "slug", "title", "theme", "living_lab", "goals", "indicators",
                "budget_eur", "partners", "evaluation", "decision", "hack_day", "hack_day_date",
                "hack_day_initiative", "adopted_from_city", "adopted_from_pilot",
                "adopted_by_cities", "source", "url", "illustrative"]
INVENTORY_FIELDS = ["city", "method", "method_name", "recorded_by_urbis", "uses", "last_use",
                    "illustrative", "simulated"]
PARTICIPATION_FIELDS = ["city"] + [column for _key, column in queries.PARTICIPATION_CSV_FIELDS]


@router.get("/insight/case-studies.csv",
            summary="Case studies as CSV (same filters as the list: q, theme, method, city)")
def case_studies_csv(request: HttpRequest, q: str = "", theme: str = "", method: str = "",
                     city: str = "") -> HttpResponse:
    rows = queries.case_studies_rows(request.user, q=q.strip(), theme=theme.strip(),
                                     method=method.strip(), city=city.strip())
    return _csv(rows, CASE_STUDY_FIELDS, "case-studies.csv")


@router.get("/insight/pilots.csv",
            summary="Every visible city's pilots as CSV, with their decision and lineage")
def pilots_csv(request: HttpRequest) -> HttpResponse:
    return _csv(queries.pilots_rows(request.user), PILOT_FIELDS, "pilots.csv")


@router.get("/cities/{code}/pilots.csv",
            summary="A city's pilots as CSV, with their decision and lineage")
def city_pilots_csv(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    return _csv(queries.pilots_rows(request.user, city), PILOT_FIELDS, f"{city.code}-pilots.csv")


@router.get("/insight/inventory.csv",
            summary="Every visible city's current-state inventory of methods used, as CSV")
def inventory_csv(request: HttpRequest) -> HttpResponse:
    cities = list(places.visible_cities(request.user))
    return _csv(queries.inventory_rows(cities), INVENTORY_FIELDS, "methods-inventory.csv")


@router.get("/cities/{code}/insight/inventory.csv",
            summary="A city's current-state inventory of methods used, as CSV")
def city_inventory_csv(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    return _csv(queries.inventory_rows([city]), INVENTORY_FIELDS,
                f"{city.code}-methods-inventory.csv")


@router.get("/insight/participation.csv",
            summary="Every visible city's participation per year as CSV")
def participation_csv(request: HttpRequest) -> HttpResponse:
    return _csv(queries.participation_rows(request.user), PARTICIPATION_FIELDS,
                "participation.csv")


@router.get("/cities/{code}/insight/participation.csv",
            summary="A city's participation per year as CSV")
def city_participation_csv(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    return _csv(queries.participation_rows(request.user, city), PARTICIPATION_FIELDS,
                f"{city.code}-participation.csv")


@router.post("/cities/{code}/surveys/{slug}/results", response={200: dict}, auth=write_auth,
             summary="Recompute and store a survey's results and comparisons (editors)")
def refresh(request: HttpRequest, code: str, slug: str) -> Any:
    city = places.get_city(code, request.user)
    survey = services.refresh_results(by=request.user,
                                      survey=queries.get_survey(city, slug, request.user))
    return {"n": survey.results["n"] if survey.results else 0,
            "fitted_at": survey.results_at.isoformat() if survey.results_at else None}


@router.get("/insight/comparisons", summary="Questions compared across cities")
def comparison_list(request: HttpRequest) -> Any:
    return [{"question": c.version.key, "text": c.version.text,
             "simulated": c.result.get("simulated", False),
             "cities": [x["city"] for x in c.result["cities"]]} for c in queries.comparisons()]


@router.get("/insight/comparisons/{key}", summary="Cross-city comparison of one question version")
def comparison_detail(request: HttpRequest, key: str) -> Any:
    c = queries.get_comparison(key)
    return {**c.result, "fitted_at": c.fitted_at.isoformat(),
            "note": SIMULATED_NOTE if c.result.get("simulated") else ""}


@router.get("/insight/methods", summary="The engagement and insight methods catalogue")
def method_list(request: HttpRequest) -> Any:
    return {"note": queries.catalogue()["note"], "methods": queries.methods()}


@router.get("/insight/framework", summary="Ranked, explained methods for a goal and stage")
def framework(request: HttpRequest, goal: str | None = None, stage: str | None = None,
              max_cost: int | None = None, max_weeks: int | None = None) -> Any:
    return [{"code": r.method["code"], "name": r.method["name"], "score": r.score,
             "reasons": r.reasons, "excluded": r.excluded}
            for r in queries.rank_methods(goal=goal, stage=stage, max_cost=max_cost,
                                          max_weeks=max_weeks)]


@router.get("/cities/{code}/insight/inventory", summary="Methods a city has used (recorded)")
def inventory(request: HttpRequest, code: str) -> Any:
    city = places.get_city(code, request.user)
    return [{"method": r["method"]["code"], "recorded": r["recorded"], "uses": r["uses"],
             "last": r["last"].isoformat() if r["last"] else None}
            for r in queries.inventory(city)]


@router.get("/insight/network", summary="Cities using the framework and each method's take-up")
def network(request: HttpRequest) -> Any:
    data = queries.network(request.user)
    return {"cities_using": data["cities_using"], "cities": data["cities"],
            "methods": [{"method": m["method"]["code"], "recorded": m["recorded"],
                         "cities": m["cities"]} for m in data["methods"]]}


@router.get("/cities/{code}/insight/participation",
            summary="Participation per year and per 1,000 residents")
def participation(request: HttpRequest, code: str) -> Any:
    return queries.participation(places.get_city(code, request.user))


# --- case studies and pilots -----------------------------------------------------------------


class SourceIn(Schema):
    title: str
    url: str = ""


class CaseStudyIn(Schema):
    slug: str
    title: str
    place_name: str
    theme: str
    problem: str
    what_was_done: str
    results: str
    sources: list[SourceIn] = []
    method: str = ""
    cost: str = ""
    lessons: str = ""
    contact: str = ""
    is_illustrative: bool = False
    # Language code → summary; the language the summary was written in. Left out when a case
    # is changed (PUT): kept as they are.
    summaries: dict[str, str] | None = None
    summary_language: str | None = None


class PilotIn(Schema):
    slug: str
    title: str
    theme: str
    goals: str
    indicators: list[str] = []
    budget_eur: int | None = None
    source: str = ""
    is_illustrative: bool = False
    origin: int | None = None  # id of the hack-day initiative it grew out of
    lab: str | None = None  # the living lab's short name
    partners: str = ""
    evaluation: str = ""
    decision: str = ""
    # The observational evaluation: an indicator code, area codes of the city, two periods.
    evaluation_indicator: str | None = None
    evaluation_area: str | None = None
    comparison_areas: list[str] = []
    before_start: dt.date | None = None
    before_end: dt.date | None = None
    after_start: dt.date | None = None
    after_end: dt.date | None = None


class AdoptIn(Schema):
    origin_city: str
    origin_slug: str
    slug: str | None = None


def _case_out(c: Any) -> dict[str, Any]:
    return {"slug": c.slug, "title": c.title, "city": c.city.code if c.city else None,
            "place": c.place_name, "theme": c.theme, "method": c.method, "problem": c.problem,
            "what_was_done": c.what_was_done, "cost": c.cost, "results": c.results,
            "lessons": c.lessons, "sources": c.sources, "illustrative": c.is_illustrative,
            "summaries": c.summaries, "summary_language": c.summary_language or None,
            # In the request's language, or the original with a note saying which it is.
            "summary": queries.case_summary(c),
            "url": c.get_absolute_url()}


def _initiative_out(i: Any) -> dict[str, Any]:
    idea = i.idea
    return {"id": i.pk, "title": i.title, "summary": i.summary, "hack_day": i.hack_day.slug,
            "pilots": [{"city": p.city.code, "slug": p.slug} for p in i.pilots.all()],
            "idea": {"id": idea.pk, "url": idea.get_absolute_url()} if idea else None}


def _pilot_out(p: Any) -> dict[str, Any]:
    origin = p.origin
    return {"slug": p.slug, "title": p.title, "city": p.city.code, "theme": p.theme,
            "goals": p.goals, "indicators": p.indicators, "budget_eur": p.budget_eur,
            "decision": p.decision, "lab": p.lab.name if p.lab else None,
            "lab_slug": p.lab.slug if p.lab else None, "partners": p.partners,
            "evaluation_text": p.evaluation, "source": p.source,
            "illustrative": p.is_illustrative,
            "origin": {"initiative": origin.pk, "title": origin.title,
                       "hack_day": origin.hack_day.slug} if origin else None,
            "url": p.get_absolute_url()}


def _json_dates(value: Any) -> Any:
    import datetime as dt

    if isinstance(value, dict):
        return {k: _json_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_dates(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


@router.get("/insight/case-studies", summary="Case studies (search and filters)")
def case_study_list(request: HttpRequest, q: str = "", theme: str = "", method: str = "",
                    city: str = "") -> Any:
    return [_case_out(c) for c in queries.case_studies(q=q, theme=theme, method=method,
                                                       city=city, user=request.user)]


@router.get("/insight/case-studies/{slug}", summary="One case study")
def case_study_detail(request: HttpRequest, slug: str) -> Any:
    return _case_out(queries.get_case_study(slug, request.user))


@router.post("/cities/{code}/case-studies", response={201: dict}, auth=write_auth,
             summary="Record a case study (editors of the documenting city)")
def case_study_create(request: HttpRequest, code: str, body: CaseStudyIn) -> Any:
    city = places.get_city(code, request.user)
    require(request.user, Action.EDIT, city)
    return Status(201, _case_out(services.create_case_study(by=request.user, city=city,
                                                            **body.dict())))


@router.put("/insight/case-studies/{slug}", response={200: dict}, auth=write_auth,
            summary="Change a case study (editors of its city; summaries kept when left out)")
def case_study_edit(request: HttpRequest, slug: str, body: CaseStudyIn) -> Any:
    case = queries.get_case_study(slug, request.user)
    return _case_out(services.save_case_study(by=request.user, city=case.city, case=case,
                                              **body.dict()))


@router.get("/cities/{code}/pilots", summary="A city's pilots")
def pilot_list(request: HttpRequest, code: str) -> Any:
    return [_pilot_out(p) for p in queries.city_pilots(places.get_city(code, request.user))]


def _pilot_fields(city: Any, body: PilotIn) -> dict[str, Any]:
    """The body with its references (initiative id, lab, indicator and area codes) looked up
    in the city; every unknown one is named in one refusal."""
    from django.core.exceptions import ValidationError

    from urbis.places.models import Area
    from urbis.strategy.models import Indicator

    data = body.dict()
    errors: dict[str, str] = {}
    for name in ("lab", "evaluation_indicator", "evaluation_area"):
        data[name] = None  # an empty reference is none; a given one is looked up below
    if body.origin is not None:
        data["origin"] = queries.initiatives(city).filter(pk=body.origin).first()
        if data["origin"] is None:
            errors["origin"] = _("no hack-day initiative of this city has this id")
    if body.lab:
        data["lab"] = city.living_labs.filter(slug=body.lab).first()
        if data["lab"] is None:
            errors["lab"] = _("no living lab %(lab)r in this city") % {"lab": body.lab}
    if body.evaluation_indicator:
        data["evaluation_indicator"] = Indicator.objects.filter(
            code=body.evaluation_indicator).first()
        if data["evaluation_indicator"] is None:
            errors["evaluation_indicator"] = _("no indicator with code %(code)r") % {
                "code": body.evaluation_indicator}
    areas = Area.objects.filter(city=city).defer("geometry")
    if body.evaluation_area:
        data["evaluation_area"] = areas.filter(code=body.evaluation_area).first()
        if data["evaluation_area"] is None:
            errors["evaluation_area"] = _("no area %(code)r in this city") % {
                "code": body.evaluation_area}
    found = {a.code: a for a in areas.filter(code__in=body.comparison_areas)}
    missing = [c for c in body.comparison_areas if c not in found]
    if missing:
        errors["comparison_areas"] = _("no area %(code)r in this city") % {"code": missing[0]}
    data["comparison_areas"] = [found[c] for c in body.comparison_areas if c in found]
    if errors:
        raise ValidationError(errors)
    return data


@router.post("/cities/{code}/pilots", response={201: dict}, auth=write_auth,
             summary="Record a pilot (editors)")
def pilot_create(request: HttpRequest, code: str, body: PilotIn) -> Any:
    city = places.get_city(code, request.user)
    require(request.user, Action.EDIT, city)
    return Status(201, _pilot_out(services.create_pilot(by=request.user, city=city,
                                                        **_pilot_fields(city, body))))


@router.post("/cities/{code}/pilots/adopt", response={201: dict}, auth=write_auth,
             summary="Adopt another city's pilot, keeping its lineage (editors)")
def pilot_adopt(request: HttpRequest, code: str, body: AdoptIn) -> Any:
    from django.shortcuts import get_object_or_404

    from urbis.insight.models import Pilot

    city = places.get_city(code, request.user)
    origin_city = places.get_city(body.origin_city, request.user)
    origin = get_object_or_404(Pilot, city=origin_city, slug=body.origin_slug)
    return Status(201, _pilot_out(services.adopt_pilot(by=request.user, pilot=origin, city=city,
                                                       slug=body.slug)))


# After "/pilots/adopt": the first registered pattern that matches a path serves it.
@router.get("/cities/{code}/pilots/{slug}",
            summary="A pilot with its lineage and its observational before/after evaluation")
def pilot_detail(request: HttpRequest, code: str, slug: str) -> Any:
    city = places.get_city(code, request.user)
    found = queries.get_pilot(city, slug)
    lineage = queries.lineage(found)
    came_from = lineage["adopted_from"]
    return {**_pilot_out(found),
            "adopted_from": {"city": came_from.origin_city.code, "title": came_from.origin_title}
            if came_from else None,
            "adopted_by": [{"city": r.adopter_city.code, "still_running": r.copy_id is not None}
                           for r in lineage["adopters"]],
            "evaluation": _json_dates(queries.pilot_evaluation(found, request.user))}


@router.put("/cities/{code}/pilots/{slug}", response={200: dict}, auth=write_auth,
            summary="Change a pilot (editors of its city; the whole record is replaced)")
def pilot_edit(request: HttpRequest, code: str, slug: str, body: PilotIn) -> Any:
    city = places.get_city(code, request.user)
    require(request.user, Action.EDIT, city)
    found = queries.get_pilot(city, slug)
    return _pilot_out(services.save_pilot(by=request.user, city=city, pilot=found,
                                          **_pilot_fields(city, body)))


@router.delete("/cities/{code}/pilots/{slug}", response={204: None}, auth=write_auth,
               summary="Delete a pilot (editors); its replication records stay")
def pilot_delete(request: HttpRequest, code: str, slug: str) -> Any:
    from django.shortcuts import get_object_or_404

    from urbis.insight.models import Pilot

    city = places.get_city(code, request.user)
    services.delete_pilot(by=request.user, pilot=get_object_or_404(Pilot, city=city, slug=slug))
    return Status(204, None)


@router.get("/insight/spread", summary="Which pilot concepts spread to which cities")
def spread(request: HttpRequest) -> Any:
    return [{**s, "adopters": [{**a, "adopted_at": a["adopted_at"].isoformat()}
                               for a in s["adopters"]]} for s in queries.spread()]


# --- hack days -------------------------------------------------------------------------------


class HackDayIn(Schema):
    slug: str
    theme: str
    held_on: str
    participants: int
    outputs: str = ""
    lab: str | None = None  # the living lab's short name
    source: str = ""
    is_illustrative: bool = False


class InitiativeIn(Schema):
    title: str
    summary: str = ""


def _hack_day_out(h: Any) -> dict[str, Any]:
    return {"slug": h.slug, "city": h.city.code, "theme": h.theme,
            "held_on": h.held_on.isoformat(), "participants": h.participants,
            "outputs": h.outputs, "lab": h.lab.slug if h.lab else None, "source": h.source,
            "illustrative": h.is_illustrative,
            "initiatives": [_initiative_out(i) for i in h.initiatives.all()],
            "url": h.get_absolute_url()}


@router.get("/cities/{code}/hack-days", summary="A city's hack days and their initiatives")
def hack_day_list(request: HttpRequest, code: str) -> Any:
    return [_hack_day_out(h) for h in queries.hack_days(places.get_city(code, request.user))]


@router.post("/cities/{code}/hack-days", response={201: dict}, auth=write_auth,
             summary="Record a hack day (editors)")
def hack_day_create(request: HttpRequest, code: str, body: HackDayIn) -> Any:
    import datetime as dt

    from django.core.exceptions import ValidationError

    city = places.get_city(code, request.user)
    data = body.dict()
    try:
        data["held_on"] = dt.date.fromisoformat(body.held_on)
    except ValueError:
        raise ValidationError({"held_on": _("a date, YYYY-MM-DD")}) from None
    data["lab"] = city.living_labs.filter(slug=body.lab).first() if body.lab else None
    if body.lab and data["lab"] is None:
        raise ValidationError({"lab": _("no living lab %(lab)r in this city") % {"lab": body.lab}})
    found = services.save_hack_day(by=request.user, city=city, **data)
    return Status(201, _hack_day_out(queries.get_hack_day(city, found.slug)))


@router.post("/cities/{code}/hack-days/{slug}/initiatives", response={201: dict},
             auth=write_auth, summary="Add an initiative to a hack day (editors)")
def initiative_create(request: HttpRequest, code: str, slug: str, body: InitiativeIn) -> Any:
    city = places.get_city(code, request.user)
    found = queries.get_hack_day(city, slug)
    return Status(201, _initiative_out(services.add_initiative(
        by=request.user, hack_day=found, title=body.title, summary=body.summary)))


class InitiativeIdeaIn(Schema):
    process: str  # the engagement process's short name, in the hack day's city
    title: str
    body: str
    category: str


@router.post("/cities/{code}/hack-days/{slug}/initiatives/{pk}/idea", response={201: dict},
             auth=write_auth,
             summary="Turn a hack-day initiative into an engagement idea (editors)")
@engagement_limited  # engagement's rate limit answers 429 with Retry-After, as its idea endpoint
def initiative_idea(request: HttpRequest, code: str, slug: str, pk: int,
                    body: InitiativeIdeaIn) -> Any:
    from django.core.exceptions import ValidationError

    city = places.get_city(code, request.user)
    found = queries.get_hack_day(city, slug)
    initiative = queries.get_initiative(found, pk)
    process = city.processes.filter(slug=body.process, is_published=True).first()
    if process is None:
        raise ValidationError({"process": _("no published process %(slug)r in this city")
                               % {"slug": body.process}})
    idea = services.initiative_to_idea(by=request.user, initiative=initiative, process=process,
                                       title=body.title, body=body.body, category=body.category,
                                       ip=client_ip(request))
    return Status(201, {"initiative": initiative.pk, "idea": idea.pk,
                        "url": idea.get_absolute_url()})


# --- mentoring -------------------------------------------------------------------------------


class MeetingIn(Schema):
    date: str
    note: str = ""


class PartnershipIn(Schema):
    mentor: str
    theme: str
    goals: str
    started_on: str
    meetings: list[MeetingIn] = []
    documents: list[SourceIn] = []
    outcomes: str = ""
    is_illustrative: bool = False


def _partnership_out(p: Any) -> dict[str, Any]:
    return {"id": p.pk, "mentor": p.mentor.code, "follower": p.follower.code,
            "theme": p.theme, "goals": p.goals, "started_on": p.started_on.isoformat(),
            "meetings": p.meetings, "documents": p.documents, "outcomes": p.outcomes,
            "illustrative": p.is_illustrative}


def _partnership_fields(request: HttpRequest, body: PartnershipIn) -> dict[str, Any]:
    from django.core.exceptions import ValidationError
    from django.http import Http404

    errors: dict[str, str] = {}
    data = body.dict()
    try:
        data["mentor"] = places.get_city(body.mentor, request.user)
    except Http404:
        errors["mentor"] = _("no city with code %(code)r") % {"code": body.mentor}
    try:
        data["started_on"] = dt.date.fromisoformat(body.started_on)
    except ValueError:
        errors["started_on"] = _("a date, YYYY-MM-DD")
    if errors:
        raise ValidationError(errors)
    return data


@router.get("/cities/{code}/partnerships", summary="A city's mentoring partnerships")
def partnership_list(request: HttpRequest, code: str) -> Any:
    city = places.get_city(code, request.user)
    return [_partnership_out(p) for p in queries.partnerships(city)]


@router.post("/cities/{code}/partnerships", response={201: dict}, auth=write_auth,
             summary="Record a partnership with a mentor city (editors of the follower city)")
def partnership_create(request: HttpRequest, code: str, body: PartnershipIn) -> Any:
    follower = places.get_city(code, request.user)
    require(request.user, Action.EDIT, follower)
    return Status(201, _partnership_out(services.save_partnership(
        by=request.user, follower=follower, **_partnership_fields(request, body))))


@router.put("/cities/{code}/partnerships/{pk}", response={200: dict}, auth=write_auth,
            summary="Change a mentoring partnership (editors of the follower city)")
def partnership_edit(request: HttpRequest, code: str, pk: int, body: PartnershipIn) -> Any:
    follower = places.get_city(code, request.user)
    require(request.user, Action.EDIT, follower)
    found = queries.get_partnership(follower, pk)
    return _partnership_out(services.save_partnership(
        by=request.user, follower=follower, partnership=found,
        **_partnership_fields(request, body)))


@router.get("/cities/{code}/insight/mentors",
            summary="Mentor suggestions for the city's off-track targets (computed)")
def mentors(request: HttpRequest, code: str) -> Any:
    city = places.get_city(code, request.user)
    return queries.mentor_suggestions(city, request.user)


@router.get("/insight/participation",
            summary="Participation series of every city (per year, per 1,000 residents)")
def network_participation(request: HttpRequest) -> Any:
    return queries.network_participation(request.user)
