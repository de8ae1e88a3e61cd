"""Policy and regulation API: barriers (network-wide), a city's innovation zones, commitments,
funding plan, fitness checks and one-stop shops, and the network figures over time. Thin: the
rules live in ``services`` and ``queries``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from urbis.people.api_auth import write_auth
from urbis.places import queries as places
from urbis.policy import queries, services
from urbis.policy.models import Barrier, Stance

router = Router(tags=["policy"])
CSV = "text/csv; charset=utf-8"


def _csv(text: str, name: str) -> HttpResponse:
    response = HttpResponse(text, content_type=CSV)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ------------------------------------------------------------------ barriers


class BarrierFilters(Schema):
    level: str = ""
    status: str = ""
    city: str = ""
    sector: str = ""
    effect: str = ""


class StanceOut(Schema):
    organisation: str
    organisation_kind: str
    stance: str
    statement: str


class BarrierOut(Schema):
    slug: str
    title: str
    level: str
    jurisdiction: str
    legal_reference: str
    link: str
    effect: str
    description: str
    sectors: list[str]
    evidence: str
    status: str
    proposal_to: str
    proposal_on: dt.date | None
    decided_on: dt.date | None
    cities: list[str]
    actions: list[int]
    endorsing: int
    disputing: int
    stances: list[StanceOut]
    is_illustrative: bool
    source: str


class BarrierIn(Schema):
    city: str
    title: str = ""
    level: str = ""
    jurisdiction: str = ""
    legal_reference: str = ""
    link: str = ""
    effect: str = "hinders"
    description: str = ""
    sectors: list[str] = []
    evidence: str = ""
    actions: list[int] = []
    raised_on: dt.date | None = None
    note: str = ""
    source: str = ""


class StanceIn(Schema):
    organisation: str
    stance: str = Stance.ENDORSES
    statement: str = ""


class MoveIn(Schema):
    to: str
    on: dt.date | None = None
    proposal_to: str = ""


def _barrier_out(b: Barrier) -> dict[str, Any]:
    """One barrier as the API shows it; ``b`` comes through ``queries.with_details``."""
    stances = list(b.endorsements.all())
    return {
        **{k: getattr(b, k) for k in (
            "slug", "title", "level", "jurisdiction", "legal_reference", "link", "effect",
            "description", "sectors", "evidence", "status", "proposal_to", "proposal_on",
            "decided_on", "is_illustrative", "source")},
        "cities": sorted(link.city.code for link in b.city_links.all()),
        "actions": sorted(a.pk for a in b.actions.all()),
        "endorsing": sum(s.stance == Stance.ENDORSES for s in stances),
        "disputing": sum(s.stance == Stance.DISPUTES for s in stances),
        "stances": [{"organisation": s.organisation.slug,
                     "organisation_kind": s.organisation.kind, "stance": s.stance,
                     "statement": s.statement} for s in stances],
    }


@router.get("/barriers", response=list[BarrierOut],
            summary="The regulatory barriers register, most cities and endorsements first")
def barriers(request: HttpRequest, filters: Query[BarrierFilters]) -> Any:
    qs = queries.filter_barriers(queries.visible_barriers(request.user), **filters.dict())
    return [_barrier_out(b) for b in queries.with_details(queries.ranked_barriers(qs))]


@router.get("/barriers.csv", summary="The barriers register as CSV (same filters)")
def barriers_csv(request: HttpRequest, filters: Query[BarrierFilters]) -> HttpResponse:
    qs = queries.filter_barriers(queries.visible_barriers(request.user), **filters.dict())
    return _csv(queries.barriers_csv(queries.ranked_barriers(qs)), "barriers.csv")


@router.get("/barriers/{slug}", response=BarrierOut, summary="One barrier")
def barrier(request: HttpRequest, slug: str) -> Any:
    return _barrier_out(queries.with_details([queries.get_barrier(slug, request.user)])[0])


@router.post("/barriers", response={201: BarrierOut}, auth=write_auth,
             summary="Raise a barrier for a city (editors); the same rule already registered "
                     "(level, jurisdiction, legal reference) is joined instead")
def raise_barrier(request: HttpRequest, body: BarrierIn) -> Any:
    city = places.get_city(body.city, request.user)
    data = body.dict(exclude={"city", "actions"})
    actions = services.actions_by_id(city, body.actions) if body.actions else []
    barrier = services.raise_barrier(by=request.user, city=city, actions=actions, **data)
    return Status(201, _barrier_out(queries.with_details([barrier])[0]))


@router.post("/barriers/{slug}/stances", response={201: StanceOut}, auth=write_auth,
             summary="An organisation endorses or disputes a barrier (once per organisation)")
def stance(request: HttpRequest, slug: str, body: StanceIn) -> Any:
    barrier = queries.get_barrier(slug, request.user)
    organisation = services.organisation_for(request.user, body.organisation)
    e = services.record_stance(by=request.user, barrier=barrier, organisation=organisation,
                               stance=body.stance, statement=body.statement)
    return Status(201, {"organisation": organisation.slug,
                        "organisation_kind": organisation.kind, "stance": e.stance,
                        "statement": e.statement})


@router.post("/barriers/{slug}/status", response=BarrierOut, auth=write_auth,
             summary="Move a barrier along raised → agreed → proposal submitted → "
                     "changed / rejected (editors of a city that raised it)")
def move(request: HttpRequest, slug: str, body: MoveIn) -> Any:
    barrier = queries.get_barrier(slug, request.user)
    moved = services.move_barrier(by=request.user, barrier=barrier, to=body.to, on=body.on,
                                  proposal_to=body.proposal_to)
    return _barrier_out(queries.with_details([moved])[0])


# ------------------------------------------------------------------ innovation zones


class ZoneOut(Schema):
    slug: str
    title: str
    concept: str
    phase: str
    start_date: dt.date
    end_date: dt.date | None
    area_km2: float
    residents_estimated: float | None
    households_estimated: float | None
    figures_note: str
    organisations: list[str]
    rules: list[dict[str, Any]]
    rollouts: list[dict[str, Any]]
    observations: list[dict[str, Any]]
    geometry: dict[str, Any]
    is_illustrative: bool
    source: str


class ZoneIn(Schema):
    title: str = ""
    slug: str = ""
    concept: str = ""
    geometry: dict[str, Any] | None = None
    area_codes: list[str] = []
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    organisations: list[str] = []
    source: str = ""
    is_published: bool = True


class PhaseIn(Schema):
    to: str


def _zone_out(z: Any) -> dict[str, Any]:
    return {
        **{k: getattr(z, k) for k in ("slug", "title", "concept", "phase", "start_date",
                                      "end_date", "area_km2", "figures_note", "geometry",
                                      "is_illustrative", "source")},
        "residents_estimated": z.population, "households_estimated": z.households,
        "organisations": [o.slug for o in z.organisations.all()],
        "rules": [{"kind": r.kind, "description": r.description,
                   "barrier": r.barrier.slug if r.barrier else None} for r in z.rules.all()],
        "rollouts": [{"city": r.city.code, "areas": [a.code for a in r.areas.all()],
                      "planned_on": r.planned_on, "done_on": r.done_on,
                      "description": r.description} for r in z.rollouts.all()],
        "observations": [{"indicator": o.indicator.code, "date": o.date, "value": o.value,
                          "unit": o.indicator.unit, "source": o.source,
                          "is_illustrative": o.is_illustrative}
                         for o in z.observations.all()],
    }


@router.get("/cities/{code}/innovation-zones", response=list[ZoneOut],
            summary="A city's innovation zones (residents and households are area-weighted "
                    "estimates)")
def zones(request: HttpRequest, code: str, phase: str = "") -> Any:
    city = places.get_city(code, request.user)
    qs = queries.visible_zones(city, request.user)
    if phase:
        qs = qs.filter(phase=phase)
    return [_zone_out(z) for z in qs]


@router.get("/cities/{code}/innovation-zones.geojson",
            summary="A city's innovation zones as GeoJSON (the map layer)")
def zones_geojson(request: HttpRequest, code: str) -> HttpResponse:
    import json

    city = places.get_city(code, request.user)
    data = queries.zones_geojson(queries.visible_zones(city, request.user))
    return HttpResponse(json.dumps(data), content_type="application/geo+json")


@router.get("/cities/{code}/innovation-zones.csv", summary="A city's innovation zones as CSV")
def zones_csv(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    return _csv(queries.zones_csv(queries.visible_zones(city, request.user, with_geometry=False)),
                f"{city.code}-innovation-zones.csv")


@router.post("/cities/{code}/innovation-zones", response={201: ZoneOut}, auth=write_auth,
             summary="Create an innovation zone from a GeoJSON polygon or from area codes "
                     "(editors)")
def create_zone(request: HttpRequest, code: str, body: ZoneIn) -> Any:
    city = places.get_city(code, request.user)
    orgs = [services.organisation_for(request.user, s) for s in body.organisations]
    zone = services.save_zone(by=request.user, city=city, organisations=orgs,
                              **body.dict(exclude={"organisations"}))
    return Status(201, _zone_out(zone))


@router.post("/cities/{code}/innovation-zones/{slug}/phase", response=ZoneOut,
             auth=write_auth, summary="Move a zone to its next phase (editors)")
def zone_phase(request: HttpRequest, code: str, slug: str, body: PhaseIn) -> Any:
    city = places.get_city(code, request.user)
    zone = queries.get_zone(city, slug, request.user)
    return _zone_out(services.move_zone_phase(by=request.user, zone=zone, to=body.to))


class RuleIn(Schema):
    kind: str = ""
    description: str = ""
    barrier: str = ""


class RolloutIn(Schema):
    city: str
    area_codes: list[str] = []
    description: str = ""
    planned_on: dt.date | None = None
    done_on: dt.date | None = None
    source: str = ""


class ZoneObservationIn(Schema):
    indicator: str
    date: dt.date | None = None
    value: float | None = None
    source: str = ""


def _zone_for(request: HttpRequest, code: str, slug: str) -> Any:
    return queries.get_zone(places.get_city(code, request.user), slug, request.user)


@router.post("/cities/{code}/innovation-zones/{slug}/rules", response={201: ZoneOut},
             auth=write_auth, summary="Record a rule suspended or a new rule tested (editors)")
def zone_rule(request: HttpRequest, code: str, slug: str, body: RuleIn) -> Any:
    zone = _zone_for(request, code, slug)
    barrier = queries.get_barrier(body.barrier, request.user) if body.barrier else None
    services.add_zone_rule(by=request.user, zone=zone, kind=body.kind,
                           description=body.description, barrier=barrier)
    return Status(201, _zone_out(_zone_for(request, code, slug)))


@router.post("/cities/{code}/innovation-zones/{slug}/rollouts", response={201: ZoneOut},
             auth=write_auth, summary="Record a roll-out of the zone's concept (editors of the "
                                      "zone's city)")
def zone_rollout(request: HttpRequest, code: str, slug: str, body: RolloutIn) -> Any:
    zone = _zone_for(request, code, slug)
    target = places.get_city(body.city, request.user)
    services.add_rollout(by=request.user, zone=zone, city=target, area_codes=body.area_codes,
                         description=body.description, planned_on=body.planned_on,
                         done_on=body.done_on, source=body.source)
    return Status(201, _zone_out(_zone_for(request, code, slug)))


@router.post("/cities/{code}/innovation-zones/{slug}/observations", response={201: ZoneOut},
             auth=write_auth, summary="A monitoring indicator's value inside the zone "
                                      "(editors)")
def zone_observation(request: HttpRequest, code: str, slug: str,
                     body: ZoneObservationIn) -> Any:
    from django.http import Http404

    from urbis.strategy.models import Indicator

    zone = _zone_for(request, code, slug)
    indicator = Indicator.objects.filter(code=body.indicator).first()
    if indicator is None:
        raise Http404(_("No such indicator"))
    services.add_zone_observation(by=request.user, zone=zone, indicator=indicator,
                                  date=body.date, value=body.value, source=body.source)
    return Status(201, _zone_out(_zone_for(request, code, slug)))


# ------------------------------------------------------------------ commitments, funding


class CommitmentOut(Schema):
    slug: str
    title: str
    description: str
    adopted_on: dt.date
    body: str
    document_url: str
    priorities: list[str]
    phases: list[dict[str, Any]]
    involvements: list[dict[str, Any]]
    is_illustrative: bool
    source: str


class CommitmentIn(Schema):
    title: str = ""
    slug: str = ""
    description: str = ""
    adopted_on: dt.date | None = None
    body: str = ""
    document_url: str = ""
    priorities: list[str] = []
    source: str = ""
    is_published: bool = True


def _commitment_out(c: Any) -> dict[str, Any]:
    return {
        **{k: getattr(c, k) for k in ("slug", "title", "description", "adopted_on", "body",
                                      "document_url", "priorities", "is_illustrative",
                                      "source")},
        "phases": [{"step": p.step, "status": p.status, "starts_on": p.starts_on,
                    "ends_on": p.ends_on} for p in c.phases.all()],
        "involvements": [{"step": i.step, "organisation": i.organisation.slug,
                          "organisation_kind": i.organisation.kind, "how": i.how}
                         for i in c.involvements.all()],
    }


@router.get("/cities/{code}/commitments", response=list[CommitmentOut],
            summary="A city's commitments with their roadmap and stakeholder involvement")
def commitments(request: HttpRequest, code: str) -> Any:
    city = places.get_city(code, request.user)
    return [_commitment_out(c) for c in queries.visible_commitments(city, request.user)]


@router.get("/cities/{code}/commitments.csv", summary="A city's commitments as CSV")
def commitments_csv(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    return _csv(queries.commitments_csv(queries.visible_commitments(city, request.user)),
                f"{city.code}-commitments.csv")


@router.get("/cities/{code}/project-bundles.csv", summary="A city's project bundles as CSV")
def bundles_csv(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    return _csv(queries.bundles_csv(queries.visible_bundles(city, request.user)),
                f"{city.code}-project-bundles.csv")


@router.post("/cities/{code}/commitments", response={201: CommitmentOut}, auth=write_auth,
             summary="Record a commitment (editors)")
def create_commitment(request: HttpRequest, code: str, body: CommitmentIn) -> Any:
    city = places.get_city(code, request.user)
    return Status(201, _commitment_out(
        services.save_commitment(by=request.user, city=city, **body.dict())))


class PhaseRowIn(Schema):
    step: str
    status: str = "planned"
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    note: str = ""


class InvolvementIn(Schema):
    step: str
    organisation: str
    how: str
    note: str = ""
    source: str = ""


@router.post("/cities/{code}/commitments/{slug}/phases", response={201: CommitmentOut},
             auth=write_auth, summary="Set a roadmap phase's dates and status (editors)")
def commitment_phase(request: HttpRequest, code: str, slug: str, body: PhaseRowIn) -> Any:
    city = places.get_city(code, request.user)
    commitment = queries.get_commitment(city, slug, request.user)
    services.set_phase(by=request.user, commitment=commitment, **body.dict())
    return Status(201, _commitment_out(queries.get_commitment(city, slug, request.user)))


@router.post("/cities/{code}/commitments/{slug}/involvements", response={201: CommitmentOut},
             auth=write_auth, summary="Record which organisation took part in a step, and how "
                                      "(editors)")
def commitment_involvement(request: HttpRequest, code: str, slug: str,
                           body: InvolvementIn) -> Any:
    city = places.get_city(code, request.user)
    commitment = queries.get_commitment(city, slug, request.user)
    organisation = services.organisation_for(request.user, body.organisation)
    services.record_involvement(by=request.user, commitment=commitment,
                                organisation=organisation,
                                **body.dict(exclude={"organisation"}))
    return Status(201, _commitment_out(queries.get_commitment(city, slug, request.user)))


class BundleIn(Schema):
    title: str = ""
    slug: str = ""
    description: str = ""
    funding_target: str = ""
    actions: list[int] = []
    source: str = ""


def _bundle_out(row: dict[str, Any]) -> dict[str, Any]:
    b = row["bundle"]
    return {"slug": b.slug, "title": b.title, "description": b.description,
            "funding_target": b.funding_target, "actions": [a.pk for a in row["actions"]],
            "budgeted": float(row["budgeted"]), "secured": float(row["secured"]),
            "gap": float(row["gap"]), "is_illustrative": b.is_illustrative,
            "source": b.source}


@router.get("/cities/{code}/project-bundles",
            summary="Strategy actions grouped for joint funding, with budgeted, secured and gap")
def bundles(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    city = places.get_city(code, request.user)
    return [_bundle_out(r) for r in queries.visible_bundles(city, request.user)]


@router.post("/cities/{code}/project-bundles", response={201: dict}, auth=write_auth,
             summary="Group strategy actions for joint funding (editors)")
def create_bundle(request: HttpRequest, code: str, body: BundleIn) -> Any:
    city = places.get_city(code, request.user)
    actions = services.actions_by_id(city, body.actions)
    bundle = services.save_bundle(by=request.user, city=city, actions=actions,
                                  **body.dict(exclude={"actions"}))
    row = next(r for r in queries.visible_bundles(city, request.user)
               if r["bundle"].pk == bundle.pk)
    return Status(201, _bundle_out(row))


@router.get("/policy/priorities", summary="The partnership plan's priority areas and actions")
def priorities(request: HttpRequest) -> dict[str, Any]:
    return services.priorities()


@router.get("/cities/{code}/funding-plan",
            summary="Budgeted and secured funding of the city's strategy actions by year and "
                    "source (amounts spread evenly over each action's years: an estimate)")
def funding_plan(request: HttpRequest, code: str) -> dict[str, Any]:
    city = places.get_city(code, request.user)
    plan = queries.funding_plan(city, request.user)
    return {
        "spread": "even over each action's calendar years (estimate)",
        "sources": plan["sources"],
        "rows": [{"year": r["year"], "budgeted": float(r["budgeted"]),
                  "secured": float(r["secured"]), "gap": float(r["gap"]),
                  "by_source": {s["kind"]: float(v)
                                for s, v in zip(plan["sources"], r["by_source"], strict=True)}}
                 for r in plan["rows"]],
        "undated_actions": [a.pk for a in plan["undated"]],
    }


@router.get("/cities/{code}/funding-plan.csv", summary="The funding plan as CSV")
def funding_plan_csv(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    return _csv(queries.funding_csv(queries.funding_plan(city, request.user)),
                f"{city.code}-funding-plan.csv")


# ------------------------------------------------------------------ fitness, shops, figures


class CheckIn(Schema):
    title: str = ""
    slug: str = ""
    carried_out_on: dt.date | None = None
    source: str = ""
    is_published: bool = True


@router.get("/cities/{code}/fitness-checks", summary="A city's fitness checks")
def fitness_checks(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    city = places.get_city(code, request.user)
    return [{"slug": c.slug, "title": c.title, "carried_out_on": c.carried_out_on,
             "is_illustrative": c.is_illustrative, "source": c.source}
            for c in queries.visible_checks(city, request.user)]


@router.post("/cities/{code}/fitness-checks", response={201: dict}, auth=write_auth,
             summary="Start a fitness check of the city's policy framework (editors)")
def create_fitness_check(request: HttpRequest, code: str, body: CheckIn) -> Any:
    city = places.get_city(code, request.user)
    check = services.save_fitness_check(by=request.user, city=city, **body.dict())
    return Status(201, {"slug": check.slug, "title": check.title})


class AssessmentIn(Schema):
    barrier: str
    domain: str = ""
    rating: str = ""
    reason: str = ""


@router.get("/cities/{code}/fitness-checks/{slug}", summary="A fitness check, rule by rule")
def fitness_check(request: HttpRequest, code: str, slug: str) -> dict[str, Any]:
    city = places.get_city(code, request.user)
    check = queries.get_check(city, slug, request.user)
    summary = queries.check_summary(check)
    return {"title": check.title, "carried_out_on": check.carried_out_on,
            "is_illustrative": check.is_illustrative, "source": check.source,
            "by_domain": summary["domains"],
            "assessments": [{"rule": a.barrier.slug, "level": a.barrier.level,
                             "domain": a.domain, "rating": a.rating, "reason": a.reason}
                            for a in summary["rows"]]}


@router.get("/cities/{code}/fitness-checks/{slug}/assessments.csv",
            summary="A fitness check as CSV")
def fitness_check_csv(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    check = queries.get_check(city, slug, request.user)
    return _csv(queries.check_csv(check), f"{city.code}-{check.slug}.csv")


@router.post("/cities/{code}/fitness-checks/{slug}/assessments", response={201: dict},
             auth=write_auth, summary="Rate one rule for one domain, with the reason (editors)")
def add_assessment(request: HttpRequest, code: str, slug: str, body: AssessmentIn) -> Any:
    city = places.get_city(code, request.user)
    check = queries.get_check(city, slug, request.user)
    barrier = queries.get_barrier(body.barrier, request.user)
    a = services.assess(by=request.user, check=check, barrier=barrier, domain=body.domain,
                        rating=body.rating, reason=body.reason)
    return Status(201, {"rule": barrier.slug, "domain": a.domain, "rating": a.rating})


@router.get("/cities/{code}/one-stop-shops.csv",
            summary="A city's one-stop shops' procedures with days before and after, as CSV")
def shops_csv(request: HttpRequest, code: str) -> HttpResponse:
    city = places.get_city(code, request.user)
    return _csv(queries.shops_csv(queries.visible_shops(city, request.user)),
                f"{city.code}-one-stop-shops.csv")


class ShopIn(Schema):
    name: str = ""
    slug: str = ""
    url: str = ""
    opened_on: dt.date | None = None
    source: str = ""
    is_published: bool = True


@router.get("/cities/{code}/one-stop-shops",
            summary="A city's one-stop shops with their procedures and days saved")
def shops(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    city = places.get_city(code, request.user)
    out = []
    for shop in queries.visible_shops(city, request.user):
        procedures = list(shop.procedures.all())
        out.append({"slug": shop.slug, "name": shop.name, "url": shop.url,
                    "opened_on": shop.opened_on, "is_illustrative": shop.is_illustrative,
                    "source": shop.source,
                    "median_days_saved": queries.median_days_saved(procedures),
                    "procedures": [{"name": p.name, "authority": p.authority,
                                    "applicant": p.applicant, "days_before": p.days_before,
                                    "days_after": p.days_after, "days_saved": p.days_saved,
                                    "is_illustrative": p.is_illustrative, "source": p.source}
                                   for p in procedures]})
    return out


@router.post("/cities/{code}/one-stop-shops", response={201: dict}, auth=write_auth,
             summary="Record a one-stop shop (editors)")
def create_shop(request: HttpRequest, code: str, body: ShopIn) -> Any:
    city = places.get_city(code, request.user)
    shop = services.save_shop(by=request.user, city=city, **body.dict())
    return Status(201, {"slug": shop.slug, "name": shop.name})


class ProcedureIn(Schema):
    name: str = ""
    authority: str = ""
    applicant: str = ""
    days_before: int | None = None
    days_after: int | None = None
    source: str = ""


@router.post("/cities/{code}/one-stop-shops/{slug}/procedures", response={201: dict},
             auth=write_auth, summary="Add a streamlined procedure (editors)")
def add_procedure(request: HttpRequest, code: str, slug: str, body: ProcedureIn) -> Any:
    city = places.get_city(code, request.user)
    shop = queries.visible_shops(city, request.user).filter(slug=slug).first()
    if shop is None:
        from django.http import Http404

        raise Http404(_("No such one-stop shop"))
    p = services.add_procedure(by=request.user, shop=shop, **body.dict())
    return Status(201, {"name": p.name, "days_saved": p.days_saved})


@router.get("/network/policy-figures",
            summary="The plan's network figures as daily series, with their definitions")
def network_series(request: HttpRequest) -> list[dict[str, Any]]:
    return [{k: v for k, v in s.items() if k != "latest"} for s in queries.figure_series()]


@router.get("/network/policy-figures.csv", summary="The network figure series as CSV")
def network_series_csv(request: HttpRequest) -> HttpResponse:
    return _csv(queries.series_csv(queries.figure_series()), "network-figures.csv")
