"""Policy demo for Barcelona and Paris, read from the data files in ``demo_data/``: published
commitments, barriers under real legal references, one innovation zone each, fitness checks
and project bundles.

Each file's ``[about]`` table says what in it is published (with its source) and what is
illustrative (labelled on every page that shows it). This module only reads the files, checks
every record (a bad file is refused with its name, the record and the field, before anything of
it is stored) and calls the policy services. Idempotent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pydantic
from django.db import transaction

from urbis.people import services as people
from urbis.people.models import Organisation
from urbis.places.models import Area, City
from urbis.policy import services
from urbis.policy.models import (
    Barrier,
    Endorsement,
    FitnessCheck,
    InnovationZone,
    Involvement,
    Rollout,
)
from urbis.strategy.demo import About, DemoDataError, Record, read_data_file, refuse
from urbis.strategy.models import Strategy

Step = tuple[str, Callable[[], None]]
DEMO_DATA = Path(__file__).with_name("demo_data")


# ---------------------------------------------------------------- what the files hold


class OrganisationData(Record):
    slug: str
    name: str
    kind: str
    city: str


class OrganisationsFile(Record):
    about: About
    organisations: list[OrganisationData]


class PhaseData(Record):
    step: str
    status: str
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    note: str | None = None


class InvolvementData(Record):
    step: str
    organisation: str
    how: str
    note: str | None = None
    source: str | None = None
    same_source_as_commitment: bool = False


class CommitmentData(Record):
    city: str
    strategy: str
    slug: str
    title: str
    description: str
    adopted_on: dt.date
    body: str
    priorities: list[str]
    source: str
    phases: list[PhaseData] = []
    involvements: list[InvolvementData] = []


class CommitmentsFile(Record):
    about: About
    commitments: list[CommitmentData]


class BarrierData(Record):
    city: str
    slug: str
    title: str
    level: str
    jurisdiction: str
    legal_reference: str
    link: str
    effect: str | None = None
    description: str
    sectors: list[str]
    raised_on: dt.date


class EndorsementData(Record):
    barrier: str
    organisation: str
    stance: str


class MoveData(Record):
    barrier: str
    to: str
    on: dt.date


class BarriersFile(Record):
    about: About
    city_link_source: str
    endorsement_statement: str
    barriers: list[BarrierData]
    endorsements: list[EndorsementData] = []
    moves: list[MoveData] = []


class RuleData(Record):
    kind: str
    description: str


class RolloutData(Record):
    area_names: list[str] = []
    area_codes: list[str] = []
    all_districts: bool = False
    planned_on: dt.date | None = None
    done_on: dt.date | None = None
    source: str
    description: str


class ZoneData(Record):
    city: str
    slug: str
    title: str
    concept: str
    geometry: dict[str, Any] | None = None
    area_codes: list[str] | None = None
    start_date: dt.date
    end_date: dt.date | None = None
    phase: str
    later_phases: list[str] = []
    organisations: list[str]
    source: str
    is_illustrative: bool
    rule: RuleData
    rollout: RolloutData | None = None


class ZonesFile(Record):
    about: About
    zones: list[ZoneData]


class CheckData(Record):
    city: str
    slug: str
    title: str
    carried_out_on: dt.date
    is_illustrative: bool
    source: str


class FitnessChecksFile(Record):
    about: About
    domain_without_sectors: str
    rating_reason: str
    checks: list[CheckData]


class BundleData(Record):
    city: str
    strategy: str
    first_actions: int = pydantic.Field(ge=1)
    slug: str
    title: str
    funding_target: str
    is_illustrative: bool
    source: str


class BundlesFile(Record):
    about: About
    bundles: list[BundleData]


# ---------------------------------------------------------------- checks against the database


def _org(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


def _need_city(path: Path, record: str, code: str) -> City:
    city = City.objects.filter(code=code).first()
    if city is None:
        raise refuse(path, record, "city", f"no city {code!r}")
    return city


def _need_orgs(path: Path, record: str, field: str, slugs: list[str]) -> None:
    known = set(Organisation.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    for slug in slugs:
        if slug not in known:
            raise refuse(path, record, field, f"no organisation {slug!r}")


def _areas(path: Path, record: str, city: City, names: list[str]) -> list[str]:
    codes = []
    for name in names:
        area = Area.objects.filter(city=city, name__iexact=name).first()
        if area is None:
            raise refuse(path, record, "rollout.area_names", f"{city.code}: no area named {name!r}")
        codes.append(area.code)
    return codes


# ---------------------------------------------------------------- loading


def load_organisations(content: OrganisationsFile) -> None:
    for org in content.organisations:
        if not Organisation.objects.filter(slug=org.slug, name=org.name, kind=org.kind).exists():
            people.upsert_organisation(name=org.name, slug=org.slug, kind=org.kind,
                                       city=City.objects.get(code=org.city))


def load_commitments(path: Path, content: CommitmentsFile) -> None:
    with transaction.atomic():
        for data in content.commitments:
            record = f"commitment {data.slug!r}"
            city = _need_city(path, record, data.city)
            _need_orgs(path, record, "involvements.organisation",
                       [inv.organisation for inv in data.involvements])
            strategy = Strategy.objects.filter(city=city, slug=data.strategy).first()
            fields = data.model_dump(exclude={"city", "strategy", "phases", "involvements"})
            commitment = services.save_commitment(by=None, city=city, operator=True,
                                                  strategy=strategy, **fields)
            for phase in data.phases:
                services.set_phase(by=None, commitment=commitment, operator=True,
                                   **phase.model_dump(exclude_unset=True))
            for inv in data.involvements:
                organisation = _org(inv.organisation)
                if Involvement.objects.filter(commitment=commitment, step=inv.step,
                                              organisation=organisation).exists():
                    continue
                given = inv.model_dump(exclude_unset=True,
                                       exclude={"organisation", "same_source_as_commitment"})
                if inv.same_source_as_commitment:
                    given["source"] = data.source
                services.record_involvement(by=None, commitment=commitment, operator=True,
                                            organisation=organisation, **given)


def load_barriers(path: Path, content: BarriersFile) -> None:
    with transaction.atomic():
        for data in content.barriers:
            city = _need_city(path, f"barrier {data.slug!r}", data.city)
            existing = Barrier.objects.filter(slug=data.slug).first()
            if existing is not None and existing.city_links.filter(city=city).exists():
                continue
            services.raise_barrier(by=None, city=city, operator=True, is_illustrative=True,
                                   source=content.city_link_source,
                                   **data.model_dump(exclude_unset=True, exclude={"city"}))
        for endorsement in content.endorsements:
            barrier = Barrier.objects.get(slug=endorsement.barrier)
            organisation = Organisation.objects.filter(slug=endorsement.organisation).first()
            if organisation is None or Endorsement.objects.filter(
                    barrier=barrier, organisation=organisation).exists():
                continue
            services.record_stance(by=None, barrier=barrier, organisation=organisation,
                                   stance=endorsement.stance,
                                   statement=content.endorsement_statement, operator=True)
        for move in content.moves:
            barrier = Barrier.objects.get(slug=move.barrier)
            if barrier.status == "raised":
                services.move_barrier(by=None, barrier=barrier, to=move.to, on=move.on,
                                      operator=True)


def load_zones(path: Path, content: ZonesFile) -> None:
    with transaction.atomic():
        for data in content.zones:
            record = f"zone {data.slug!r}"
            city = _need_city(path, record, data.city)
            _need_orgs(path, record, "organisations", data.organisations)
            zone = InnovationZone.objects.filter(city=city, slug=data.slug).first()
            if zone is None:
                fields = data.model_dump(exclude_unset=True, exclude={
                    "city", "organisations", "later_phases", "rule", "rollout"})
                zone = services.save_zone(
                    by=None, city=city, operator=True,
                    organisations=[_org(slug) for slug in data.organisations], **fields)
                services.add_zone_rule(by=None, zone=zone, kind=data.rule.kind, operator=True,
                                       description=data.rule.description)
                for phase in data.later_phases:
                    services.move_zone_phase(by=None, zone=zone, to=phase, operator=True)
            rollout = data.rollout
            if rollout is None or Rollout.objects.filter(zone=zone).exists():
                continue
            if rollout.all_districts:
                codes = list(Area.objects.filter(city=city, level="district")
                             .values_list("code", flat=True))
            else:
                codes = rollout.area_codes + _areas(path, record, city, rollout.area_names)
            dates = rollout.model_dump(exclude_unset=True, include={"planned_on", "done_on"})
            services.add_rollout(by=None, zone=zone, city=city, area_codes=codes, operator=True,
                                 source=rollout.source, description=rollout.description,
                                 **dates)


def load_fitness_checks(path: Path, content: FitnessChecksFile) -> None:
    with transaction.atomic():
        for data in content.checks:
            city = _need_city(path, f"check {data.slug!r}", data.city)
            if FitnessCheck.objects.filter(city=city, slug=data.slug).exists():
                continue
            check = services.save_fitness_check(
                by=None, city=city, operator=True, **data.model_dump(exclude={"city"}))
            for barrier in Barrier.objects.filter(city_links__city=city):
                for domain in barrier.sectors or [content.domain_without_sectors]:
                    rating = "fostering" if barrier.effect == "fosters" else "hindering"
                    services.assess(by=None, check=check, barrier=barrier, domain=domain,
                                    rating=rating, operator=True, reason=content.rating_reason)


def load_bundles(path: Path, content: BundlesFile) -> None:
    with transaction.atomic():
        for data in content.bundles:
            city = _need_city(path, f"bundle {data.slug!r}", data.city)
            strategy = Strategy.objects.filter(city=city, slug=data.strategy).first()
            if strategy is None or city.project_bundles.exists():
                continue
            actions = list(strategy.actions.order_by("order", "pk")[:data.first_actions])
            if len(actions) < data.first_actions:
                continue
            services.save_bundle(by=None, city=city, actions=actions, operator=True,
                                 **data.model_dump(exclude={"city", "strategy", "first_actions"}))


def steps(data: Path = DEMO_DATA) -> list[Step]:
    """The demo steps; every file is read and checked here, before any step stores anything."""
    def read(name: str, schema: type[Any]) -> tuple[Path, Any]:
        return data / name, read_data_file(data / name, schema)

    organisations = read_data_file(data / "organisations.toml", OrganisationsFile)
    commitments = read("commitments.toml", CommitmentsFile)
    barriers = read("barriers.toml", BarriersFile)
    zones = read("zones.toml", ZonesFile)
    checks = read("fitness_checks.toml", FitnessChecksFile)
    bundles = read("bundles.toml", BundlesFile)
    for i, zone in enumerate(zones[1].zones):
        if (zone.geometry is None) == (zone.area_codes is None):
            raise refuse(zones[0], f"zones[{i}] {zone.slug!r}", "geometry",
                         "give either a geometry or area_codes")
    return [
        ("policy: organisations", partial(load_organisations, organisations)),
        ("policy: commitments and roadmaps", partial(load_commitments, *commitments)),
        ("policy: regulatory barriers", partial(load_barriers, *barriers)),
        ("policy: innovation zones", partial(load_zones, *zones)),
        ("policy: fitness checks", partial(load_fitness_checks, *checks)),
        ("policy: project bundles", partial(load_bundles, *bundles)),
        ("policy: today's network figures", lambda: (services.snapshot(), None)[1]),
    ]


__all__ = ["DemoDataError", "steps"]
