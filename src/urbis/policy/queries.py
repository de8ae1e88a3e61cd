"""Reads the policy pages, API, CSV exports and map share. Anonymous visitors see what is
published; a city's staff also see that city's unpublished records."""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from urbis.people.models import Organisation
from urbis.people.permissions import Action, can, cities_where
from urbis.places.models import Area, City
from urbis.policy.models import (
    Assessment,
    Barrier,
    BarrierStatus,
    Commitment,
    Effect,
    Endorsement,
    FigurePoint,
    FitnessCheck,
    InnovationZone,
    Involvement,
    Level,
    OneStopShop,
    Procedure,
    ProjectBundle,
    Rating,
    Rollout,
    Stance,
)
from urbis.strategy import queries as strategy_queries
from urbis.strategy.models import Action as StrategyAction
from urbis.strategy.models import ActionStatus, FundingSource

# Cities for links and names: never their boundary, a large GeoJSON document.
_CITIES = City.objects.defer("boundary")

AGREED_OR_LATER = (BarrierStatus.AGREED, BarrierStatus.PROPOSAL_SUBMITTED,
                   BarrierStatus.CHANGED, BarrierStatus.REJECTED)


# ------------------------------------------------------------------ barriers


def visible_barriers(user: Any = None) -> QuerySet[Barrier]:
    qs = Barrier.objects.all()
    staff_cities = cities_where(user, Action.VIEW_PRIVATE)
    if staff_cities:
        return qs.filter(Q(is_published=True) | Q(city_links__city__in=staff_cities)).distinct()
    return qs.filter(is_published=True)


def filter_barriers(qs: QuerySet[Barrier], *, level: str = "", status: str = "",
                    city: str = "", sector: str = "", effect: str = "") -> QuerySet[Barrier]:
    if level:
        qs = qs.filter(level=level)
    if status:
        qs = qs.filter(status=status)
    if city:
        qs = qs.filter(city_links__city__code=city)
    if effect:
        qs = qs.filter(effect=effect)
    if sector:
        # JSON lists: filtered in Python on both databases (the register is small).
        ids = [b.pk for b in qs if sector in (b.sectors or [])]
        qs = qs.filter(pk__in=ids)
    return qs


def get_barrier(slug: str, user: Any = None) -> Barrier:
    barrier = visible_barriers(user).filter(slug=slug).first()
    if barrier is None:
        raise Http404(_("No such barrier"))
    return barrier


def ranked_barriers(qs: QuerySet[Barrier]) -> list[Barrier]:
    """Most cities first, then most endorsing organisations: what the network page ranks by."""
    annotated = qs.annotate(
        n_cities=Count("city_links", distinct=True),
        n_endorsing=Count("endorsements", filter=Q(endorsements__stance=Stance.ENDORSES),
                          distinct=True),
        n_disputing=Count("endorsements", filter=Q(endorsements__stance=Stance.DISPUTES),
                          distinct=True),
    ).prefetch_related(Prefetch("city_links__city", queryset=_CITIES))
    return sorted(annotated, key=lambda b: (-getattr(b, "n_cities", 0),
                                            -getattr(b, "n_endorsing", 0), b.title))


def with_details(barriers: list[Barrier]) -> list[Barrier]:
    """What the API shows of each barrier, read for all of them at once: the raising cities
    (without their boundary: reached by ``select_related`` it came with every link and was
    decoded per barrier, most of ``/api/v1/barriers``' time), the stances with their
    organisations and the touched actions' ids. Use ``.all()`` on the three relations."""
    prefetch_related_objects(
        barriers,
        Prefetch("city_links__city", queryset=_CITIES),
        Prefetch("endorsements", queryset=Endorsement.objects.select_related("organisation")),
        Prefetch("actions", queryset=StrategyAction.objects.only("pk")),
    )
    return barriers


def barrier_links(barrier: Barrier) -> dict[str, list[Any]]:
    """The barrier page's lists: the cities that raised it (with the date and note of each)
    and the strategy actions it touches, each with its city for the link, never the city's
    boundary (joined by ``select_related`` it came with every row and was decoded each time)."""
    return {
        "cities": list(barrier.city_links.select_related("city").defer("city__boundary")),
        "actions": list(barrier.actions.select_related("strategy__city")
                        .defer("strategy__city__boundary")),
    }


def stance_summary(barrier: Barrier) -> dict[str, Any]:
    """'Agreed upon by cities, industry and other stakeholders' as a count and a list."""
    rows = list(barrier.endorsements.select_related("organisation", "organisation__city")
                .defer("organisation__city__boundary"))
    by_kind: dict[str, int] = defaultdict(int)
    for e in rows:
        if e.stance == Stance.ENDORSES:
            by_kind[e.organisation.get_kind_display()] += 1
    return {
        "endorsing": [e for e in rows if e.stance == Stance.ENDORSES],
        "disputing": [e for e in rows if e.stance == Stance.DISPUTES],
        "by_kind": sorted(by_kind.items()),
    }


BARRIER_COLUMNS = ["slug", "title", "level", "jurisdiction", "legal_reference", "link",
                   "effect", "status", "sectors", "cities", "endorsing_organisations",
                   "disputing_organisations", "proposal_to", "proposal_on", "decided_on",
                   "is_illustrative", "source"]


def barriers_csv(barriers: Iterable[Barrier]) -> str:
    """The register as CSV; ``barriers`` come from ``ranked_barriers``, whose counts it uses
    (two counting queries per barrier before)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(BARRIER_COLUMNS)
    for b in barriers:
        cities = sorted(link.city.code for link in b.city_links.all())
        writer.writerow([
            b.slug, b.title, b.level, b.jurisdiction, b.legal_reference, b.link, b.effect,
            b.status, " ".join(b.sectors or []), " ".join(cities),
            b.n_endorsing, b.n_disputing,  # type: ignore[attr-defined]
            b.proposal_to, b.proposal_on or "", b.decided_on or "",
            "yes" if b.is_illustrative else "no", b.source,
        ])
    return out.getvalue()


# ------------------------------------------------------------------ zones


def _city_visible(model: Any, city: City, user: Any) -> QuerySet[Any]:
    qs = model.objects.filter(city=city)
    if not can(user, Action.VIEW_PRIVATE, city):
        qs = qs.filter(is_published=True)
    return qs


def visible_zones(city: City, user: Any = None, *,
                  with_geometry: bool = True) -> QuerySet[InnovationZone]:
    """A city's zones with what their pages and the API show. Pages and the CSV pass
    ``with_geometry=False``: their maps read the GeoJSON endpoint, and each zone's outline is a
    JSON document decoded on load. The roll-outs' areas never come with their geometry."""
    qs = _city_visible(InnovationZone, city, user).prefetch_related(
        "organisations", "rules__barrier", Prefetch("rollouts__city", queryset=_CITIES),
        Prefetch("rollouts__areas", queryset=Area.objects.defer("geometry")),
        "observations__indicator")
    return qs if with_geometry else qs.defer("geometry")


def get_zone(city: City, slug: str, user: Any = None, *,
             with_geometry: bool = True) -> InnovationZone:
    zone = visible_zones(city, user, with_geometry=with_geometry).filter(slug=slug).first()
    if zone is None:
        raise Http404(_("No such innovation zone"))
    return zone


def zone_feature(zone: InnovationZone) -> dict[str, Any]:
    return {
        "type": "Feature", "id": zone.slug, "geometry": zone.geometry,
        "properties": {
            "code": zone.slug, "name": zone.title, "phase": zone.phase,
            "start_date": zone.start_date.isoformat(),
            "end_date": zone.end_date.isoformat() if zone.end_date else None,
            "area_km2": round(zone.area_km2, 4),
            "residents_estimated": round(zone.population) if zone.population is not None
            else None,
            "is_illustrative": zone.is_illustrative,
            "url": zone.get_absolute_url(),
        },
    }


def zones_geojson(zones: Iterable[InnovationZone]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [zone_feature(z) for z in zones]}


ZONE_COLUMNS = ["slug", "title", "phase", "start_date", "end_date", "area_km2",
                "residents_estimated", "households_estimated", "organisations",
                "rules_suspended", "rules_new", "rollouts", "is_illustrative", "source"]


def zones_csv(zones: Iterable[InnovationZone]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ZONE_COLUMNS)
    for z in zones:
        rules = list(z.rules.all())
        writer.writerow([
            z.slug, z.title, z.phase, z.start_date, z.end_date or "", f"{z.area_km2:.4f}",
            "" if z.population is None else round(z.population),
            "" if z.households is None else round(z.households),
            "; ".join(o.name for o in z.organisations.all()),
            sum(r.kind == "suspended" for r in rules), sum(r.kind == "new" for r in rules),
            z.rollouts.count(), "yes" if z.is_illustrative else "no", z.source,
        ])
    return out.getvalue()


def zones_by_year(zones: Iterable[InnovationZone]) -> list[dict[str, Any]]:
    """Zones installed per year (by start date): number, km² and estimated residents."""
    years: dict[int, dict[str, Any]] = {}
    for z in zones:
        row = years.setdefault(z.start_date.year, {"year": z.start_date.year, "zones": 0,
                                                   "km2": 0.0, "residents": 0.0,
                                                   "illustrative": False})
        row["zones"] += 1
        row["km2"] += z.area_km2
        row["residents"] += z.population or 0
        row["illustrative"] = row["illustrative"] or z.is_illustrative
    return [years[y] for y in sorted(years)]


# ------------------------------------------------------------------ commitments and funding


def visible_commitments(city: City, user: Any = None) -> QuerySet[Commitment]:
    return _city_visible(Commitment, city, user).prefetch_related(
        "phases", "involvements__organisation")


def get_commitment(city: City, slug: str, user: Any = None) -> Commitment:
    commitment = visible_commitments(city, user).filter(slug=slug).first()
    if commitment is None:
        raise Http404(_("No such commitment"))
    return commitment


def _years(action: StrategyAction) -> list[int]:
    if action.start_date and action.end_date and action.end_date >= action.start_date:
        return list(range(action.start_date.year, action.end_date.year + 1))
    if action.start_date:
        return [action.start_date.year]
    return []


def funding_plan(city: City, user: Any = None) -> dict[str, Any]:
    """The city's strategy actions' budgets and funding sources by year and source.

    An action's budget and each source's amount are spread evenly over the calendar years the
    action runs (start to end date): an even spread is an estimate, labelled so on the page.
    Budgeted is the actions' budgets; secured is the sum of their funding sources; the gap is
    budgeted minus secured. Cancelled actions and actions without dates are listed apart."""
    strategies = strategy_queries.visible_strategies(user, city)
    actions = list(StrategyAction.objects.filter(strategy__in=strategies)
                   .exclude(status=ActionStatus.CANCELLED)
                   .prefetch_related("funding").select_related("strategy"))
    by_year: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    undated: list[StrategyAction] = []
    kinds: set[str] = set()
    for action in actions:
        years = _years(action)
        if not years:
            undated.append(action)
            continue
        share = Decimal(1) / Decimal(len(years))
        for year in years:
            row = by_year[year]
            row["budgeted"] += (action.budget or Decimal(0)) * share
            for source in action.funding.all():
                amount = (source.amount or Decimal(0)) * share
                row[source.kind] += amount
                row["secured"] += amount
                kinds.add(source.kind)
    kind_labels = dict(FundingSource._meta.get_field("kind").choices or [])
    rows: list[dict[str, Any]] = []
    for year in sorted(by_year):
        row = by_year[year]
        rows.append({"year": year, "budgeted": row["budgeted"], "secured": row["secured"],
                     "gap": row["budgeted"] - row["secured"],
                     "by_source": [row[k] for k in sorted(kinds)]})
    totals: dict[str, Decimal] = {
        "budgeted": sum((r["budgeted"] for r in rows), Decimal(0)),
        "secured": sum((r["secured"] for r in rows), Decimal(0)),
    }
    totals["gap"] = totals["budgeted"] - totals["secured"]
    return {"rows": rows, "sources": [{"kind": k, "label": kind_labels.get(k, k)}
                                      for k in sorted(kinds)],
            "totals": totals, "undated": undated, "actions": len(actions)}


def visible_bundles(city: City, user: Any = None) -> list[dict[str, Any]]:
    """The city's project bundles, each with its actions' budgets and secured funding summed
    (the gap is budgeted minus secured)."""
    out = []
    for bundle in _city_visible(ProjectBundle, city, user).prefetch_related(
            "actions__funding", Prefetch("actions__strategy__city", queryset=_CITIES)):
        actions = list(bundle.actions.all())
        budgeted = sum((a.budget or Decimal(0) for a in actions), Decimal(0))
        secured = sum((f.amount or Decimal(0) for a in actions for f in a.funding.all()),
                      Decimal(0))
        out.append({"bundle": bundle, "actions": actions, "budgeted": budgeted,
                    "secured": secured, "gap": budgeted - secured})
    return out


COMMITMENT_COLUMNS = ["slug", "title", "adopted_on", "body", "document_url", "priorities",
                      "phases", "involved_organisations", "is_illustrative", "source"]


def commitments_csv(commitments: Iterable[Commitment]) -> str:
    """One row per commitment; phases as step:status, organisations as slug:how@step."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COMMITMENT_COLUMNS)
    for c in commitments:
        writer.writerow([
            c.slug, c.title, c.adopted_on, c.body, c.document_url, " ".join(c.priorities),
            " ".join(f"{p.step}:{p.status}" for p in c.phases.all()),
            " ".join(f"{i.organisation.slug}:{i.how}@{i.step}" for i in c.involvements.all()),
            "yes" if c.is_illustrative else "no", c.source,
        ])
    return out.getvalue()


BUNDLE_COLUMNS = ["slug", "title", "actions", "funding_target", "budgeted", "secured", "gap",
                  "is_illustrative", "source"]


def bundles_csv(rows: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(BUNDLE_COLUMNS)
    for r in rows:
        b = r["bundle"]
        writer.writerow([b.slug, b.title, " ".join(str(a.pk) for a in r["actions"]),
                         b.funding_target, f'{r["budgeted"]:.2f}', f'{r["secured"]:.2f}',
                         f'{r["gap"]:.2f}', "yes" if b.is_illustrative else "no", b.source])
    return out.getvalue()


FUNDING_COLUMNS = ["year", "budgeted", "secured", "gap"]


def funding_csv(plan: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FUNDING_COLUMNS + [s["kind"] for s in plan["sources"]])
    for r in plan["rows"]:
        writer.writerow([r["year"], *(f"{r[k]:.2f}" for k in ("budgeted", "secured", "gap")),
                         *(f"{v:.2f}" for v in r["by_source"])])
    return out.getvalue()


# ------------------------------------------------------------------ fitness checks


def visible_checks(city: City, user: Any = None) -> QuerySet[FitnessCheck]:
    return _city_visible(FitnessCheck, city, user)


def get_check(city: City, slug: str, user: Any = None) -> FitnessCheck:
    check = visible_checks(city, user).filter(slug=slug).first()
    if check is None:
        raise Http404(_("No such fitness check"))
    return check


def check_summary(check: FitnessCheck) -> dict[str, Any]:
    """Ratings per domain (the chart) and the rule-by-rule table."""
    rows = list(check.assessments.select_related("barrier"))
    domains: dict[str, dict[str, int]] = {}
    for a in rows:
        counts = domains.setdefault(a.get_domain_display(), dict.fromkeys(Rating.values, 0))
        counts[a.rating] += 1
    return {"rows": rows, "domains": [{"domain": d, **c} for d, c in sorted(domains.items())]}


def compare_rule(barrier: Barrier) -> list[Assessment]:
    """How each city's published fitness check rates a shared (EU or national) rule."""
    if barrier.level not in (Level.EU, Level.NATIONAL):
        return []
    return list(Assessment.objects.filter(barrier=barrier, fitness_check__is_published=True)
                .select_related("fitness_check__city")
                .defer("fitness_check__city__boundary")
                .order_by("fitness_check__city__name", "domain"))


ASSESSMENT_COLUMNS = ["rule", "level", "legal_reference", "domain", "rating", "reason"]


def check_csv(check: FitnessCheck) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ASSESSMENT_COLUMNS)
    for a in check.assessments.select_related("barrier"):
        writer.writerow([a.barrier.slug, a.barrier.level, a.barrier.legal_reference, a.domain,
                         a.rating, a.reason])
    return out.getvalue()


# ------------------------------------------------------------------ one-stop shops


def visible_shops(city: City, user: Any = None) -> QuerySet[OneStopShop]:
    return _city_visible(OneStopShop, city, user).prefetch_related("procedures")


def median_days_saved(procedures: Iterable[Procedure]) -> float | None:
    saved = [p.days_saved for p in procedures]
    return float(statistics.median(saved)) if saved else None


PROCEDURE_COLUMNS = ["shop", "procedure", "authority", "applicant", "days_before",
                     "days_after", "days_saved", "is_illustrative", "source"]


def shops_csv(shops: Iterable[OneStopShop]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PROCEDURE_COLUMNS)
    for shop in shops:
        for p in shop.procedures.all():
            writer.writerow([shop.slug, p.name, p.authority, p.applicant, p.days_before,
                             p.days_after, p.days_saved,
                             "yes" if (p.is_illustrative or shop.is_illustrative) else "no",
                             p.source or shop.source])
    return out.getvalue()


# ------------------------------------------------------------------ network figures


FIGURES: dict[str, dict[str, Any]] = {
    # code: short title, definition (shown beside each chart) and unit.
    "cities_long_term_strategy": {
        "title": _("Cities with a long-term strategy"),
        "unit": _("cities"),
        "definition": _("Cities with a published strategy that has medium-to-long-term targets and "
                        "involves several departments (the network dashboard's first figure)."),
    },
    "cities_strategy_and_stakeholders": {
        "title": _("Cities with a long-term strategy and stakeholder involvement"),
        "unit": _("cities"),
        "definition": _("Of those cities, the ones with a published commitment in whose "
                        "roadmap at least one organisation from outside the city "
                        "administration took part (consulted, co-decided or endorsed)."),
    },
    "share_ppp": {
        "title": _("Public-private partnerships"),
        "unit": "%",
        "definition": _("Share of live strategy actions that are public-private partnerships."),
    },
    "share_citizen": {
        "title": _("Citizen-driven actions"),
        "unit": "%",
        "definition": _("Share of live strategy actions that are citizen-driven."),
    },
    "zones_installed": {
        "title": _("Innovation zones installed"),
        "unit": _("zones"),
        "definition": _("Published innovation zones that have started (start date reached)."),
    },
    "zones_km2": {
        "title": _("Size of the innovation zones"),
        "unit": "km²",
        "definition": _("Their total size, computed geodesically."),
    },
    "zones_residents": {
        "title": _("Residents in innovation zones"),
        "unit": _("residents"),
        "definition": _("Residents inside them, estimated by area weighting."),
    },
    "concepts_rolled_out": {
        "title": _("Concepts rolled out"),
        "unit": _("roll-outs"),
        "definition": _("Roll-outs of a zone's concept that have taken place."),
    },
    "barriers_agreed": {
        "title": _("Barriers agreed"),
        "unit": _("barriers"),
        "definition": _("Published barriers that have been agreed (and possibly moved on)."),
    },
    "barriers_removed": {
        "title": _("Barriers removed"),
        "unit": _("barriers"),
        "definition": _("Hindering barriers whose rule was changed."),
    },
    "median_days_saved": {
        "title": _("Median days saved by one-stop shops"),
        "unit": _("days"),
        "definition": _("Median days saved per procedure across the published one-stop shops."),
    },
}


def network_today() -> dt.date:
    """The date of a network figure's point: the platform's day (``TIME_ZONE``), never the
    zone of the city a request happens to concern, so that writes in two cities on either
    side of midnight date their points alike."""
    return timezone.localdate(timezone=timezone.get_default_timezone())


def _public_cities() -> QuerySet[City]:
    return City.objects.filter(is_published=True)


def current_figures(today: dt.date | None = None) -> dict[str, tuple[float | None, bool]]:
    """Every network figure as of now, from published records only, each with whether any
    illustrative record went into it."""
    today = today or network_today()
    strategy = strategy_queries.network_figures()
    qualifying = {e["city"].pk for e in strategy["cities"] if e["qualifies"]}
    involved = set(
        Involvement.objects.filter(commitment__is_published=True,
                                   commitment__city__in=qualifying)
        .exclude(organisation__kind=Organisation.Kind.CITY_DEPARTMENT)
        .values_list("commitment__city", flat=True))
    involved_illustrative = Involvement.objects.filter(
        commitment__city__in=involved, commitment__is_illustrative=True).exists()
    zones = list(InnovationZone.objects.filter(is_published=True, start_date__lte=today,
                                               city__in=_public_cities()))
    zones_illustrative = any(z.is_illustrative for z in zones)
    rollouts = Rollout.objects.filter(done_on__lte=today, zone__in=[z.pk for z in zones])
    barriers = Barrier.objects.filter(is_published=True)
    agreed = barriers.filter(status__in=AGREED_OR_LATER)
    removed = barriers.filter(status=BarrierStatus.CHANGED, effect=Effect.HINDERS)
    procedures = list(Procedure.objects.filter(shop__is_published=True,
                                               shop__city__in=_public_cities())
                      .select_related("shop"))
    share = strategy["share_ppp"]
    citizen = strategy["share_citizen"]
    return {
        "cities_long_term_strategy": (float(strategy["cities_qualifying"]), False),
        "cities_strategy_and_stakeholders": (float(len(involved)), involved_illustrative),
        "share_ppp": (None if share is None else round(share * 100, 2), False),
        "share_citizen": (None if citizen is None else round(citizen * 100, 2), False),
        "zones_installed": (float(len(zones)), zones_illustrative),
        "zones_km2": (round(sum(z.area_km2 for z in zones), 4), zones_illustrative),
        "zones_residents": (
            float(round(sum(z.population or 0 for z in zones))),
            zones_illustrative or any(z.population is not None for z in zones)),
        "concepts_rolled_out": (float(rollouts.count()), zones_illustrative),
        "barriers_agreed": (float(agreed.count()),
                            agreed.filter(is_illustrative=True).exists()),
        "barriers_removed": (float(removed.count()),
                             removed.filter(is_illustrative=True).exists()),
        "median_days_saved": (
            median_days_saved(procedures),
            any(p.is_illustrative or p.shop.is_illustrative for p in procedures)),
    }


def figure_series() -> list[dict[str, Any]]:
    """Each figure with its definition and its stored daily points, oldest first."""
    points: dict[str, list[FigurePoint]] = defaultdict(list)
    for p in FigurePoint.objects.order_by("figure", "date"):
        points[p.figure].append(p)
    out = []
    for code, meta in FIGURES.items():
        series = points.get(code, [])
        out.append({
            "code": code, "title": str(meta["title"]), "unit": str(meta["unit"]),
            "definition": str(meta["definition"]),
            "points": [{"date": p.date.isoformat(), "value": p.value,
                        "illustrative": p.includes_illustrative} for p in series],
            "latest": series[-1] if series else None,
            "illustrative": any(p.includes_illustrative for p in series),
        })
    return out


#: The series the strategy network dashboard charts (the plan's 5.2 monitoring figures).
DASHBOARD_FIGURES = ("cities_strategy_and_stakeholders", "zones_installed", "zones_km2",
                     "zones_residents", "concepts_rolled_out")


def dashboard_series() -> list[dict[str, Any]]:
    """The series of ``DASHBOARD_FIGURES`` as ``figure_series`` gives them, in that order."""
    by_code = {s["code"]: s for s in figure_series()}
    return [by_code[code] for code in DASHBOARD_FIGURES]


SERIES_COLUMNS = ["figure", "date", "value", "unit", "includes_illustrative"]


def series_csv(series: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SERIES_COLUMNS)
    for s in series:
        for p in s["points"]:
            writer.writerow([s["code"], p["date"], "" if p["value"] is None else p["value"],
                             s["unit"], "yes" if p["illustrative"] else "no"])
    return out.getvalue()
