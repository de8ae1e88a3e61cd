"""Reads shared by the insight pages and API: who may see which survey, stored results, the
methods catalogue, each city's inventory of methods used (counted from the other apps' records,
never typed) and the guided selection of methods."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from urbis.insight.models import Comparison, QuestionVersion, Survey
from urbis.people.permissions import Action, can, cities_where

DATA = Path(__file__).resolve().parent / "data"
# A city's boundary is a large GeoJSON that no insight page draws: never load it alongside.
NO_BOUNDARY = ("city__boundary",)
PILOT_NO_BOUNDARY = ("city__boundary", "lab__city__boundary",
                     "origin__hack_day__city__boundary")


def visible_surveys(city: Any, user: Any) -> QuerySet[Survey]:
    surveys = Survey.objects.filter(city=city).select_related("city").defer(*NO_BOUNDARY)
    if can(user, Action.VIEW_PRIVATE, city):
        return surveys
    return surveys.filter(is_published=True)


def get_survey(city: Any, slug: str, user: Any) -> Survey:
    survey = visible_surveys(city, user).filter(slug=slug).first()
    if survey is None:
        raise Http404(_("No survey %(slug)r.") % {"slug": slug})
    return survey


def comparisons() -> QuerySet[Comparison]:
    return Comparison.objects.select_related("version__question").order_by(
        "version__question__theme", "version__question__code"
    )


def get_comparison(key: str) -> Comparison:
    code, _dot, number = key.rpartition(".v")
    found = comparisons().filter(
        version__question__code=code, version__number=int(number) if number.isdigit() else -1
    ).first()
    if found is None:
        raise Http404(_("No comparison for %(key)r.") % {"key": key})
    return found


def question_versions() -> QuerySet[QuestionVersion]:
    return QuestionVersion.objects.select_related("question").order_by(
        "question__theme", "question__code", "number"
    )


# --- methods catalogue and framework -------------------------------------------------------


@cache
def catalogue() -> dict[str, Any]:
    return json.loads((DATA / "methods.json").read_text(encoding="utf-8"))


def methods() -> list[dict[str, Any]]:
    return list(catalogue()["methods"])


def get_method(code: str) -> dict[str, Any]:
    for method in methods():
        if method["code"] == code:
            return method
    raise Http404(_("No method %(code)r.") % {"code": code})


@dataclass
class Ranked:
    method: dict[str, Any]
    score: int
    reasons: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)


def rank_methods(
    *, goal: str | None, stage: str | None, max_cost: int | None = None,
    max_weeks: int | None = None, runs_in_urbis: bool = False,
) -> list[Ranked]:
    """The guided selection: methods fitting a goal, a policy-cycle stage and constraints.

    Score: 3 for the goal, 2 for the stage, 1 if Urbis runs the method. A method beyond the
    budget level or the time available is left out, with the reason. Ties: cheaper, then shorter.
    """
    from django.utils.translation import gettext as _

    ranked = []
    for method in methods():
        r = Ranked(method, 0)
        if goal and goal in method["goals"]:
            r.score += 3
            r.reasons.append(_("fits the goal"))
        if stage and stage in method["stages"]:
            r.score += 2
            r.reasons.append(_("fits the stage of the policy cycle"))
        if method["feature"]:
            r.score += 1
            r.reasons.append(_("Urbis runs it and records each use"))
        elif runs_in_urbis:
            r.excluded.append(_("Urbis does not run it"))
        if max_cost is not None and method["cost"] > max_cost:
            r.excluded.append(_("costs more than the budget allows"))
        if max_weeks is not None and method["weeks"] > max_weeks:
            r.excluded.append(_("takes longer than the time available"))
        ranked.append(r)
    ranked.sort(key=lambda r: (bool(r.excluded), -r.score, r.method["cost"], r.method["weeks"]))
    return ranked


def _uses_by_feature() -> dict[str, dict[int, dict[str, Any]]]:
    """Per Urbis feature, per city id: how many times it was used and when it was last used."""
    from django.db.models import Max

    from urbis.energy.models import Season
    from urbis.engagement.models import Process, Study, Workshop

    def rows(qs: QuerySet[Any], city_field: str, date_field: str,
             illustrative: str = "", simulated: str = "") -> dict[int, dict[str, Any]]:
        # How many of the uses are illustrative demo records or simulated surveys, where the
        # record says so (workshops and studies have no such mark).
        flags = {name: Count("pk", filter=Q(**{field_: True}))
                 for name, field_ in (("illustrative", illustrative), ("simulated", simulated))
                 if field_}
        return {
            r[city_field]: {"count": r["n"], "last": r["last"],
                            "illustrative": bool(r.get("illustrative")),
                            "simulated": bool(r.get("simulated"))}
            for r in qs.values(city_field).annotate(n=Count("pk"), last=Max(date_field),
                                                    **flags)
        }

    return {
        "engagement.process": rows(Process.objects.filter(is_published=True), "city",
                                   "collecting_starts", illustrative="is_illustrative"),
        "engagement.workshop": rows(Workshop.objects.filter(is_published=True), "city",
                                    "starts_at"),
        "engagement.study.concept": rows(
            Study.objects.filter(is_published=True, kind=Study.Kind.CONCEPT), "city", "opens"),
        "engagement.study.usability": rows(
            Study.objects.filter(is_published=True, kind=Study.Kind.USABILITY), "city", "opens"),
        "insight.survey": rows(Survey.objects.filter(is_published=True), "city", "opens",
                               simulated="is_simulated"),
        "energy.season": rows(Season.objects.filter(is_published=True), "cities", "starts_on",
                              illustrative="is_illustrative"),
    }


def inventory(city: Any) -> list[dict[str, Any]]:
    """A city's current-state inventory: each catalogue method and the uses recorded in Urbis."""
    uses = _uses_by_feature()
    result = []
    for method in methods():
        feature = method["feature"]
        row = uses.get(feature, {}).get(city.pk) if feature else None
        result.append({"method": method, "recorded": bool(feature),
                       "uses": row["count"] if row else 0, "last": row["last"] if row else None})
    return result


def network(user: Any = None) -> dict[str, Any]:
    """The network figures: cities using the framework, and each method's take-up."""
    from urbis.places.queries import visible_cities

    cities = {c.pk: c for c in visible_cities(user)}
    uses = _uses_by_feature()
    using: set[int] = set()
    take_up = []
    for method in methods():
        feature = method["feature"]
        city_ids = {cid for cid in uses.get(feature, {}) if cid in cities} if feature else set()
        using |= city_ids
        take_up.append({"method": method, "recorded": bool(feature), "cities": len(city_ids),
                        "city_names": sorted(cities[c].name for c in city_ids)})
    return {"cities_using": len(using), "cities": len(cities), "methods": take_up}


def participation(city: Any) -> list[dict[str, Any]]:
    """Per year: participants, ideas, votes, workshop places taken and survey responses, each
    also per 1,000 residents (the city's published population), and districts reached."""
    return participation_by_city([city])[city.pk]


def participation_by_city(cities: list[Any]) -> dict[int, list[dict[str, Any]]]:
    """:func:`participation` for many cities in a fixed number of queries (grouped by city and
    year), so that a page listing every city does not grow by a dozen queries per city. Only
    records in published processes, workshops and surveys count.

    Each row also says whether any simulated survey response (``simulated``) or any idea or vote
    in an illustrative process (``illustrative``) went into it."""
    from django.db.models.functions import ExtractYear

    from urbis.engagement.models import Idea, Registration, Vote
    from urbis.insight.models import PopulationMargin, Response

    ids = [c.pk for c in cities]
    years: dict[tuple[int, int], dict[str, Any]] = {}

    def add(qs: QuerySet[Any], city_field: str, date_field: str, key: str) -> None:
        for row in qs.annotate(y=ExtractYear(date_field)).values(city_field, "y").annotate(
                n=Count("pk")):
            years.setdefault((row[city_field], row["y"]), {})[key] = row["n"]

    # Only what the cities published counts (as in the inventory): a draft process, workshop
    # or survey adds nothing a visitor could not see.
    ideas = Idea.objects.filter(process__city__in=ids, process__is_published=True)
    votes = Vote.objects.filter(process__city__in=ids, process__is_published=True)
    registrations = Registration.objects.filter(workshop__city__in=ids, status="confirmed",
                                                workshop__is_published=True)
    responses = Response.objects.filter(survey__city__in=ids, survey__is_published=True)
    add(ideas, "process__city", "created_at", "ideas")
    add(votes, "process__city", "created_at", "votes")
    add(registrations, "workshop__city", "created_at", "workshop_places")
    add(responses, "survey__city", "created_at", "survey_responses")
    people: dict[tuple[int, int], set[int]] = {}
    for qs, city_field, user_field in (
        (ideas, "process__city", "author_id"), (votes, "process__city", "user_id"),
        (registrations, "workshop__city", "user_id"), (responses, "survey__city", "user_id"),
    ):
        for cid, uid, when in qs.exclude(**{user_field: None}).values_list(
                city_field, user_field, "created_at"):
            people.setdefault((cid, when.year), set()).add(uid)
    per_year = responses.annotate(y=ExtractYear("created_at")).values("survey__city", "y")
    anonymous = {(r["survey__city"], r["y"]): r["n"]
                 for r in per_year.filter(user=None).annotate(n=Count("pk"))}
    reached = {(r["survey__city"], r["y"]): r["d"]
               for r in per_year.annotate(d=Count("district", distinct=True))}
    simulated = {(r["survey__city"], r["y"])
                 for r in per_year.filter(Q(is_simulated=True) | Q(survey__is_simulated=True))
                 .annotate(n=Count("pk"))}
    illustrative: set[tuple[int, int]] = set()
    for qs in (ideas, votes):
        illustrative |= {
            (r["process__city"], r["y"])
            for r in qs.filter(process__is_illustrative=True).annotate(
                y=ExtractYear("created_at")).values("process__city", "y").annotate(n=Count("pk"))
        }
    districts = dict(
        PopulationMargin.objects.filter(city__in=ids, variable="district").values("city")
        .annotate(n=Count("pk")).values_list("city", "n"))
    result: dict[int, list[dict[str, Any]]] = {}
    for city in cities:
        population = city.population
        rows: list[dict[str, Any]] = []
        for (cid, year) in sorted(k for k in years if k[0] == city.pk):
            key = (cid, year)
            row: dict[str, Any] = {"year": year, "ideas": 0, "votes": 0, "workshop_places": 0,
                                   "survey_responses": 0, **years[key]}
            row["participants"] = len(people.get(key, set())) + anonymous.get(key, 0)
            for name in ("participants", "ideas", "votes", "workshop_places",
                         "survey_responses"):
                row[f"{name}_per_1000"] = (
                    round(row[name] * 1000 / population, 3) if population else None
                )
            row["districts_reached"] = reached.get(key, 0)
            row["districts"] = districts.get(city.pk, 0)
            row["districts_reached_share"] = (
                round(row["districts_reached"] * 100 / row["districts"], 1)
                if row["districts"] else None)
            row["simulated"] = key in simulated
            row["illustrative"] = key in illustrative
            rows.append(row)
        result[city.pk] = rows
    return result


# The participation measures drawn as series on the network dashboard and exported as CSV:
# row key, title, unit and definition (shown beside each chart).
PARTICIPATION_SERIES: dict[str, dict[str, Any]] = {
    "participants_per_1000": {
        "title": _("Participants"), "unit": _("per 1,000 residents"),
        "definition": _("People who proposed an idea, voted, took a workshop place or answered a "
                        "survey in the year (each person once; anonymous survey responses each "
                        "count as one), per 1,000 residents of the city's published "
                        "population."),
    },
    "ideas_per_1000": {
        "title": _("Ideas"), "unit": _("per 1,000 residents"),
        "definition": _("Ideas proposed in the city's participation processes in the year, per "
                        "1,000 residents."),
    },
    "votes_per_1000": {
        "title": _("Votes"), "unit": _("per 1,000 residents"),
        "definition": _("Votes cast in the city's participation processes in the year, per 1,000 "
                        "residents."),
    },
    "workshop_places_per_1000": {
        "title": _("Workshop attendance"), "unit": _("per 1,000 residents"),
        "definition": _("Confirmed workshop places in the year, per 1,000 residents."),
    },
    "survey_responses_per_1000": {
        "title": _("Survey responses"), "unit": _("per 1,000 residents"),
        "definition": _("Responses to the city's attitude surveys in the year, per 1,000 "
                        "residents."),
    },
    "districts_reached_share": {
        "title": _("Districts reached"), "unit": "%",
        "definition": _("Share of the city's districts (from its population margins) from which "
                        "at least one survey response came in the year."),
    },
}


def network_participation_series(user: Any = None) -> dict[str, Any]:
    """The participation measures as series over the years, one line per visible city, for the
    network dashboard: each with its title, unit, definition, a table row per year and whether
    simulated or illustrative records went into it. A fixed number of queries."""
    from django.utils import timezone

    series = network_participation(user)
    years = sorted({row["year"] for city in series for row in city["years"]})
    out = []
    for code, meta in PARTICIPATION_SERIES.items():
        rows = []
        for year in years:
            cells = []
            for city in series:
                row = next((r for r in city["years"] if r["year"] == year), None)
                cells.append({"value": row[code] if row else None,
                              "simulated": bool(row and row["simulated"]),
                              "illustrative": bool(row and row["illustrative"])})
            rows.append({"year": year, "cells": cells})
        out.append({
            "code": code, "title": str(meta["title"]), "unit": str(meta["unit"]),
            "definition": str(meta["definition"]), "rows": rows,
            "simulated": any(c["simulated"] for r in rows for c in r["cells"]),
            "illustrative": any(c["illustrative"] for r in rows for c in r["cells"]),
        })
    return {"cities": [{"code": c["city"], "name": c["name"]} for c in series],
            "years": years, "series": out, "computed_at": timezone.now()}


def editable_cities(user: Any) -> list[int]:
    return cities_where(user, Action.EDIT)


# --- case studies and pilots ---------------------------------------------------------------


def case_studies(
    *, q: str = "", theme: str = "", method: str = "", city: str = "", user: Any = None
) -> QuerySet[Any]:
    """Case studies ``user`` may see (those of a place outside the network, and of the cities
    visible to them), searched in title, place, problem, what was done and results."""
    from urbis.insight.models import CaseStudy

    found = _visible_cases(CaseStudy.objects.select_related("city").defer(*NO_BOUNDARY), user)
    if q:
        found = found.filter(
            Q(title__icontains=q) | Q(place_name__icontains=q) | Q(problem__icontains=q)
            | Q(what_was_done__icontains=q) | Q(results__icontains=q)
        )
    if theme:
        found = found.filter(theme=theme)
    if method:
        found = found.filter(method=method)
    if city:
        found = found.filter(city__code=city)
    return found


def _visible_cases(found: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """Without the case studies of cities ``user`` may not see (an unpublished city's)."""
    from urbis.places.queries import visible_cities

    return found.filter(Q(city=None) | Q(city__in=visible_cities(user).values("pk")))


def get_case_study(slug: str, user: Any = None) -> Any:
    from urbis.insight.models import CaseStudy

    found = _visible_cases(CaseStudy.objects.select_related("city").defer(*NO_BOUNDARY),
                           user).filter(slug=slug).first()
    if found is None:
        raise Http404(_("No case study %(slug)r.") % {"slug": slug})
    return found


def spread() -> list[dict[str, Any]]:
    """Which pilot concepts spread to which cities, from the replication records (they outlive
    the pilots themselves)."""
    from urbis.insight.models import Replication

    concepts: dict[tuple[int, str], dict[str, Any]] = {}
    for r in Replication.objects.select_related("origin_city", "adopter_city", "copy").defer(
            "origin_city__boundary", "adopter_city__boundary"):
        key = (r.origin_city_id, r.origin_title)
        entry = concepts.setdefault(key, {"title": r.origin_title, "origin": r.origin_city.name,
                                          "adopters": [], "illustrative": False})
        entry["adopters"].append({"city": r.adopter_city.name, "still_running": r.copy_id
                                  is not None, "adopted_at": r.adopted_at})
        entry["illustrative"] |= r.is_illustrative
    return list(concepts.values())


def city_pilots(city: Any) -> QuerySet[Any]:
    from urbis.insight.models import Pilot

    return Pilot.objects.filter(city=city).select_related(
        "city", "lab__city", "origin__hack_day__city").defer(*PILOT_NO_BOUNDARY)


def get_pilot(city: Any, slug: str) -> Any:
    from urbis.insight.models import Pilot

    found = Pilot.objects.select_related(
        "city", "lab__city", "origin__hack_day__city", "evaluation_indicator", "evaluation_area"
    ).defer(*PILOT_NO_BOUNDARY, "evaluation_area__geometry").filter(city=city, slug=slug).first()
    if found is None:
        raise Http404(_("No pilot %(slug)r in %(city)s.") % {"slug": slug, "city": city.code})
    return found


def lineage(pilot: Any) -> dict[str, Any]:
    """Where a pilot came from and where it went: the hack-day initiative it grew out of, the
    pilot it copies and the cities that adopted it (from the replication records, which outlive
    the pilots)."""
    from urbis.insight.models import Replication

    adopted_from = Replication.objects.filter(copy=pilot).select_related(
        "origin__city", "origin_city").defer("origin__city__boundary",
                                             "origin_city__boundary").first()
    adopters = Replication.objects.filter(origin=pilot).select_related(
        "adopter_city", "copy__city").defer("adopter_city__boundary", "copy__city__boundary")
    return {"initiative": pilot.origin, "adopted_from": adopted_from, "adopters": list(adopters)}


def get_lab(city: Any, slug: str) -> Any:
    from urbis.insight.models import LivingLab

    found = LivingLab.objects.select_related("city").defer(*NO_BOUNDARY).filter(
        city=city, slug=slug).first()
    if found is None:
        raise Http404(_("No living lab %(slug)r in %(city)s.") % {"slug": slug, "city": city.code})
    return found


def hack_days(city: Any) -> QuerySet[Any]:
    from django.db.models import Prefetch

    from urbis.insight.models import HackDay, HackDayInitiative, Pilot

    pilots = Pilot.objects.select_related("city").defer(*NO_BOUNDARY)
    return HackDay.objects.filter(city=city).select_related(
        "lab__city", "city").defer(*NO_BOUNDARY, "lab__city__boundary").prefetch_related(
        Prefetch("initiatives", HackDayInitiative.objects.select_related(
            "idea__process__city").defer("idea__process__city__boundary").prefetch_related(
            Prefetch("pilots", pilots))))


def get_hack_day(city: Any, slug: str) -> Any:
    found = hack_days(city).filter(slug=slug).first()
    if found is None:
        raise Http404(_("No hack day %(slug)r in %(city)s.") % {"slug": slug, "city": city.code})
    return found


def case_summary(case: Any, language: str | None = None) -> dict[str, Any] | None:
    """The case study's summary for a reader of ``language`` (the active one by default): in
    that language when given, else the original, saying which language it is in."""
    from django.utils import translation

    if not case.summaries:
        return None
    wanted = (language or translation.get_language() or "en").split("-")[0]
    if wanted in case.summaries:
        return {"text": case.summaries[wanted], "language": wanted, "fallback": False,
                "note": ""}
    original = case.summary_language
    name = translation.get_language_info(original)["name_translated"]
    return {"text": case.summaries[original], "language": original, "fallback": True,
            "note": _("This summary is only available in its original language, %(language)s.")
            % {"language": name}}


def get_initiative(hack_day: Any, pk: int) -> Any:
    found = next((i for i in hack_day.initiatives.all() if i.pk == pk), None)
    if found is None:
        raise Http404(_("No initiative %(id)s in this hack day.") % {"id": pk})
    return found


def idea_origin(idea: Any) -> Any:
    """The hack-day initiative an engagement idea was turned from, or ``None``."""
    from urbis.insight.models import HackDayInitiative

    return HackDayInitiative.objects.filter(idea=idea).select_related(
        "hack_day__city").defer("hack_day__city__boundary").first()


def initiatives(city: Any) -> QuerySet[Any]:
    """The initiatives of the city's hack days (what a pilot of the city can grow out of)."""
    from urbis.insight.models import HackDayInitiative

    return HackDayInitiative.objects.filter(hack_day__city=city).select_related("hack_day")


OBSERVATIONAL_NOTE = ("observational comparison of measured values, not a causal estimate: "
                      "other differences between the areas or the periods are not accounted for")


def pilot_evaluation(pilot: Any, user: Any) -> dict[str, Any] | None:
    """The pilot's indicator before vs after in its area (and against its comparison areas,
    difference-in-differences), from the observations the reader may see. ``None`` when the
    pilot names no evaluation; ``{"error": ...}`` when the observations do not allow one."""
    from urbis.engines.evaluation import beforeafter
    from urbis.strategy.queries.status import observations

    indicator = pilot.evaluation_indicator
    if indicator is None or None in (pilot.before_start, pilot.before_end, pilot.after_start,
                                     pilot.after_end):
        return None
    city = pilot.city
    area = pilot.evaluation_area

    sources: set[str] = set()

    def points(where: Any) -> list[tuple[Any, float]]:
        found = list(observations(indicator, city, area=where, user=user))
        sources.update(o.source for o in found if o.source)
        return [(o.date, o.value) for o in found]

    own_name = area.name if area is not None else city.name
    others = list(pilot.comparison_areas.order_by("name"))
    base = {"indicator": indicator.name, "indicator_code": indicator.code,
            "unit": indicator.unit, "direction": indicator.direction, "area": own_name,
            "before": [pilot.before_start, pilot.before_end],
            "after": [pilot.after_start, pilot.after_end],
            "comparison_areas": [a.name for a in others], "observational": True,
            "note": OBSERVATIONAL_NOTE}
    own_points = points(area)
    other_points = {a.name: points(a) for a in others}
    # Where the measured values come from, as the observations name it.
    base["sources"] = sorted(sources)
    try:
        result = beforeafter.evaluate(
            own_points, before=(pilot.before_start, pilot.before_end),
            after=(pilot.after_start, pilot.after_end),
            comparisons=other_points, direction=indicator.direction,
            pilot_name=own_name)
    except beforeafter.EvaluationError as error:
        if error.code == "empty":
            reason = _("%(where)s: no observation between %(start)s and %(end)s.") % {
                "where": error.field, **error.params}
        else:  # the service checks the periods' order; a stored pair cannot be wrong
            reason = _("%(where)s: %(reason)s") % {"where": error.field, "reason": error.reason}
        return {**base, "error": reason}

    def change(c: Any) -> dict[str, Any]:
        return {"area": c.name, "before_mean": c.before_mean, "after_mean": c.after_mean,
                "before_n": c.before_n, "after_n": c.after_n, "change": c.change,
                "relative_change": c.relative_change}

    return {**base, "error": None, "method": result.method, "pilot": change(result.pilot),
            "comparisons": [change(c) for c in result.comparisons],
            "comparison_change": result.comparison_change,
            "difference_in_differences": result.difference_in_differences,
            "estimate": result.estimate, "improved": result.improved}


# --- mentoring -----------------------------------------------------------------------------


def partnerships(city: Any) -> QuerySet[Any]:
    from django.db.models import Q

    from urbis.insight.models import Partnership

    return Partnership.objects.filter(Q(mentor=city) | Q(follower=city)).select_related(
        "mentor", "follower").defer("mentor__boundary", "follower__boundary")


def get_partnership(follower: Any, pk: int) -> Any:
    """A partnership of ``follower`` as the follower city (the side that records and edits it)."""
    from urbis.insight.models import Partnership

    found = Partnership.objects.select_related("mentor", "follower").defer(
        "mentor__boundary", "follower__boundary").filter(
        follower=follower, pk=pk).first()
    if found is None:
        raise Http404(_("No partnership %(pk)s followed by %(follower)s.")
                      % {"pk": pk, "follower": follower.code})
    return found


def improvement_per_year(first: tuple[float, float], last: tuple[float, float],
                         direction: str) -> float | None:
    """Relative change per year from ``first`` to ``last`` ((year, value)), positive when the
    indicator moved the better way. Relative, so a city total and its per-capita value rank the
    same for a city (its population cancels), and cities of different size compare."""
    (y0, v0), (y1, v1) = first, last
    if y1 <= y0 or v0 == 0:
        return None
    change = (v1 - v0) / abs(v0) / (y1 - y0)
    return change if direction == "up" else -change


def mentor_suggestions(city: Any, user: Any = None) -> list[dict[str, Any]]:
    """For each of ``city``'s off-track or at-risk targets on a catalogue indicator: the other
    cities whose published values of the same indicator improved fastest, and whether they have
    case studies or pilots on the indicator's theme. Cities with such practice come first."""
    from urbis.insight.models import CaseStudy, Pilot
    from urbis.places.queries import visible_cities
    from urbis.strategy.models import Observation, Target
    from urbis.strategy.queries import target_status

    others = {c.pk: c for c in visible_cities(user) if c.pk != city.pk}
    result = []
    targets = Target.objects.filter(
        strategy__city=city, indicator__city__isnull=True
    ).select_related("indicator", "strategy__city", "area").defer(
        "strategy__city__boundary", "area__geometry")
    for target in targets:
        status = target_status(target, user=user)
        if status["status"] not in ("off_track", "at_risk"):
            continue
        indicator = target.indicator
        assert indicator is not None
        series: dict[int, list[tuple[float, float]]] = {}
        for city_id, date, value in Observation.objects.filter(
            indicator=indicator, area=None, is_published=True, city_id__in=list(others)
        ).order_by("date").values_list("city_id", "date", "value"):
            series.setdefault(city_id, []).append((date.year + date.timetuple().tm_yday / 366,
                                                   value))
        candidates: list[dict[str, Any]] = []
        for city_id, points in series.items():
            rate = improvement_per_year(points[0], points[-1], indicator.direction)
            if rate is None or rate <= 0:
                continue
            other = others[city_id]
            cases = CaseStudy.objects.filter(city=other, theme=indicator.theme).count()
            pilots = Pilot.objects.filter(city=other, theme=indicator.theme).count()
            candidates.append({
                "city": other.code, "name": other.name,
                "improvement_per_year": rate, "first": points[0], "last": points[-1],
                "case_studies": cases, "pilots": pilots,
            })
        candidates.sort(key=lambda c: (-(c["case_studies"] + c["pilots"] > 0),
                                       -c["improvement_per_year"]))
        result.append({"target": target.title, "status": status["status"],
                       "indicator": indicator.code, "indicator_name": indicator.name,
                       "theme": indicator.theme, "candidates": candidates})
    return result


def results_rows(survey: Any) -> list[dict[str, Any]]:
    """A survey's stored results as flat rows (CSV export): one per question, scope and answer."""
    results = survey.results or {"items": []}
    rows = []
    for item in results["items"]:
        scopes = [("city", "", item["city"])] + [
            ("district", d["district"], d) for d in item.get("districts", [])
        ]
        for scope, district, dist in scopes:
            for share in dist.get("shares", []):
                rows.append({
                    "question": item["key"], "scope": scope, "district": district,
                    "answer": share["code"], "share": share["share"], "low": share["low"],
                    "high": share["high"], "n": dist["n"], "small_sample": dist["small_sample"],
                    "simulated": survey.is_simulated,
                })
            if dist.get("mean") is not None:
                rows.append({
                    "question": item["key"], "scope": scope, "district": district,
                    "answer": "mean", "share": dist["mean"], "low": dist["mean_low"],
                    "high": dist["mean_high"], "n": dist["n"],
                    "small_sample": dist["small_sample"], "simulated": survey.is_simulated,
                })
    return rows


def others_did(action: Any) -> list[Any]:
    """"What others did about this": case studies linked to the action, then other cities'
    case studies on the action's theme (its strategy theme's kind)."""
    from django.db.models import Q

    from urbis.insight.models import CaseStudy

    kind = action.theme.kind if action.theme_id else None
    match = Q(actions=action)
    if kind:
        match |= Q(theme=kind) & ~Q(city_id=action.strategy.city_id)
    return list(CaseStudy.objects.filter(match).select_related("city").defer(
        *NO_BOUNDARY).distinct()[:10])


def network_participation(user: Any = None) -> list[dict[str, Any]]:
    """Every visible city's participation series (see :func:`participation`)."""
    from urbis.places.queries import visible_cities

    cities = list(visible_cities(user).order_by("name"))
    rows = participation_by_city(cities)
    return [{"city": c.code, "name": c.name, "population": c.population,
             "years": rows[c.pk]} for c in cities]


# --- CSV exports ----------------------------------------------------------------------------
# Flat rows for the CSV downloads (api.py writes them with the survey results' helper). Each
# says in its own columns whether it is illustrative or simulated; only visible cities' rows.


def _visible_city_ids(user: Any) -> set[int]:
    from urbis.places.queries import visible_cities

    return set(visible_cities(user).values_list("pk", flat=True))


def case_studies_rows(user: Any = None, **filters: str) -> list[dict[str, Any]]:
    """The case studies list (same filters as its page), without those of cities ``user`` may
    not see; a case study of a place outside the network (no city) is always there."""
    rows = []
    for case in case_studies(user=user, **filters):
        rows.append({
            "slug": case.slug, "title": case.title,
            "city": case.city.code if case.city_id else "", "place": case.place_name,
            "theme": case.theme, "method": case.method, "cost": case.cost,
            "problem": case.problem, "what_was_done": case.what_was_done,
            "results": case.results, "lessons": case.lessons,
            "sources": " ; ".join(" ".join(filter(None, (s.get("title", ""), s.get("url", ""))))
                                  for s in case.sources),
            "url": case.get_absolute_url(), "illustrative": case.is_illustrative,
        })
    return rows


def pilots_rows(user: Any = None, city: Any = None) -> list[dict[str, Any]]:
    """Pilots of ``city`` (every visible city without one) with their decision and lineage: the
    hack-day initiative they grew out of, the pilot they copy, the cities that adopted them
    (from the replication records; cities ``user`` may not see are left out)."""
    from urbis.insight.models import Pilot, Replication

    visible = _visible_city_ids(user)
    pilots = list(Pilot.objects.filter(city__in=[city.pk] if city else visible).select_related(
        "city", "lab", "origin__hack_day").defer("city__boundary").order_by("city__name",
                                                                            "title"))
    ids = [p.pk for p in pilots]
    replications = list(Replication.objects.filter(Q(copy__in=ids) | Q(origin__in=ids))
                        .select_related("origin_city", "adopter_city")
                        .defer("origin_city__boundary", "adopter_city__boundary"))
    rows = []
    for p in pilots:
        came = next((r for r in replications if r.copy_id == p.pk), None)
        went = [r for r in replications if r.origin_id == p.pk and r.adopter_city_id in visible]
        initiative = p.origin
        rows.append({
            "city": p.city.code, "slug": p.slug, "title": p.title, "theme": p.theme,
            "living_lab": p.lab.name if p.lab else "", "goals": p.goals,
            "indicators": " ; ".join(str(i) for i in p.indicators),
            "budget_eur": p.budget_eur, "partners": p.partners, "evaluation": p.evaluation,
            "decision": p.decision or "pending",
            "hack_day": initiative.hack_day.theme if initiative else "",
            "hack_day_date": initiative.hack_day.held_on.isoformat() if initiative else "",
            "hack_day_initiative": initiative.title if initiative else "",
            "adopted_from_city": came.origin_city.code
            if came and came.origin_city_id in visible else "",
            "adopted_from_pilot": came.origin_title
            if came and came.origin_city_id in visible else "",
            "adopted_by_cities": " ; ".join(r.adopter_city.code for r in went),
            "source": p.source, "url": p.get_absolute_url(),
            "illustrative": p.is_illustrative
            or any(r.is_illustrative for r in went) or bool(came and came.is_illustrative),
        })
    return rows


def inventory_rows(cities: list[Any]) -> list[dict[str, Any]]:
    """The current-state inventory of each city: one row per city and catalogue method, with
    the uses recorded in Urbis (counted from published records) and the date of the last."""
    uses = _uses_by_feature()
    rows = []
    for city in cities:
        for method in methods():
            feature = method["feature"]
            row = uses.get(feature, {}).get(city.pk) if feature else None
            last = row["last"] if row else None
            if isinstance(last, dt.datetime):
                last = last.date()
            rows.append({
                "city": city.code, "method": method["code"], "method_name": _(method["name"]),
                "recorded_by_urbis": bool(feature),
                "uses": (row["count"] if row else 0) if feature else "",
                "last_use": last.isoformat() if last else "",
                "illustrative": bool(row and row["illustrative"]),
                "simulated": bool(row and row["simulated"]),
            })
    return rows


PARTICIPATION_CSV_FIELDS = [
    # Row key → column (with its unit).
    ("year", "year"), ("population", "population_residents"),
    ("participants", "participants_people"),
    ("participants_per_1000", "participants_per_1000_residents"),
    ("ideas", "ideas"), ("ideas_per_1000", "ideas_per_1000_residents"),
    ("votes", "votes"), ("votes_per_1000", "votes_per_1000_residents"),
    ("workshop_places", "workshop_places"),
    ("workshop_places_per_1000", "workshop_places_per_1000_residents"),
    ("survey_responses", "survey_responses"),
    ("survey_responses_per_1000", "survey_responses_per_1000_residents"),
    ("districts_reached", "districts_reached"), ("districts", "districts"),
    ("districts_reached_share", "districts_reached_percent"),
    ("simulated", "simulated"), ("illustrative", "illustrative"),
]


def participation_rows(user: Any = None, city: Any = None) -> list[dict[str, Any]]:
    """The participation series as flat rows, one per city and year (every visible city, or
    only ``city``)."""
    if city is not None:
        series = [{"city": city.code, "population": city.population,
                   "years": participation(city)}]
    else:
        series = network_participation(user)
    rows = []
    for entry in series:
        for r in entry["years"]:
            values = {**r, "population": entry["population"]}
            rows.append({"city": entry["city"], **{
                column: "" if values.get(key) is None else values[key]
                for key, column in PARTICIPATION_CSV_FIELDS}})
    return rows
