"""Policy demo for Barcelona and Paris: published commitments, one innovation zone each, and
barriers under real legal references, each with its source.

Published (source given with each record): Barcelona's climate emergency declaration signed by
the mayor on 15 January 2020; the Poblenou superblock in operation from 5 September 2016 inside
Badajoz, Pallars, Llacuna and Tànger, its pilot phase closed on 12 April 2017, and the three
further superblocks (among them Sant Antoni) announced on 5 September 2017 for early 2018; the
Paris Plan Climat Air Énergie first adopted unanimously by the Conseil de Paris on 20 November
2017; Paris's first car-free day on 27 September 2015 and the first one over the whole city on
1 October 2017.

Illustrative (labelled on every page that shows them): the superblock's outline (drawn by hand
from its four streets, so its size and residents are estimates of an estimate), the 2015 car-free
zone built from whole arrondissements (the real perimeter was smaller), which city raised which
barrier and who endorsed it, and the fitness checks' ratings. Idempotent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

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
from urbis.strategy.models import Strategy

Step = tuple[str, Callable[[], None]]
D = dt.date

SRC_BCN_DECL = ("Diari de Terrassa / EFE, 17.01.2020: the mayor signed the decree declaring the "
                "climate emergency on Wednesday 15 January 2020, with 103 measures and EUR 563 "
                "million to 2025, drafted with more than 200 entities of the Taula d'Emergència "
                "Climàtica")
SRC_POBLENOU = ("Ajuntament de Barcelona, Superilles, 'Superilla del Poblenou' "
                "(https://ajuntament.barcelona.cat/superilles/ca/content/poblenou); directe.cat, "
                "4.9.2017: in operation since 5 September 2016")
SRC_POBLENOU_PILOT = ("Ajuntament de Barcelona, Ecologia Urbana, 12/04/2017: 'La Superilla de "
                      "Poblenou avança cap a la seva configuració definitiva' (pilot phase closed)")
SRC_NEW_SUPERBLOCKS = ("3Cat, 05/09/2017: three new superblocks (Hostafrancs, Les Corts, Sant "
                       "Antoni around the market) announced for early 2018")
SRC_PARIS_PLAN = ("Environnement Magazine, 23.11.2017 and Europe 1, 20.11.2017: Plan Climat Air "
                  "Énergie adopted unanimously by the Conseil de Paris on 20 November 2017, to be "
                  "submitted to the State, the Île-de-France Region and Parisians, final vote in "
                  "2018 (délibération 2018 DEVE 54, March 2018)")
SRC_PARIS_2015 = ("France-Soir, September 2015: first 'Journée sans voiture' on Sunday 27 "
                  "September 2015, car-free zones in the 1st–7th, 10th and 11th arrondissements "
                  "among others; France 24, 27.09.2015")
SRC_PARIS_2017 = ("Libération, 01.10.2017: first car-free day over the whole city (earlier "
                  "editions covered part of it)")
ILLUSTRATIVE_LINK = ("The legal reference is real; that the demo city raised it and which "
                     "organisations endorse it are illustrative.")

ORGANISATIONS = (
    ("bcn-taula-emergencia-climatica",
     "Taula d'Emergència Climàtica de Barcelona (more than 200 entities)", "community_group",
     "barcelona"),
    ("region-ile-de-france", "Région Île-de-France", "regional_authority", "paris"),
)


def _org(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


def load_organisations() -> None:
    for slug, name, kind, city in ORGANISATIONS:
        if not Organisation.objects.filter(slug=slug, name=name, kind=kind).exists():
            people.upsert_organisation(name=name, slug=slug, kind=kind,
                                       city=City.objects.get(code=city))


def _commitment(city: City, strategy_slug: str, phases: list[dict[str, Any]],
                involvements: list[dict[str, Any]], **fields: Any) -> None:
    strategy = Strategy.objects.filter(city=city, slug=strategy_slug).first()
    commitment = services.save_commitment(by=None, city=city, operator=True, strategy=strategy,
                                          **fields)
    for phase in phases:
        services.set_phase(by=None, commitment=commitment, operator=True, **phase)
    for inv in involvements:
        if not Involvement.objects.filter(commitment=commitment, step=inv["step"],
                                          organisation=_org(inv["organisation"])).exists():
            services.record_involvement(by=None, commitment=commitment, operator=True,
                                        **{**inv, "organisation": _org(inv["organisation"])})


def load_commitments() -> None:
    _commitment(
        City.objects.get(code="barcelona"), "pla-clima", slug="climate-emergency-declaration",
        title="Climate emergency declaration (Declaració d'emergència climàtica)",
        description="103 measures over ten years and EUR 563 million to 2025 to cut CO2 "
                    "emissions by two million tonnes by 2030.",
        adopted_on=D(2020, 1, 15), body="Mayor of Barcelona (decree)",
        priorities=["5.2.1", "6.2.1"], source=SRC_BCN_DECL,
        phases=[{"step": "action_plan", "status": "done", "ends_on": D(2020, 1, 15),
                 "note": "103 measures and EUR 563 million to 2025"}],
        involvements=[{"step": "action_plan", "organisation": "bcn-taula-emergencia-climatica",
                       "how": "consulted", "source": SRC_BCN_DECL}],
    )
    _commitment(
        City.objects.get(code="paris"), "plan-climat", slug="plan-climat-air-energie",
        title="Plan Climat Air Énergie: carbon-neutral and 100 % renewable by 2050",
        description="About 500 measures; first adopted in November 2017, then submitted to the "
                    "State, the Region and Parisians before the final vote in 2018.",
        adopted_on=D(2017, 11, 20), body="Conseil de Paris (unanimous)",
        priorities=["5.2.1", "6.2.1", "6.2.2"], source=SRC_PARIS_PLAN,
        phases=[{"step": "strategy", "status": "done", "ends_on": D(2017, 11, 20),
                 "note": "First adoption by the Conseil de Paris"}],
        involvements=[{"step": "strategy", "organisation": "region-ile-de-france",
                       "how": "consulted", "source": SRC_PARIS_PLAN}],
    )


BARRIERS: list[dict[str, Any]] = [
    {"city": "barcelona", "slug": "es-collective-self-consumption-proximity",
     "title": "Collective self-consumption limited to nearby producers and consumers",
     "level": "national", "jurisdiction": "ES",
     "legal_reference": "Real Decreto 244/2019, de 5 de abril",
     "link": "https://www.boe.es/eli/es/rd/2019/04/05/244",
     "description": "Sets the conditions under which neighbours may share the output of a solar "
                    "installation; sharing through the grid is bounded by proximity criteria.",
     "sectors": ["energy", "buildings"], "raised_on": D(2020, 1, 15)},
    {"city": "barcelona", "slug": "eu-renewable-energy-communities",
     "title": "Renewable energy communities and self-consumers (RED II)",
     "level": "eu", "jurisdiction": "EU",
     "legal_reference": "Directive (EU) 2018/2001, Articles 21 and 22",
     "link": "https://eur-lex.europa.eu/eli/dir/2018/2001/oj", "effect": "fosters",
     "description": "Gives citizens the right to produce, store and share renewable energy and "
                    "to form renewable energy communities; its effect depends on national "
                    "transposition.",
     "sectors": ["energy"], "raised_on": D(2020, 1, 15)},
    {"city": "paris", "slug": "eu-renewable-energy-communities",
     "title": "Renewable energy communities and self-consumers (RED II)",
     "level": "eu", "jurisdiction": "EU",
     "legal_reference": "Directive (EU) 2018/2001, Articles 21 and 22",
     "link": "https://eur-lex.europa.eu/eli/dir/2018/2001/oj", "effect": "fosters",
     "description": "Gives citizens the right to produce, store and share renewable energy and "
                    "to form renewable energy communities; its effect depends on national "
                    "transposition.",
     "sectors": ["energy"], "raised_on": D(2017, 11, 20)},
    {"city": "paris", "slug": "fr-loi-orientation-mobilites",
     "title": "Mobility orientation law (LOM): low-emission zones",
     "level": "national", "jurisdiction": "FR",
     "legal_reference": "Loi n° 2019-1428 du 24 décembre 2019 d'orientation des mobilités",
     "link": "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000039666574", "effect": "fosters",
     "description": "The national framework for cities' mobility measures, including "
                    "low-emission zones.",
     "sectors": ["mobility", "environment"], "raised_on": D(2020, 1, 1)},
]
ENDORSEMENTS = [
    ("es-collective-self-consumption-proximity", "bcn-energy-agency", "endorses"),
    ("es-collective-self-consumption-proximity", "bcn-taula-emergencia-climatica", "endorses"),
    ("eu-renewable-energy-communities", "paris-climate-agency", "endorses"),
    ("eu-renewable-energy-communities", "bcn-energy-agency", "endorses"),
]


def load_barriers() -> None:
    for row in BARRIERS:
        data: dict[str, Any] = dict(row)
        city = City.objects.get(code=data.pop("city"))
        existing = Barrier.objects.filter(slug=data["slug"]).first()
        if existing is not None and existing.city_links.filter(city=city).exists():
            continue
        services.raise_barrier(by=None, city=city, operator=True, is_illustrative=True,
                               source=ILLUSTRATIVE_LINK, **data)
    for slug, org_slug, stance in ENDORSEMENTS:
        barrier = Barrier.objects.get(slug=slug)
        organisation = Organisation.objects.filter(slug=org_slug).first()
        if organisation is None or Endorsement.objects.filter(
                barrier=barrier, organisation=organisation).exists():
            continue
        services.record_stance(by=None, barrier=barrier, organisation=organisation,
                               stance=stance, statement="Illustrative demo position.",
                               operator=True)
    barrier = Barrier.objects.get(slug="es-collective-self-consumption-proximity")
    if barrier.status == "raised":
        services.move_barrier(by=None, barrier=barrier, to="agreed", on=D(2020, 6, 1),
                              operator=True)


# Poblenou superblock: its outline drawn by hand along Badajoz, Pallars, Llacuna and Tànger
# (three by three Cerdà blocks): approximate, so the record is labelled illustrative.
POBLENOU = {"type": "Polygon", "coordinates": [[
    [2.19300, 41.39900], [2.19640, 41.40155], [2.19300, 41.40410], [2.18960, 41.40155],
    [2.19300, 41.39900]]]}


def _areas(city: City, names: list[str]) -> list[str]:
    codes = []
    for name in names:
        area = Area.objects.filter(city=city, name__iexact=name).first()
        if area is None:
            raise LookupError(f"{city.code}: no area named {name!r} for the policy demo")
        codes.append(area.code)
    return codes


def load_zones() -> None:
    bcn, paris = City.objects.get(code="barcelona"), City.objects.get(code="paris")
    zone = InnovationZone.objects.filter(city=bcn, slug="superilla-poblenou").first()
    if zone is None:
        zone = services.save_zone(
            by=None, city=bcn, operator=True, slug="superilla-poblenou",
            title="Superilla del Poblenou (superblock)",
            concept="Through traffic removed from nine Cerdà blocks; crossings and street "
                    "sections given to play, green and neighbourhood life.",
            geometry=POBLENOU, start_date=D(2016, 9, 5), phase="concept",
            organisations=[_org("bcn-urban-ecology")], source=SRC_POBLENOU,
            is_illustrative=True)
        services.add_zone_rule(by=None, zone=zone, kind="new", operator=True,
                               description="Private vehicles may reach any point but not cross "
                                           "the superblock; pedestrians and cycling have "
                                           "priority inside.")
        for phase in ("setup", "evaluation", "rollout"):
            services.move_zone_phase(by=None, zone=zone, to=phase, operator=True)
    if not Rollout.objects.filter(zone=zone).exists():
        services.add_rollout(by=None, zone=zone, city=bcn,
                             area_codes=_areas(bcn, ["Sant Antoni"]), planned_on=D(2018, 1, 1),
                             operator=True, source=SRC_NEW_SUPERBLOCKS,
                             description="Sant Antoni superblock around the market, announced "
                                         "for early 2018 (day not published: stored as 1 "
                                         "January). The pilot phase closed on 12 April 2017: "
                                         + SRC_POBLENOU_PILOT)
    zone = InnovationZone.objects.filter(city=paris, slug="paris-respire-2015").first()
    arrondissements = [f"751{n:02d}" for n in (1, 2, 3, 4, 5, 6, 7, 10, 11)]
    if zone is None:
        zone = services.save_zone(
            by=None, city=paris, operator=True, slug="paris-respire-2015",
            title="Journée sans voiture / Paris Respire: first car-free zones",
            concept="Motor traffic stopped for a day (11:00–18:00) so residents use the streets "
                    "on foot and by bike; buses, taxis and emergency vehicles allowed.",
            area_codes=arrondissements, start_date=D(2015, 9, 27), end_date=D(2015, 9, 27),
            phase="concept", organisations=[_org("paris-roads-mobility")],
            source=SRC_PARIS_2015 + ". Built from the whole arrondissements the car-free zones "
                                    "lay in; the real perimeter was smaller.",
            is_illustrative=True)
        services.add_zone_rule(by=None, zone=zone, kind="suspended", operator=True,
                               description="Circulation of private motor vehicles suspended "
                                           "inside the zones for the day.")
        for phase in ("setup", "evaluation", "rollout"):
            services.move_zone_phase(by=None, zone=zone, to=phase, operator=True)
    if not Rollout.objects.filter(zone=zone).exists():
        services.add_rollout(
            by=None, zone=zone, city=paris,
            area_codes=list(Area.objects.filter(city=paris, level="district")
                            .values_list("code", flat=True)),
            done_on=D(2017, 10, 1), source=SRC_PARIS_2017, operator=True,
            description="The car-free day extended to the whole city.")


def load_fitness_checks() -> None:
    for code in ("barcelona", "paris"):
        city = City.objects.get(code=code)
        if FitnessCheck.objects.filter(city=city, slug="demo-fitness-check").exists():
            continue
        check = services.save_fitness_check(
            by=None, city=city, operator=True, slug="demo-fitness-check",
            title="Fitness check of energy and mobility rules (illustrative)",
            carried_out_on=D(2024, 1, 31), is_illustrative=True,
            source="Illustrative demo ratings: no published fitness check of the city.")
        for barrier in Barrier.objects.filter(city_links__city=city):
            for domain in barrier.sectors or ["governance"]:
                rating = "fostering" if barrier.effect == "fosters" else "hindering"
                services.assess(by=None, check=check, barrier=barrier, domain=domain,
                                rating=rating, operator=True,
                                reason="Illustrative rating, following the effect recorded "
                                       "in the barriers register.")


def load_bundles() -> None:
    """One illustrative bundle per city from its demo strategy's first two actions, to show the
    joint-funding roll-up; no city published such a bundle."""
    for code, slug in (("barcelona", "pla-clima"), ("paris", "plan-climat")):
        city = City.objects.get(code=code)
        strategy = Strategy.objects.filter(city=city, slug=slug).first()
        if strategy is None or city.project_bundles.exists():
            continue
        actions = list(strategy.actions.order_by("order", "pk")[:2])
        if len(actions) < 2:
            continue
        services.save_bundle(by=None, city=city, actions=actions, operator=True,
                             slug="demo-bundle", title="Joint funding bundle (illustrative)",
                             funding_target="Illustrative: no application published",
                             is_illustrative=True,
                             source="Illustrative grouping of the demo strategy's actions.")


def steps() -> list[Step]:
    return [
        ("policy: organisations", load_organisations),
        ("policy: commitments and roadmaps", load_commitments),
        ("policy: regulatory barriers", load_barriers),
        ("policy: innovation zones", load_zones),
        ("policy: fitness checks", load_fitness_checks),
        ("policy: project bundles", load_bundles),
        ("policy: today's network figures", lambda: (services.snapshot(), None)[1]),
    ]

