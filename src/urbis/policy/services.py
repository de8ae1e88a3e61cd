"""Every write of the policy app: checked first, permission-guarded, in one transaction, and
followed by today's point of the network figures (so a change today shows in today's point).

``by`` is the acting user; ``operator=True`` is the demo loader and the command line acting for
the site's operator."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from urbis.people.models import Organisation
from urbis.people.permissions import Action, can, require
from urbis.places.models import Area, AreaLevel, City
from urbis.policy import zonegeometry
from urbis.policy.models import (
    BARRIER_TRANSITIONS,
    ZONE_PHASE_ORDER,
    Assessment,
    Barrier,
    BarrierCity,
    BarrierStatus,
    Commitment,
    Effect,
    Endorsement,
    FigurePoint,
    FitnessCheck,
    InnovationZone,
    Involvement,
    InvolvementKind,
    Level,
    OneStopShop,
    PhaseStatus,
    Procedure,
    ProjectBundle,
    Rating,
    RoadmapPhase,
    RoadmapStep,
    Rollout,
    RuleChange,
    Stance,
    ZoneObservation,
    ZonePhase,
    ZoneRule,
)
from urbis.strategy.models import Action as StrategyAction
from urbis.strategy.models import Indicator, ThemeKind

DATA = Path(__file__).resolve().parent / "data"


@cache
def priorities() -> dict[str, Any]:
    """The shipped vocabulary of the partnership plan's priority areas and actions."""
    with (DATA / "priorities.json").open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def priority_codes() -> set[str]:
    return {a["code"] for a in priorities()["actions"]}


def _check(condition: bool, field: str, message: str, errors: dict[str, list[str]]) -> None:
    if not condition:
        errors.setdefault(field, []).append(message)


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _text(value: Any) -> str:
    return str(value or "").strip()


def _url_ok(value: str) -> bool:
    if not value:
        return True
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return True


def _choice(value: str, choices: Any) -> bool:
    return value in set(choices.values)


# Path segments the pages use for their own forms ("…/innovation-zones/new/").
RESERVED_SLUGS = frozenset({"new"})


def _slug(value: Any, title: str) -> str:
    slug = slugify(value or title)[:100]
    return f"{slug}-1" if slug in RESERVED_SLUGS else slug


def _guard(user: Any, city: City, operator: bool) -> None:
    if not operator:
        require(user, Action.EDIT, city)


def _after_write() -> None:
    snapshot()


# ------------------------------------------------------------------ barriers


def _barrier_fields(fields: dict[str, Any], errors: dict[str, list[str]], *,
                    city: City | None) -> dict[str, Any]:
    out: dict[str, Any] = {k: _text(fields.get(k)) for k in (
        "title", "level", "jurisdiction", "legal_reference", "link", "effect", "description",
        "evidence", "source")}
    out["effect"] = out["effect"] or Effect.HINDERS
    _check(bool(out["title"]), "title", _("A barrier needs a title."), errors)
    _check(bool(out["level"]), "level",
           _("A barrier needs a level: EU, national, regional or city."), errors)
    if out["level"]:
        _check(_choice(out["level"], Level), "level",
               _("Unknown level %(v)r: use eu, national, regional or city.") % {"v": out["level"]},
               errors)
    _check(bool(out["jurisdiction"]), "jurisdiction",
           _("Name where the rule applies (the EU, a country, a region or a city)."), errors)
    _check(bool(out["description"]), "description",
           _("Say what the rule blocks or fosters."), errors)
    _check(_choice(out["effect"], Effect), "effect",
           _("Unknown effect %(v)r: use hinders or fosters.") % {"v": out["effect"]}, errors)
    _check(_url_ok(out["link"]), "link", _("Not a web address (http or https)."), errors)
    sectors = fields.get("sectors") or []
    if isinstance(sectors, str):
        sectors = [s.strip() for s in sectors.split(",") if s.strip()]
    unknown = [s for s in sectors if not _choice(s, ThemeKind)]
    _check(not unknown, "sectors",
           ngettext("Unknown sector: %(v)s.", "Unknown sectors: %(v)s.", len(unknown))
           % {"v": ", ".join(map(str, unknown))}, errors)
    out["sectors"] = sorted(set(sectors))
    actions = list(fields.get("actions") or [])
    if city is not None:
        foreign = [a for a in actions if a.strategy.city_id != city.pk]
        _check(not foreign, "actions", _("Actions must belong to the city's own strategies."),
               errors)
    out["actions"] = actions
    return out


def find_shared_barrier(level: str, jurisdiction: str, legal_reference: str) -> Barrier | None:
    """The barrier already registered for the same rule (same level, jurisdiction and legal
    reference, regardless of case), so that a second city joins it instead of duplicating it."""
    if not legal_reference:
        return None
    return Barrier.objects.filter(
        level=level, jurisdiction__iexact=jurisdiction, legal_reference__iexact=legal_reference
    ).first()


def raise_barrier(*, by: Any, city: City, raised_on: dt.date | None = None, note: str = "",
                  slug: str = "", is_illustrative: bool = False, is_published: bool = True,
                  operator: bool = False, **fields: Any) -> Barrier:
    """Register a rule as a barrier raised by ``city``; when the same rule is already registered
    (see :func:`find_shared_barrier`), the city joins that barrier instead."""
    _guard(by, city, operator)
    errors: dict[str, list[str]] = {}
    data = _barrier_fields(fields, errors, city=city)
    _raise(errors)
    actions = data.pop("actions")
    raised_on = raised_on or timezone.localdate()
    with transaction.atomic():
        barrier = find_shared_barrier(data["level"], data["jurisdiction"],
                                      data["legal_reference"])
        if barrier is None:
            base = slugify(slug or data["title"])[:100] or "barrier"
            candidate, n = base, 2
            while Barrier.objects.filter(slug=candidate).exists():
                candidate, n = f"{base}-{n}", n + 1
            barrier = Barrier.objects.create(
                slug=candidate, is_illustrative=is_illustrative, is_published=is_published,
                created_by=by if getattr(by, "is_authenticated", False) else None, **data)
        BarrierCity.objects.get_or_create(barrier=barrier, city=city,
                                          defaults={"raised_on": raised_on, "note": note})
        if actions:
            barrier.actions.add(*actions)
        _after_write()
    return barrier


def edit_barrier(*, by: Any, barrier: Barrier, operator: bool = False,
                 **fields: Any) -> Barrier:
    if not operator:
        require_barrier_editor(by, barrier)
    errors: dict[str, list[str]] = {}
    merged = {k: getattr(barrier, k) for k in (
        "title", "level", "jurisdiction", "legal_reference", "link", "effect", "description",
        "evidence", "source", "sectors")}
    merged.update({k: v for k, v in fields.items() if k != "actions"})
    data = _barrier_fields(merged, errors, city=None)
    _raise(errors)
    data.pop("actions")
    with transaction.atomic():
        for key, value in data.items():
            setattr(barrier, key, value)
        barrier.save()
        _after_write()
    return barrier


def barrier_editor_cities(user: Any, barrier: Barrier) -> list[City]:
    if not getattr(user, "is_authenticated", False):
        return []  # edits nothing: no need to read the cities (every anonymous barrier page)
    return [link.city for link in barrier.city_links.select_related("city")
            .defer("city__boundary") if can(user, Action.EDIT, link.city)]


def require_barrier_editor(user: Any, barrier: Barrier) -> None:
    """An editor of any city that raised the barrier may move it along its lifecycle."""
    if not barrier_editor_cities(user, barrier):
        raise PermissionDenied(_("You need an editor role in a city that raised this barrier."))


def may_speak_for(user: Any, organisation: Organisation) -> bool:
    """A member of the organisation, or an editor of the city it belongs to."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or organisation.members.filter(pk=user.pk).exists():
        return True
    return organisation.city_id is not None and can(user, Action.EDIT, organisation.city_id)


def record_stance(*, by: Any, barrier: Barrier, organisation: Organisation,
                  stance: str = Stance.ENDORSES, statement: str = "",
                  operator: bool = False) -> Endorsement:
    """One endorsement (or dispute) per organisation and barrier: the database refuses a second
    one even when two requests race."""
    if not operator and not may_speak_for(by, organisation):
        raise PermissionDenied(_("You may only speak for an organisation you belong to."))
    if not _choice(stance, Stance):
        raise ValidationError({"stance": _("Use endorses or disputes.")})
    if not barrier.is_published:
        raise ValidationError({"barrier": _("The barrier is not published.")})
    with transaction.atomic():
        try:
            # Its own savepoint, so that only this insert's refusal is read as a duplicate.
            with transaction.atomic():
                endorsement = Endorsement.objects.create(
                    barrier=barrier, organisation=organisation, stance=stance,
                    statement=_text(statement),
                    created_by=by if getattr(by, "is_authenticated", False) else None)
        except IntegrityError:
            raise ValidationError({"organisation": _(
                "%(org)s has already stated its position on this barrier.") % {
                    "org": organisation.name}}) from None
        _after_write()
    return endorsement


def move_barrier(*, by: Any, barrier: Barrier, to: str, on: dt.date | None = None,
                 proposal_to: str = "", operator: bool = False) -> Barrier:
    """raised → agreed → proposal for change submitted (to whom) → changed / rejected."""
    if not operator:
        require_barrier_editor(by, barrier)
    on = on or timezone.localdate()
    with transaction.atomic():
        # Locked, so that two editors cannot both move it from the same state.
        current = Barrier.objects.select_for_update().get(pk=barrier.pk)
        if to not in BARRIER_TRANSITIONS.get(current.status, frozenset()):
            raise ValidationError({"status": _(
                "A barrier cannot go from '%(a)s' to '%(b)s'.") % {
                    "a": current.get_status_display(), "b": to}})
        if to == BarrierStatus.AGREED and not current.endorsements.filter(
                stance=Stance.ENDORSES).exists():
            raise ValidationError({"status": _(
                "A barrier is agreed once at least one organisation has endorsed it.")})
        if to == BarrierStatus.PROPOSAL_SUBMITTED:
            if not _text(proposal_to):
                raise ValidationError({"proposal_to": _(
                    "Say to whom the proposal for change was submitted.")})
            current.proposal_to = _text(proposal_to)[:300]
            current.proposal_on = on
        if to == BarrierStatus.AGREED:
            current.agreed_on = on
        if to in (BarrierStatus.CHANGED, BarrierStatus.REJECTED):
            current.decided_on = on
        current.status = to
        current.save()
        _after_write()
    return current


# ------------------------------------------------------------------ innovation zones


def _finest_areas(city: City) -> list[zonegeometry.AreaFigures]:
    """The city's neighbourhoods when they carry population, else its districts: one level, so
    that no resident is counted twice."""
    for level in (AreaLevel.NEIGHBOURHOOD, AreaLevel.DISTRICT):
        areas = list(Area.objects.filter(city=city, level=level).only(
            "code", "geometry", "population", "households"))
        if areas and any(a.population is not None for a in areas):
            return [zonegeometry.AreaFigures(a.code, zonegeometry.shape(a.geometry),
                                             a.population, a.households) for a in areas]
    return []


def zone_figures(city: City, geometry: Any) -> zonegeometry.ZoneFigures:
    return zonegeometry.figures(geometry, _finest_areas(city))


def save_zone(*, by: Any, city: City, zone: InnovationZone | None = None,
              geometry: Any = None, area_codes: list[str] | None = None,
              organisations: list[Organisation] | None = None, operator: bool = False,
              **fields: Any) -> InnovationZone:
    """Create or replace a zone. The boundary is a GeoJSON polygon, or the union of the named
    areas of the city. Size, residents and households are computed, never typed in."""
    _guard(by, city, operator)
    errors: dict[str, list[str]] = {}
    title, concept = _text(fields.get("title")), _text(fields.get("concept"))
    slug = _slug(fields.get("slug"), title)
    _check(bool(title), "title", _("A zone needs a title."), errors)
    _check(bool(concept), "concept", _("Say which concept the zone tests."), errors)
    start, end = fields.get("start_date"), fields.get("end_date")
    _check(start is not None, "start_date", _("A zone needs a start date."), errors)
    if start is not None and end is not None and end < start:
        errors.setdefault("end_date", []).append(_("The end is before the start."))
    phase = fields.get("phase") or ZonePhase.CONCEPT
    _check(_choice(phase, ZonePhase), "phase", _("Unknown phase."), errors)
    source = _text(fields.get("source"))
    shape = None
    if area_codes:
        found = {a.code: a for a in Area.objects.filter(city=city, code__in=area_codes)}
        missing = [c for c in area_codes if c not in found]
        _check(not missing, "area_codes",
               _("No such area in this city: %(v)s.") % {"v": ", ".join(missing)}, errors)
        if found and not missing:
            shape = zonegeometry.shapely.union_all(
                [zonegeometry.shape(a.geometry) for a in found.values()])
    elif geometry is not None:
        try:
            shape = zonegeometry.parse(geometry)
        except zonegeometry.ZoneGeometryError as exc:
            errors.setdefault("geometry", []).append(str(exc))
    else:
        errors.setdefault("geometry", []).append(
            _("Draw the zone's boundary or name the areas it is made of."))
    if shape is not None and city.boundary and not zonegeometry.shapely.intersects(
            shape, zonegeometry.shape(city.boundary)):
        errors.setdefault("geometry", []).append(_("The zone lies outside the city."))
    same_slug = InnovationZone.objects.filter(city=city, slug=slug)
    if zone is not None:
        same_slug = same_slug.exclude(pk=zone.pk)
    if slug and same_slug.exists():
        errors.setdefault("slug", []).append(_("Another zone of this city has this short name."))
    orgs = list(organisations or [])
    _raise(errors)
    assert shape is not None and start is not None
    result = zone_figures(city, shape)
    note = _("Estimated: each overlapped area's residents and households counted in "
             "proportion to the share of its land inside the zone (%(areas)s).") % {
        "areas": ", ".join(f"{o.code} {o.share:.1%}" for o in result.overlaps) or "—"}
    values = {
        "slug": slug, "title": title, "concept": concept,
        "geometry": zonegeometry.to_geojson(shape), "area_m2": result.area_m2,
        "population": result.population, "households": result.households,
        "figures_note": note, "start_date": start, "end_date": end, "phase": phase,
        "source": source[:600], "is_illustrative": bool(fields.get("is_illustrative")),
        "is_published": fields.get("is_published", True),
    }
    with transaction.atomic():
        if zone is None:
            zone = InnovationZone.objects.create(city=city, **values)
        else:
            for key, value in values.items():
                setattr(zone, key, value)
            zone.save()
        if organisations is not None:
            zone.organisations.set(orgs)
        _after_write()
    return zone


def move_zone_phase(*, by: Any, zone: InnovationZone, to: str,
                    operator: bool = False) -> InnovationZone:
    """Concept → set-up and monitoring → evaluation → roll-out, one step at a time."""
    _guard(by, zone.city, operator)
    order = [str(p) for p in ZONE_PHASE_ORDER]
    if to not in order or order.index(to) != order.index(zone.phase) + 1:
        raise ValidationError({"phase": _("A zone moves one phase forward at a time: from "
                                          "'%(a)s' only to the next phase.") % {
                                              "a": zone.get_phase_display()}})
    with transaction.atomic():
        zone.phase = to
        zone.save(update_fields=["phase", "updated_at"])
        _after_write()
    return zone


def add_zone_rule(*, by: Any, zone: InnovationZone, kind: str, description: str,
                  barrier: Barrier | None = None, operator: bool = False) -> ZoneRule:
    _guard(by, zone.city, operator)
    errors: dict[str, list[str]] = {}
    _check(_choice(kind, RuleChange), "kind", _("Use suspended or new."), errors)
    _check(bool(_text(description)), "description", _("Describe the rule."), errors)
    _raise(errors)
    with transaction.atomic():
        rule = ZoneRule.objects.create(zone=zone, kind=kind, description=_text(description),
                                       barrier=barrier)
        _after_write()
    return rule


def add_rollout(*, by: Any, zone: InnovationZone, city: City,
                area_codes: tuple[str, ...] | list[str] = (),
                description: str = "", planned_on: dt.date | None = None,
                done_on: dt.date | None = None, source: str = "",
                operator: bool = False) -> Rollout:
    """The zone's concept rolled out (or planned) to areas of a city, its own or another."""
    _guard(by, zone.city, operator)
    errors: dict[str, list[str]] = {}
    found = list(Area.objects.filter(city=city, code__in=list(area_codes)))
    missing = sorted(set(area_codes) - {a.code for a in found})
    _check(not missing, "area_codes",
           _("No such area in %(city)s: %(v)s.") % {"city": city.name, "v": ", ".join(missing)},
           errors)
    _check(planned_on is not None or done_on is not None, "planned_on",
           _("Give the planned date or the date it was rolled out."), errors)
    if done_on is not None and done_on < zone.start_date:
        errors.setdefault("done_on", []).append(_("Rolled out before the zone started."))
    _raise(errors)
    with transaction.atomic():
        rollout = Rollout.objects.create(zone=zone, city=city, description=_text(description),
                                         planned_on=planned_on, done_on=done_on,
                                         source=_text(source)[:600])
        rollout.areas.set(found)
        _after_write()
    return rollout


def add_zone_observation(*, by: Any, zone: InnovationZone, indicator: Indicator,
                         date: dt.date | None, value: Any, source: str = "",
                         is_illustrative: bool = False,
                         operator: bool = False) -> ZoneObservation:
    """A monitoring indicator measured inside the zone (one value per indicator and date)."""
    _guard(by, zone.city, operator)
    errors: dict[str, list[str]] = {}
    if indicator.city_id not in (None, zone.city_id):
        errors.setdefault("indicator", []).append(_("The indicator is another city's own."))
    _check(date is not None, "date", _("Give the date of the value."), errors)
    if date is not None and date < zone.start_date:
        errors.setdefault("date", []).append(_("The date is before the zone started."))
    try:
        number = float(value)
        ok = number == number and number not in (float("inf"), float("-inf"))
    except (TypeError, ValueError):
        ok = False
    _check(ok, "value", _("Not a number."), errors)
    _raise(errors)
    assert date is not None
    with transaction.atomic():
        observation, _created = ZoneObservation.objects.update_or_create(
            zone=zone, indicator=indicator, date=date,
            defaults={"value": number, "source": _text(source)[:600],
                      "is_illustrative": is_illustrative})
        _after_write()
    return observation


# ------------------------------------------------------------------ commitments and roadmaps


def save_commitment(*, by: Any, city: City, operator: bool = False,
                    **fields: Any) -> Commitment:
    _guard(by, city, operator)
    errors: dict[str, list[str]] = {}
    title, body = _text(fields.get("title")), _text(fields.get("body"))
    slug = _slug(fields.get("slug"), title)
    _check(bool(title), "title", _("Say what the city commits to."), errors)
    _check(bool(body), "body", _("Name the body that adopted it."), errors)
    _check(fields.get("adopted_on") is not None, "adopted_on", _("Give the adoption date."),
           errors)
    document_url = _text(fields.get("document_url"))
    _check(_url_ok(document_url), "document_url", _("Not a web address (http or https)."),
           errors)
    codes = fields.get("priorities") or []
    if isinstance(codes, str):
        codes = [c.strip() for c in codes.split(",") if c.strip()]
    unknown = sorted(set(codes) - priority_codes())
    _check(not unknown, "priorities",
           _("Not an action of the partnership plan: %(v)s.") % {"v": ", ".join(unknown)},
           errors)
    strategy = fields.get("strategy")
    if strategy is not None and strategy.city_id != city.pk:
        errors.setdefault("strategy", []).append(_("The strategy belongs to another city."))
    _raise(errors)
    values = {"title": title, "body": body, "adopted_on": fields["adopted_on"],
              "description": _text(fields.get("description")), "document_url": document_url,
              "priorities": sorted(set(codes)), "strategy": strategy,
              "source": _text(fields.get("source"))[:600],
              "is_illustrative": bool(fields.get("is_illustrative")),
              "is_published": fields.get("is_published", True)}
    with transaction.atomic():
        commitment, _created = Commitment.objects.update_or_create(
            city=city, slug=slug, defaults=values)
        _after_write()
    return commitment


def set_phase(*, by: Any, commitment: Commitment, step: str, status: str = PhaseStatus.PLANNED,
              starts_on: dt.date | None = None, ends_on: dt.date | None = None, note: str = "",
              operator: bool = False) -> RoadmapPhase:
    _guard(by, commitment.city, operator)
    errors: dict[str, list[str]] = {}
    _check(_choice(step, RoadmapStep), "step", _("Unknown roadmap step."), errors)
    _check(_choice(status, PhaseStatus), "status", _("Unknown status."), errors)
    if starts_on and ends_on and ends_on < starts_on:
        errors.setdefault("ends_on", []).append(_("The end is before the start."))
    _raise(errors)
    with transaction.atomic():
        phase, _created = RoadmapPhase.objects.update_or_create(
            commitment=commitment, step=step,
            defaults={"status": status, "starts_on": starts_on, "ends_on": ends_on,
                      "note": _text(note)})
        _after_write()
    return phase


def record_involvement(*, by: Any, commitment: Commitment, step: str,
                       organisation: Organisation, how: str, note: str = "", source: str = "",
                       operator: bool = False) -> Involvement:
    _guard(by, commitment.city, operator)
    errors: dict[str, list[str]] = {}
    _check(_choice(step, RoadmapStep), "step", _("Unknown roadmap step."), errors)
    _check(_choice(how, InvolvementKind), "how",
           _("Use consulted, co_decided or endorsed."), errors)
    _raise(errors)
    with transaction.atomic():
        involvement, _created = Involvement.objects.update_or_create(
            commitment=commitment, step=step, organisation=organisation,
            defaults={"how": how, "note": _text(note), "source": _text(source)[:600]})
        _after_write()
    return involvement


def save_bundle(*, by: Any, city: City, actions: list[StrategyAction],
                operator: bool = False, **fields: Any) -> ProjectBundle:
    """Strategy actions of the city grouped for joint funding."""
    _guard(by, city, operator)
    errors: dict[str, list[str]] = {}
    title = _text(fields.get("title"))
    _check(bool(title), "title", _("A bundle needs a title."), errors)
    _check(len(actions) >= 2, "actions", _("A bundle groups at least two actions."), errors)
    foreign = [a.pk for a in actions if a.strategy.city_id != city.pk]
    _check(not foreign, "actions", _("Actions must belong to the city's own strategies."),
           errors)
    _raise(errors)
    with transaction.atomic():
        bundle, _created = ProjectBundle.objects.update_or_create(
            city=city, slug=_slug(fields.get("slug"), title),
            defaults={"title": title, "description": _text(fields.get("description")),
                      "funding_target": _text(fields.get("funding_target"))[:300],
                      "source": _text(fields.get("source"))[:600],
                      "is_illustrative": bool(fields.get("is_illustrative")),
                      "is_published": fields.get("is_published", True)})
        bundle.actions.set(actions)
        _after_write()
    return bundle


# ------------------------------------------------------------------ fitness checks


def save_fitness_check(*, by: Any, city: City, operator: bool = False,
                       **fields: Any) -> FitnessCheck:
    _guard(by, city, operator)
    errors: dict[str, list[str]] = {}
    title = _text(fields.get("title"))
    _check(bool(title), "title", _("A fitness check needs a title."), errors)
    _check(fields.get("carried_out_on") is not None, "carried_out_on",
           _("Give the date it was carried out."), errors)
    _raise(errors)
    with transaction.atomic():
        check, _created = FitnessCheck.objects.update_or_create(
            city=city, slug=_slug(fields.get("slug"), title),
            defaults={"title": title, "carried_out_on": fields["carried_out_on"],
                      "source": _text(fields.get("source"))[:600],
                      "is_illustrative": bool(fields.get("is_illustrative")),
                      "is_published": fields.get("is_published", True)})
        _after_write()
    return check


def assess(*, by: Any, check: FitnessCheck, barrier: Barrier, domain: str, rating: str,
           reason: str, operator: bool = False) -> Assessment:
    """Rate one rule for one smart-city domain, with the reason."""
    _guard(by, check.city, operator)
    errors: dict[str, list[str]] = {}
    _check(_choice(domain, ThemeKind), "domain", _("Unknown domain %(v)r.") % {"v": domain},
           errors)
    _check(_choice(rating, Rating), "rating", _("Use fostering, neutral or hindering."), errors)
    _check(bool(_text(reason)), "reason", _("Give the reason for the rating."), errors)
    if barrier.level == Level.CITY and not barrier.city_links.filter(
            city=check.city).exists():
        errors.setdefault("barrier", []).append(_("Another city's own rule cannot be rated "
                                                  "in this city's fitness check."))
    _raise(errors)
    with transaction.atomic():
        assessment, _created = Assessment.objects.update_or_create(
            fitness_check=check, barrier=barrier, domain=domain,
            defaults={"rating": rating, "reason": _text(reason)})
        _after_write()
    return assessment


# ------------------------------------------------------------------ one-stop shops


def save_shop(*, by: Any, city: City, operator: bool = False, **fields: Any) -> OneStopShop:
    _guard(by, city, operator)
    errors: dict[str, list[str]] = {}
    name, url = _text(fields.get("name")), _text(fields.get("url"))
    _check(bool(name), "name", _("A one-stop shop needs a name."), errors)
    _check(_url_ok(url), "url", _("Not a web address (http or https)."), errors)
    _raise(errors)
    with transaction.atomic():
        shop, _created = OneStopShop.objects.update_or_create(
            city=city, slug=_slug(fields.get("slug"), name),
            defaults={"name": name, "url": url, "opened_on": fields.get("opened_on"),
                      "source": _text(fields.get("source"))[:600],
                      "is_illustrative": bool(fields.get("is_illustrative")),
                      "is_published": fields.get("is_published", True)})
        _after_write()
    return shop


def add_procedure(*, by: Any, shop: OneStopShop, operator: bool = False,
                  **fields: Any) -> Procedure:
    _guard(by, shop.city, operator)
    errors: dict[str, list[str]] = {}
    name, authority = _text(fields.get("name")), _text(fields.get("authority"))
    _check(bool(name), "name", _("Say what must be obtained."), errors)
    _check(bool(authority), "authority", _("Say from whom."), errors)
    days: dict[str, int] = {}
    for key in ("days_before", "days_after"):
        raw = fields.get(key)
        try:
            days[key] = int(raw)  # type: ignore[arg-type]
            ok = days[key] >= 0 and str(raw).strip().lstrip("-").isdigit()
        except (TypeError, ValueError):
            ok = False
        _check(ok, key, _("A whole number of days, 0 or more."), errors)
    _raise(errors)
    with transaction.atomic():
        procedure, _created = Procedure.objects.update_or_create(
            shop=shop, name=name,
            defaults={"authority": authority, "applicant": _text(fields.get("applicant")),
                      **days, "source": _text(fields.get("source"))[:600],
                      "is_illustrative": bool(fields.get("is_illustrative"))})
        _after_write()
    return procedure


# ------------------------------------------------------------------ network figures over time


def snapshot(today: dt.date | None = None) -> list[FigurePoint]:
    """Write today's point of every network figure. Only today's point is written, so past
    points stay as they were; a date before the latest stored point is refused."""
    from urbis.policy import queries

    today = today or queries.network_today()
    latest = FigurePoint.objects.order_by("-date").values_list("date", flat=True).first()
    if latest is not None and today < latest:
        raise ValidationError({"date": _("History is immutable: points up to %(d)s exist.") % {
            "d": latest.isoformat()}})
    now = timezone.now()
    points = []
    for code, (value, illustrative) in queries.current_figures().items():
        point, _created = FigurePoint.objects.update_or_create(
            figure=code, date=today,
            defaults={"value": value, "includes_illustrative": illustrative,
                      "computed_at": now})
        points.append(point)
    return points


def organisation_for(user: Any, slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise ValidationError({"organisation": _("No organisation %(v)r.") % {"v": slug}})
    return organisation


def actions_by_id(city: City, ids: list[int]) -> list[StrategyAction]:
    found = list(StrategyAction.objects.filter(pk__in=ids).select_related("strategy"))
    missing = sorted(set(ids) - {a.pk for a in found})
    if missing:
        raise ValidationError({"actions": _("No such action: %(v)s.") % {
            "v": ", ".join(map(str, missing))}})
    return found
