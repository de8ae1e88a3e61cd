"""Every write of the scenarios app: checked, permission-guarded, all-or-nothing."""

from __future__ import annotations

import csv
import io
import random
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from urbis.engines import scenario as engine
from urbis.errors import ImportRefused, RowError
from urbis.people.permissions import Action, require
from urbis.places.models import City
from urbis.scenarios import queries
from urbis.scenarios.models import (
    Driver,
    DriverKind,
    DriverPeriod,
    DriverPoint,
    EmissionFactor,
    Inventory,
    InventoryKind,
    InventoryRow,
    LeverKind,
    Measure,
    Scenario,
    ScenarioRun,
)

MAX_SAMPLES = 20_000
# Runs attributed to the measures for the bands on each wedge (each costs 2 × measures × nodes
# evaluations; the totals' bands use every sample).
WEDGE_SAMPLES = 500
Progress = Callable[[int, int, str], None]
# The steps of a run as the job records them (stable keys) and as pages show them.
STEP_LABELS = {
    "check": gettext_lazy("checking the input"),
    "projection and wedges": gettext_lazy("projection and wedges"),
    "Monte Carlo": gettext_lazy("Monte Carlo runs"),
    "store": gettext_lazy("storing the result"),
}


def inventory_year_problems(city: City, kind: str, year: int,
                            pk: int | None = None) -> list[tuple[str, str]]:
    """The rules on an inventory's kind and year, as (field, message): a known kind; one
    inventory of a kind per city and year; a monitoring inventory (MEI) comes after the city's
    baseline (BEI) year, so there must be a baseline first, and a baseline (new, or its year
    or kind changed) may not leave a monitoring inventory at or before the earliest baseline."""
    out: list[tuple[str, str]] = []
    if kind not in InventoryKind.values:
        return [("kind", _("Unknown kind of inventory %(kind)r (bei or mei).") % {"kind": kind})]
    clash = Inventory.objects.filter(city=city, kind=kind, year=year)
    if pk is not None:
        clash = clash.exclude(pk=pk)
    if clash.exists():
        out.append(("year", _("This city already has an inventory of this kind for this "
                              "year.")))
    others = Inventory.objects.filter(city=city)
    if pk is not None:
        # The inventory being changed counts as what it becomes, not as what it was.
        others = others.exclude(pk=pk)
    if kind == InventoryKind.BASELINE:
        # The earliest baseline once this one is stored; every monitoring inventory must come
        # after it (changing a baseline's year must not leave an MEI at or before it).
        earliest = min([year, *others.filter(kind=InventoryKind.BASELINE)
                        .values_list("year", flat=True)])
        stranded = list(others.filter(kind=InventoryKind.MONITORING, year__lte=earliest)
                        .order_by("year").values_list("year", flat=True))
        if stranded:
            out.append(("year", _("The baseline inventory's year must come before every "
                                  "monitoring inventory's year; the monitoring inventories of "
                                  "%(years)s are not after %(year)s.")
                        % {"years": ", ".join(str(y) for y in stranded), "year": year}))
    if kind == InventoryKind.MONITORING:
        baseline = (others.filter(kind=InventoryKind.BASELINE)
                    .order_by("year").values_list("year", flat=True).first())
        if baseline is None:
            out.append(("kind", _("A monitoring inventory needs the city's baseline inventory "
                                  "first.")))
        elif year <= baseline:
            out.append(("year", _("A monitoring inventory's year must come after the baseline "
                                  "inventory's year %(bei)s.") % {"bei": baseline}))
    return out


def import_inventory_csv(
    user: Any, city: City, year: int, data: bytes | str, *, file_name: str = "inventory.csv",
    kind: str = InventoryKind.BASELINE, source: str = "", local_production_mwh: float = 0.0,
    is_illustrative: bool = False, operator: bool = False,
) -> Inventory:
    """Create or replace a city's inventory for ``year`` from a CSV with columns sector, carrier,
    energy_mwh[, source]. Any bad row refuses the whole file; nothing is stored. ``operator``: the
    command line and the demo loader, which act for the site's operator."""
    if not operator:
        require(user, Action.EDIT, city)
    # Importing replaces the inventory of the same kind and year; the other rules apply.
    existing = Inventory.objects.filter(city=city, kind=kind, year=year).values_list(
        "pk", flat=True).first()
    year_errors = [RowError(file_name, 0, fld, message)
                   for fld, message in inventory_year_problems(city, kind, year, pk=existing)]
    if year_errors:
        raise ImportRefused(year_errors)
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRefused([RowError(file_name, 0, "", _("the file is not UTF-8 text"))]) \
                from None
    reader = csv.DictReader(io.StringIO(data))
    missing = [c for c in ("sector", "carrier", "energy_mwh") if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportRefused([RowError(file_name, 1, c, _("column missing")) for c in missing])
    errors: list[RowError] = []
    rows: dict[tuple[str, str], tuple[float, str]] = {}
    for number, row in enumerate(reader, start=2):
        sector, carrier = (row.get("sector") or "").strip(), (row.get("carrier") or "").strip()
        if sector not in engine.SECTORS:
            errors.append(RowError(file_name, number, "sector", _("unknown sector %(sector)r")
                                                                % {"sector": sector}))
        if carrier not in engine.CARRIERS:
            errors.append(RowError(file_name, number, "carrier", _("unknown carrier %(carrier)r")
                                                                 % {"carrier": carrier}))
        raw = (row.get("energy_mwh") or "").strip()
        try:
            mwh = float(raw)
        except ValueError:
            errors.append(RowError(file_name, number, "energy_mwh", _("not a number: %(raw)r")
                                                                    % {"raw": raw}))
            continue
        if not mwh >= 0 or mwh == float("inf"):
            errors.append(RowError(file_name, number, "energy_mwh", _("must be a number ≥ 0")))
            continue
        if (sector, carrier) in rows:
            errors.append(RowError(file_name, number, "carrier",
                                   _("%(sector)s/%(carrier)s appears twice")
                                   % {"sector": sector, "carrier": carrier}))
        rows[(sector, carrier)] = (mwh, (row.get("source") or "").strip()[:600])
    if not rows and not errors:
        errors.append(RowError(file_name, 2, "", _("the file has no rows")))
    if errors:
        raise ImportRefused(errors)
    with transaction.atomic():
        inventory, _created = Inventory.objects.update_or_create(
            city=city, kind=kind, year=year,
            defaults={"source": source[:600], "local_production_mwh": local_production_mwh,
                      "is_illustrative": is_illustrative},
        )
        inventory.rows.all().delete()
        InventoryRow.objects.bulk_create(
            InventoryRow(inventory=inventory, sector=s, carrier=c, energy_mwh=mwh, source=src)
            for (s, c), (mwh, src) in rows.items()
        )
    return inventory


def add_measure(user: Any, scenario: Scenario, *, operator: bool = False,
                **fields: Any) -> Measure:
    """Add a measure after the engine has checked the whole scenario with it."""
    if not operator:
        require(user, Action.EDIT, scenario.city)
    action = fields.get("action")
    if action is not None and action.strategy.city_id != scenario.city_id:
        raise ValidationError({"action": _("The action belongs to another city.")})
    measure = Measure(scenario=scenario, **fields)
    measure.full_clean(exclude=["scenario"])
    try:
        engine.validate(queries.engine_scenario(scenario, extra=[measure]))
    except engine.ScenarioInputError as err:
        raise ValidationError([f"{w}: {f}: {r}" for w, f, r in err.problems]) from None
    measure.save()
    return measure


def _check_samples(samples: int) -> None:
    if not 1 <= samples <= MAX_SAMPLES:
        raise ValidationError({"samples": _("Between 1 and %(max)d.") % {"max": MAX_SAMPLES}})


def run_subject(scenario_id: int) -> str:
    """How a scenario's run job is named in the job records (its page finds the job by it)."""
    return f"scenarios.scenario:{scenario_id}"


def queue_run(user: Any, scenario: Scenario, *, samples: int = 2000,
              seed: int | None = None) -> str:
    """Check the scenario now (a refused input is an answer to the request, not a failed job),
    then queue its run for ``urbis worker``; returns the job's id. The seed is drawn here, so
    the job records which run it computes."""
    require(user, Action.EDIT, scenario.city)
    _check_samples(samples)
    try:
        engine.validate(queries.engine_scenario(scenario))
    except engine.ScenarioInputError as err:
        raise ValidationError([f"{w}: {f}: {r}" for w, f, r in err.problems]) from None
    seed = random.SystemRandom().randrange(2**31) if seed is None else seed
    from urbis.jobs.services import enqueue
    from urbis.scenarios.tasks import run_scenario_job

    return enqueue(run_scenario_job, scenario.pk, samples, seed, user.pk,
                   subject=run_subject(scenario.pk))


def _series(values: np.ndarray) -> list[float]:
    return [round(float(v), 3) for v in values]


def run_scenario(
    user: Any, scenario: Scenario, *, samples: int = 2000, seed: int | None = None,
    progress: Progress | None = None, operator: bool = False,
) -> ScenarioRun:
    """Compute the scenario (deterministic run with wedges, then the Monte Carlo bands) and store
    the result. Nothing is stored when the input is refused."""
    if not operator:
        require(user, Action.EDIT, scenario.city)
    _check_samples(samples)
    seed = random.SystemRandom().randrange(2**31) if seed is None else seed
    step = progress or (lambda done, total, label: None)
    started = time.perf_counter()
    step(0, 3, "check")
    try:
        spec = queries.engine_scenario(scenario)
        step(1, 3, "projection and wedges")
        proj = engine.project(spec)
        step(2, 3, "Monte Carlo")
        mc = engine.monte_carlo(spec, samples=samples, seed=seed,
                                wedge_samples=min(samples, WEDGE_SAMPLES))
    except engine.ScenarioInputError as err:
        raise ValidationError([f"{w}: {f}: {r}" for w, f, r in err.problems]) from None
    bau_band, band = mc.band("bau"), mc.band()
    wedge_band = mc.wedge_band() if mc.wedges is not None else None
    # Each measure's wedge per year over the attributed runs: (3, M, Y), 5 %, median, 95 %.
    wedge_year_band = mc.wedge_band(cumulative=False) if mc.wedges is not None else None
    bei = engine.inventory_emissions(spec.inventory, spec.factors)
    inventory_rows = [
        {"sector": sector, "carrier": carrier, "mwh": spec.inventory.energy_mwh[(sector, carrier)],
         "t_co2": round(float(fig.value or 0.0), 1), "how": fig.how}
        for (sector, carrier), fig in sorted(bei.items())
    ]
    names = {m.name: m for m in scenario.measures.select_related("action")}
    targets = []
    for t in queries.emission_targets(scenario):
        if t["year"] not in mc.years:
            continue
        p = mc.probability_at_or_below(t["year"], t["t_co2"])
        met = [y for y, v in zip(mc.years, band[1], strict=True) if v <= t["t_co2"]]
        targets.append({**t, "probability": p.value,
                        "percent": round(100 * float(p.value or 0.0)),
                        "median_year_met": met[0] if met else None,
                        "median_in_year": round(float(band[1][mc.years.index(t["year"])]), 1)})
    result = {
        "years": list(proj.years),
        "unit": "t CO2",
        "inventory": {"year": scenario.inventory.year,
                      "illustrative": scenario.inventory.is_illustrative,
                      "source": scenario.inventory.source, "rows": inventory_rows,
                      "origin": queries.inventory_origin(scenario.inventory)},
        "bau": _series(proj.bau_total.values),
        "scenario": _series(proj.total.values),
        "bands": {"bau": [_series(b) for b in bau_band], "scenario": [_series(b) for b in band],
                  "percentiles": [5, 50, 95]},
        "wedges": [
            {"name": m.name, "kind": m.kind, "values": _series(m.wedge.values),
             "action": (names[m.name].action_id if m.name in names else None),
             "cumulative_t": round(float(m.cumulative.value or 0.0), 1),
             "cumulative_band_t": (None if wedge_band is None
                                   else [round(float(v), 1) for v in wedge_band[:, k]]),
             "band_t": (None if wedge_year_band is None
                        else [_series(b) for b in wedge_year_band[:, k, :]]),
             "cost_per_t": (None if m.cost_per_tonne.value is None
                            else round(float(m.cost_per_tonne.value), 2)),
             "how": m.wedge.how}
            for k, m in enumerate(proj.measures)
        ],
        "wedge_runs": 0 if mc.wedges is None else int(mc.wedges.shape[1]),
        "macc": [{"name": b.name, "cost_per_t": round(b.cost_per_tonne, 2),
                  "abatement_t": round(b.abatement, 1)} for b in proj.macc],
        "cumulative": {"bau_t": round(float(proj.bau_cumulative.value or 0), 1),
                       "scenario_t": round(float(proj.cumulative.value or 0), 1)},
        "targets": targets,
        "how": proj.total.how,
        # The factor of each carrier used, and its origin (entered by the city or a fallback).
        "factors": [f for f in queries.factors_in_use(scenario.city)
                    if f["carrier"] in proj.carriers],
        # Business as usual: which driver moved which sector, and by how much (modelled).
        "drivers": {
            "general_growth": scenario.population_growth,
            "given": [{"kind": d.kind, "unit": d.unit, "growth_rate": d.growth_rate,
                       "points": [[p.year, p.value] for p in d.points.all()],
                       "periods": [[p.start_year, p.end_year, p.growth_rate]
                                   for p in d.periods.all()],
                       "sectors": list(d.sectors), "source": d.source}
                      for d in scenario.drivers.prefetch_related("points", "periods")],
            "sectors": [{**row, "index_last": round(row["index_last"], 6),
                         "mwh_first": round(row["mwh_first"], 3),
                         "mwh_last": round(row["mwh_last"], 3)}
                        for row in proj.driver_explanation()],
        },
        # Per sector (summed over carriers), deterministic run; the totals are these summed
        # less the local production credit.
        "by_sector": {
            "sectors": list(proj.sectors),
            "bau": [_series(proj.bau_emissions[:, k, :].sum(axis=1))
                    for k in range(len(proj.sectors))],
            "scenario": [_series(proj.emissions[:, k, :].sum(axis=1))
                         for k in range(len(proj.sectors))],
            "local_credit": {"bau": _series(proj.bau_local_credit),
                             "scenario": _series(proj.local_credit)},
        },
        # Per sector and carrier, deterministic run, for the exports: final energy (MWh) and
        # emissions (t CO2) under business as usual and with the measures; cells that stay
        # empty in both are left out.
        "cells": [
            {"sector": sector, "carrier": carrier,
             "bau_mwh": _series(proj.bau_energy[:, k, c]), "mwh": _series(proj.energy[:, k, c]),
             "bau_t": _series(proj.bau_emissions[:, k, c]),
             "t": _series(proj.emissions[:, k, c])}
            for k, sector in enumerate(proj.sectors) for c, carrier in enumerate(proj.carriers)
            if np.any(proj.bau_energy[:, k, c]) or np.any(proj.energy[:, k, c])
        ],
    }
    step(3, 3, "store")
    return ScenarioRun.objects.create(
        scenario=scenario, samples=samples, seed=seed, result=result,
        seconds=round(time.perf_counter() - started, 3),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )


# --- The scenario builder ---------------------------------------------------------------------

SCENARIO_FIELDS = ("title", "slug", "inventory", "strategy", "end_year", "population_growth",
                   "is_published")
MEASURE_FIELDS = ("name", "action", "kind", "sector", "carrier", "to_sector", "to_carrier",
                  "value", "value_low", "value_high", "from_efficiency", "to_efficiency",
                  "intensity_ratio", "start_year", "ramp_years", "ceiling", "capex_eur",
                  "opex_eur_per_year", "lifetime_years", "funding", "uncertainty_group", "order")
# Short names that are pages of the scenarios app.
RESERVED_SLUGS = frozenset({"new", "compare", "inventory", "inventories", "factors"})
# The engine's field names as the builder's form names them.
_ENGINE_FIELD = {"cut": "value", "share": "value", "mwh_per_year": "value",
                 "from_carrier": "carrier", "from_sector": "sector",
                 "cost.lifetime_years": "lifetime_years"}


def _engine_problems(err: engine.ScenarioInputError, name: str = "") -> dict[str, list[str]]:
    """The engine's problems as form errors: a measure's own field where the engine names it,
    else the whole form. Checks the services make first cover every rule a form can break, so
    this is the backstop for combinations they do not foresee."""
    out: dict[str, list[str]] = {}
    for where, fld, reason in err.problems:
        mine = bool(name) and repr(name) in where
        key = _ENGINE_FIELD.get(fld, fld) if mine and _ENGINE_FIELD.get(fld, fld) in \
            MEASURE_FIELDS else NON_FIELD_ERRORS
        out.setdefault(key, []).append(
            _("The model refuses this (%(where)s, %(field)s): %(reason)s")
            % {"where": where, "field": fld, "reason": reason})
    return out


def save_scenario(user: Any, city: City, *, scenario: Scenario | None = None,
                  **fields: Any) -> Scenario:
    """Create or change a scenario of ``city`` (title, short name, inventory, strategy, last
    year, business-as-usual growth, published). Its measures are checked again with the new
    inventory and years; nothing is stored if any is refused."""
    require(user, Action.EDIT, city)
    errors: dict[str, list[str]] = {}
    inventory, strategy = fields.get("inventory"), fields.get("strategy")
    if inventory is not None and inventory.city_id != city.pk:
        errors["inventory"] = [_("The inventory belongs to another city.")]
    if strategy is not None and strategy.city_id != city.pk:
        errors["strategy"] = [_("The strategy belongs to another city.")]
    slug = fields.get("slug", scenario.slug if scenario else "")
    taken = Scenario.objects.filter(city=city, slug=slug)
    if scenario is not None:
        taken = taken.exclude(pk=scenario.pk)
    if slug and taken.exists():
        errors["slug"] = [_("Another scenario of this city has this short name.")]
    if slug in RESERVED_SLUGS:
        errors["slug"] = [_("This short name is reserved for a page; choose another.")]
    end_year = fields.get("end_year", scenario.end_year if scenario else 2050)
    inv = inventory or (scenario.inventory if scenario else None)
    if inv is not None and end_year is not None and end_year <= inv.year:
        errors["end_year"] = [_("Must be after the inventory's year (%(year)s).")
                              % {"year": inv.year}]
    growth = fields.get("population_growth")
    if growth is not None and not -0.2 <= growth <= 0.2:
        errors["population_growth"] = [_("Between −0.2 and 0.2 (−20 % to +20 % a year).")]
    if errors:
        raise ValidationError(errors)
    target = scenario or Scenario(city=city)
    for key, value in fields.items():
        if key not in SCENARIO_FIELDS:
            raise TypeError(f"unknown scenario field {key!r}")
        setattr(target, key, value)
    target.full_clean(exclude=["city"])
    with transaction.atomic():
        target.save()
        if scenario is not None:
            try:
                engine.validate(queries.engine_scenario(target))
            except engine.ScenarioInputError as err:
                transaction.set_rollback(True)
                raise ValidationError(_engine_problems(err)) from None
    return target


def _measure_problems(scenario: Scenario, m: Measure) -> dict[str, list[str]]:
    """Per-field checks of one measure, in the reader's language, before the engine's."""
    errors: dict[str, list[str]] = {}

    def add(fld: str, message: str) -> None:
        errors.setdefault(fld, []).append(message)

    needs: dict[str, tuple[str, ...]] = {
        str(LeverKind.EFFICIENCY): ("sector", "carrier"),
        str(LeverKind.FUEL_SWITCH): ("sector", "carrier", "to_carrier"),
        str(LeverKind.ACTIVITY_CHANGE): ("sector", "to_sector"),
    }
    for fld in needs.get(m.kind, ()):
        if not getattr(m, fld):
            add(fld, _("This lever needs it."))
    for fld in ("sector", "to_sector"):
        if getattr(m, fld) and getattr(m, fld) not in engine.SECTORS:
            add(fld, _("Unknown sector."))
    for fld in ("carrier", "to_carrier"):
        if getattr(m, fld) and getattr(m, fld) not in engine.CARRIERS:
            add(fld, _("Unknown carrier."))
    if m.kind == LeverKind.FUEL_SWITCH and m.carrier and m.carrier == m.to_carrier:
        add("to_carrier", _("Must differ from the carrier replaced."))
    if m.kind == LeverKind.ACTIVITY_CHANGE and m.sector and m.sector == m.to_sector:
        add("to_sector", _("Must differ from the sector the activity leaves."))
    share = m.kind != LeverKind.LOCAL_PRODUCTION
    values = [("value", m.value), ("value_low", m.value_low), ("value_high", m.value_high)]
    for fld, v in values:
        if v is None:
            continue
        if v < 0:
            add(fld, _("Must be 0 or more."))
        elif share and v > 1:
            add(fld, _("A share: at most 1 (100 %)."))
    if (m.value_low is None) != (m.value_high is None):
        add("value_high" if m.value_high is None else "value_low",
            _("Give both the lowest and the highest value, or neither."))
    elif m.value_low is not None and m.value_high is not None and m.value is not None \
            and not m.value_low <= m.value <= m.value_high:
        add("value", _("Must lie between the lowest and the highest value."))
    if m.ceiling is not None and not 0 <= m.ceiling <= 1:
        add("ceiling", _("A share: between 0 and 1."))
    for fld in ("from_efficiency", "to_efficiency"):
        if getattr(m, fld) is not None and getattr(m, fld) <= 0:
            add(fld, _("Must be more than 0."))
    if m.intensity_ratio is not None and m.intensity_ratio < 0:
        add("intensity_ratio", _("Must be 0 or more."))
    for fld in ("capex_eur", "opex_eur_per_year"):
        if getattr(m, fld) is not None and getattr(m, fld) < 0:
            add(fld, _("Must be 0 or more."))
    if m.lifetime_years is not None and m.lifetime_years < 1:
        add("lifetime_years", _("At least one year."))
    year = scenario.inventory.year
    if m.start_year is not None and not year <= m.start_year <= scenario.end_year:
        add("start_year", _("Between the inventory's year %(first)s and %(last)s.")
            % {"first": year, "last": scenario.end_year})
    if m.action is not None and m.action.strategy.city_id != scenario.city_id:
        add("action", _("The action belongs to another city."))
    used = {c for c in (m.carrier if m.kind != LeverKind.ACTIVITY_CHANGE else "",
                        m.to_carrier or ("electricity" if m.kind in (
                            LeverKind.ACTIVITY_CHANGE, LeverKind.LOCAL_PRODUCTION) else ""))
            if c}
    known = {f.carrier for f in queries.engine_factors(scenario.city)}
    for c in sorted(used - known):
        add("to_carrier" if c == m.to_carrier else "carrier",
            _("No emission factor for this carrier in this city."))
    if m.kind == LeverKind.FUEL_SWITCH and m.value is not None and not errors:
        others = [o for o in scenario.measures.filter(kind=LeverKind.FUEL_SWITCH, sector=m.sector,
                                                      carrier=m.carrier) if o.pk != m.pk]
        total = sum((o.value_high if o.value_high is not None else o.value) * o.ceiling
                    for o in [*others, m])
        if others and total > 1 + 1e-9:
            add("value", _("With %(others)s this switches up to %(pct)s %% of the carrier in "
                           "this sector, more than exists.")
                % {"others": ", ".join(o.name for o in others), "pct": f"{total * 100:.4g}"})
    if m.kind == LeverKind.ACTIVITY_CHANGE and m.value is not None and not errors:
        others = [o for o in scenario.measures.filter(kind=LeverKind.ACTIVITY_CHANGE,
                                                      sector=m.sector) if o.pk != m.pk]
        total = sum((o.value_high if o.value_high is not None else o.value) * o.ceiling
                    for o in [*others, m])
        if others and total > 1 + 1e-9:
            add("value", _("With %(others)s this moves up to %(pct)s %% of the sector's "
                           "activity, more than exists.")
                % {"others": ", ".join(o.name for o in others), "pct": f"{total * 100:.4g}"})
    return errors


def save_measure(user: Any, scenario: Scenario, *, measure: Measure | None = None,
                 **fields: Any) -> Measure:
    """Create or change one measure (a lever linked to a strategy action) after checking it
    field by field and then the whole scenario with it; nothing is stored if refused."""
    require(user, Action.EDIT, scenario.city)
    if measure is not None and measure.scenario_id != scenario.pk:
        raise ValidationError(_("The measure belongs to another scenario."))
    target = measure or Measure(scenario=scenario)
    for key, value in fields.items():
        if key not in MEASURE_FIELDS:
            raise TypeError(f"unknown measure field {key!r}")
        setattr(target, key, value)
    for fld in ("sector", "carrier", "to_sector", "to_carrier", "funding", "uncertainty_group"):
        setattr(target, fld, getattr(target, fld) or "")
    errors = _measure_problems(scenario, target)
    same = Measure.objects.filter(scenario=scenario, name=target.name)
    if target.pk:
        same = same.exclude(pk=target.pk)
    if target.name and same.exists():
        errors.setdefault("name", []).append(_("Another measure of this scenario has this "
                                               "name."))
    if errors:
        raise ValidationError(errors)
    target.full_clean(exclude=["scenario"])
    try:
        engine.validate(queries.engine_scenario(scenario, extra=[target], skip=target.pk))
    except engine.ScenarioInputError as err:
        raise ValidationError(_engine_problems(err, target.name)) from None
    target.save()
    return target


def delete_measure(user: Any, measure: Measure) -> None:
    require(user, Action.EDIT, measure.scenario.city)
    measure.delete()


def save_inventory(user: Any, city: City, *, inventory: Inventory | None = None,
                   rows: list[dict[str, Any]], **fields: Any) -> Inventory:
    """Create or change an inventory and its rows (sector, carrier, energy_mwh, source) at once.
    Every row is checked first; the scenarios that use the inventory are checked with it; any
    refusal stores nothing. Errors name the row (1 = the first row given)."""
    require(user, Action.EDIT, city)
    errors: dict[str, list[str]] = {}
    seen: dict[tuple[str, str], int] = {}
    for number, row in enumerate(rows, start=1):
        key = (row["sector"], row["carrier"])
        if row["sector"] not in engine.SECTORS:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("Row %(n)s, sector: unknown sector %(value)r.")
                % {"n": number, "value": row["sector"]})
        if row["carrier"] not in engine.CARRIERS:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("Row %(n)s, carrier: unknown carrier %(value)r.")
                % {"n": number, "value": row["carrier"]})
        if not row["energy_mwh"] >= 0:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("Row %(n)s: final energy must be 0 or more.") % {"n": number})
        if key in seen:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("Row %(n)s: the same sector and carrier as row %(m)s.")
                % {"n": number, "m": seen[key]})
        seen.setdefault(key, number)
    target = inventory or Inventory(city=city)
    for name, value in fields.items():
        if name not in ("kind", "year", "local_production_mwh", "source", "is_illustrative",
                       "is_published"):
            raise TypeError(f"unknown inventory field {name!r}")
        setattr(target, name, value)
    for fld, message in inventory_year_problems(city, target.kind, target.year, pk=target.pk):
        errors.setdefault(fld, []).append(message)
    if target.local_production_mwh is not None and target.local_production_mwh < 0:
        errors.setdefault("local_production_mwh", []).append(_("Must be 0 or more."))
    if errors:
        raise ValidationError(errors)
    target.full_clean(exclude=["city"], validate_unique=False, validate_constraints=False)
    with transaction.atomic():
        target.save()
        target.rows.all().delete()
        InventoryRow.objects.bulk_create(
            InventoryRow(inventory=target, sector=r["sector"], carrier=r["carrier"],
                         energy_mwh=r["energy_mwh"], source=(r.get("source") or "")[:600])
            for r in rows)
        _check_scenarios_of(target)
    return target


def _check_scenarios_of(inventory: Inventory) -> None:
    """Inside the writer's transaction: every scenario built on ``inventory`` must still pass
    the engine's checks, else the whole write is refused."""
    problems: dict[str, list[str]] = {}
    for scenario in Scenario.objects.filter(inventory=inventory).select_related("city"):
        try:
            engine.validate(queries.engine_scenario(scenario))
        except engine.ScenarioInputError as err:
            for fld, msgs in _engine_problems(err).items():
                problems.setdefault(fld, []).extend(f"{scenario.title}: {msg}" for msg in msgs)
    if problems:
        raise ValidationError(problems)


# --- Pre-filling an inventory from the energy app's measured balance --------------------------

#: The energy app's sectors and carriers as the inventory's. Energy's ``commercial`` holds the
#: published "services" consumption, public services included, so it is the tertiary sector;
#: ``mobility`` has no split by transport mode and is left out.
ENERGY_SECTORS = {"residential": "residential_buildings", "commercial": "tertiary_buildings",
                  "public": "municipal_buildings", "industry": "industry"}
ENERGY_CARRIERS = {"electricity": "electricity", "gas": "natural_gas",
                   "heat": "district_heating", "oil": "heating_oil",
                   "biomass": "other_biomass"}


def prefill_from_energy(user: Any, inventory: Inventory, *,
                        operator: bool = False) -> list[tuple[str, str, float]]:
    """Write into ``inventory`` the city's yearly consumption from the energy app's balance for
    the inventory's year, for each sector and carrier that balance covers (others are kept).
    Only figures the energy app holds as measured are taken; each row's source says so, with
    the data set. Returns the (sector, carrier, MWh) written. Reads energy through its public
    queries; writes only this app's rows, in one transaction."""
    from urbis.energy import measured
    from urbis.energy import queries as energy

    city = inventory.city
    if not operator:
        require(user, Action.EDIT, city)
    year = inventory.year
    problems = [m for _fld, m in inventory_year_problems(city, inventory.kind, year,
                                                          pk=inventory.pk)]
    if problems:
        raise ValidationError(problems)
    if year not in energy.years(city):
        raise ValidationError(
            _("The energy data of %(city)s has no year %(year)s (years: %(years)s).")
            % {"city": city.name, "year": year,
               "years": ", ".join(str(y) for y in energy.years(city)) or "—"})
    # Carrier by carrier: estimated heating oil leaves measured electricity measured.
    carriers = [c for c in ENERGY_CARRIERS
                if measured.provenance(city, c).get(year, {}).get(city.code) == ["measured"]]
    kinds = measured.provenance(city).get(year, {}).get(city.code, [])
    if not carriers:
        raise ValidationError(
            _("The energy figures of %(city)s for %(year)s are not all measured (%(kinds)s); "
              "only measured figures pre-fill an inventory.")
            % {"city": city.name, "year": year, "kinds": ", ".join(kinds) or "—"})
    citation = "; ".join(d.citation for d in measured.sources(city)) or \
        "meter readings uploaded to Urbis"
    source = f"{queries.MEASURED_SOURCE_PREFIX}, {citation}, {year}"[:600]
    cells: list[tuple[str, str, float]] = []
    for e_sector, sector in ENERGY_SECTORS.items():
        for e_carrier in carriers:
            carrier = ENERGY_CARRIERS[e_carrier]
            rows = energy.balance_table(city, level="city", year=year, sector=e_sector,
                                        carrier=e_carrier)
            kwh = next((r["consumption_kwh"] for r in rows if r["code"] == city.code), None)
            if kwh:
                cells.append((sector, carrier, round(float(kwh) / 1000, 3)))
    if not cells:
        raise ValidationError(_("The energy data of %(city)s for %(year)s has no consumption "
                                "by sector and carrier.") % {"city": city.name, "year": year})
    with transaction.atomic():
        for sector, carrier, mwh in cells:
            InventoryRow.objects.update_or_create(
                inventory=inventory, sector=sector, carrier=carrier,
                defaults={"energy_mwh": mwh, "source": source})
        _check_scenarios_of(inventory)
    return cells


# --- Business-as-usual drivers ----------------------------------------------------------------

DRIVER_FIELDS = ("kind", "unit", "growth_rate", "sectors", "source")


def _period_problems(periods: list[tuple[int, int, float]], first: int,
                    last: int) -> list[str]:
    """Growth rates per period: each runs forward with a rate within ±20 %/yr; sorted by their
    first year, each starts in the year the one before ends (no gap, no overlap); together they
    cover the inventory's year ``first`` to the scenario's last year ``last``."""
    out: list[str] = []
    ordered = sorted(periods, key=lambda p: (p[0], p[1]))
    for n, (start, end, rate) in enumerate(ordered, start=1):
        if not start < end:
            out.append(_("Period %(n)s (%(start)s–%(end)s): the first year must come before "
                         "the last.") % {"n": n, "start": start, "end": end})
        if not -0.2 <= rate <= 0.2:
            out.append(_("Period %(n)s (%(start)s–%(end)s), growth: between −0.2 and 0.2 "
                         "(−20 %% to +20 %% a year).") % {"n": n, "start": start, "end": end})
        if n > 1:
            before = ordered[n - 2][1]
            if start > before:
                out.append(_("Periods %(a)s and %(b)s: a gap from %(x)s to %(y)s; a period "
                             "starts in the year the one before ends.")
                           % {"a": n - 1, "b": n, "x": before, "y": start})
            elif start < before:
                out.append(_("Periods %(a)s and %(b)s overlap (%(x)s–%(y)s); a period starts "
                             "in the year the one before ends.")
                           % {"a": n - 1, "b": n, "x": start, "y": before})
    if ordered and ordered[0][0] > first:
        out.append(_("The periods must start in the inventory's year %(year)s or before.")
                   % {"year": first})
    if ordered and max(p[1] for p in ordered) < last:
        out.append(_("The periods must reach the scenario's last year %(year)s.")
                   % {"year": last})
    return out


def save_driver(user: Any, scenario: Scenario, *, driver: Driver | None = None,
                points: dict[int, float] | None = None,
                periods: list[tuple[int, int, float]] | None = None,
                **fields: Any) -> Driver:
    """Create or change one business-as-usual driver of ``scenario``: a yearly growth rate, a
    path (``points``: year → value) or growth rates per period (``periods``: (first year, last
    year, rate)), replacing the stored path and periods, and the sectors it moves. Every field
    is checked first, then the whole scenario by the engine; nothing is stored if any is
    refused. Errors name the field (``points`` for the path, ``periods``)."""
    require(user, Action.EDIT, scenario.city)
    if driver is not None and driver.scenario_id != scenario.pk:
        raise ValidationError(_("The driver belongs to another scenario."))
    target = driver or Driver(scenario=scenario)
    for key, value in fields.items():
        if key not in DRIVER_FIELDS:
            raise TypeError(f"unknown driver field {key!r}")
        setattr(target, key, value)
    target.unit, target.source = target.unit or "", target.source or ""
    target.sectors = list(target.sectors or [])
    points = dict(points or {})
    periods = sorted(periods or [], key=lambda p: (p[0], p[1]))
    errors: dict[str, list[str]] = {}

    def add(fld: str, message: str) -> None:
        errors.setdefault(fld, []).append(message)

    if target.kind not in DriverKind.values:
        add("kind", _("Unknown driver."))
    elif Driver.objects.filter(scenario=scenario, kind=target.kind).exclude(
            pk=target.pk).exists():
        add("kind", _("This scenario already has this driver; change that one."))
    if not target.sectors:
        add("sectors", _("Name at least one sector the driver moves."))
    for sector in target.sectors:
        if sector not in engine.SECTORS:
            add("sectors", _("Unknown sector %(sector)r.") % {"sector": sector})
    taken = {s: d for d in scenario.drivers.exclude(pk=target.pk) for s in d.sectors}
    for sector in target.sectors:
        if sector in taken:
            add("sectors", _("%(sector)s is already moved by the driver %(driver)s; a sector "
                             "follows one driver.")
                % {"sector": sector, "driver": taken[sector].get_kind_display()})
    if sum((target.growth_rate is not None, bool(points), bool(periods))) != 1:
        add("growth_rate", _("Give one of a yearly growth rate, a path of values by year or "
                             "growth rates per period, not several and not none."))
    for message in _period_problems(periods, scenario.inventory.year, scenario.end_year):
        add("periods", message)
    if target.growth_rate is not None and not -0.2 <= target.growth_rate <= 0.2:
        add("growth_rate", _("Between −0.2 and 0.2 (−20 % to +20 % a year)."))
    if points:
        first = scenario.inventory.year
        if len(points) < 2:
            add("points", _("A path needs values for at least two years."))
        if min(points) > first:
            add("points", _("The path needs a value for the inventory's year %(year)s or "
                            "before, the year it is indexed on.") % {"year": first})
        for year, value in sorted(points.items()):
            if not 1990 <= year <= 2100:
                add("points", _("Year %(year)s: between 1990 and 2100.") % {"year": year})
            if not value > 0 or value == float("inf"):
                add("points", _("Year %(year)s: the value must be a number above 0.")
                    % {"year": year})
    if errors:
        raise ValidationError(errors)
    target.full_clean(exclude=["scenario"], validate_constraints=False)
    inventory_sectors = set(scenario.inventory.rows.values_list("sector", flat=True))
    drivers, by_sector = queries.engine_drivers(scenario, inventory_sectors, extra=target,
                                                extra_points=points, extra_periods=periods,
                                                skip=target.pk)
    spec = queries.engine_scenario(scenario)
    try:
        engine.validate(engine.Scenario(
            inventory=spec.inventory, factors=spec.factors, measures=spec.measures,
            drivers=drivers, sector_drivers=by_sector, end_year=spec.end_year))
    except engine.ScenarioInputError as err:
        raise ValidationError(_engine_problems(err)) from None
    with transaction.atomic():
        target.save()
        target.points.all().delete()
        DriverPoint.objects.bulk_create(DriverPoint(driver=target, year=y, value=v)
                                        for y, v in sorted(points.items()))
        target.periods.all().delete()
        DriverPeriod.objects.bulk_create(
            DriverPeriod(driver=target, start_year=a, end_year=b, growth_rate=r)
            for a, b, r in periods)
    return target


def delete_driver(user: Any, driver: Driver) -> None:
    require(user, Action.EDIT, driver.scenario.city)
    driver.delete()


# --- A city's own emission factors ------------------------------------------------------------


def save_factors(user: Any, city: City, rows: list[dict[str, Any]]) -> list[EmissionFactor]:
    """Replace the emission factors entered for ``city`` (carrier, year or none for every year,
    t CO2/MWh, source, edition). A carrier the city gives no factor for falls back to the
    country's published electricity factor or the shipped default. Every row is checked first
    and then every scenario of the city with the new factors; any refusal stores nothing.
    Errors name the row (1 = the first row given) and the field."""
    require(user, Action.EDIT, city)
    errors: dict[str, list[str]] = {}

    def add(number: int, fld: str, message: str) -> None:
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            _("Row %(n)s, %(field)s: %(reason)s") % {"n": number, "field": fld,
                                                    "reason": message})

    seen: dict[tuple[str, int | None], int] = {}
    plain: dict[str, int] = {}
    by_year: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        carrier, year = row.get("carrier") or "", row.get("year")
        value = row.get("t_co2_per_mwh")
        if carrier not in engine.CARRIERS:
            add(number, "carrier", _("unknown carrier %(carrier)r.") % {"carrier": carrier})
        if value is None or not 0 <= value < float("inf"):
            add(number, "t_co2_per_mwh", _("must be a number, 0 or more."))
        if year is not None and not 1990 <= year <= 2100:
            add(number, "year", _("between 1990 and 2100, or empty for every year."))
        if not (row.get("source") or "").strip():
            add(number, "source", _("say where the figure comes from."))
        if (carrier, year) in seen:
            add(number, "year", _("the same carrier and year as row %(m)s.")
                % {"m": seen[(carrier, year)]})
        seen.setdefault((carrier, year), number)
        (plain if year is None else by_year).setdefault(carrier, number)
    for carrier in sorted(set(plain) & set(by_year)):
        add(max(plain[carrier], by_year[carrier]), "year",
            _("%(carrier)s has a factor for every year and factors by year: give one or the "
              "other.") % {"carrier": carrier})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        EmissionFactor.objects.filter(city=city).delete()
        saved = EmissionFactor.objects.bulk_create(
            EmissionFactor(city=city, carrier=r["carrier"], year=r.get("year"),
                           t_co2_per_mwh=r["t_co2_per_mwh"],
                           source=(r.get("source") or "").strip()[:600],
                           edition=(r.get("edition") or "").strip()[:200])
            for r in rows)
        problems: dict[str, list[str]] = {}
        for scenario in Scenario.objects.filter(city=city).select_related("city", "inventory"):
            try:
                spec = queries.engine_scenario(scenario)
                engine.validate(spec)
                engine.inventory_emissions(spec.inventory, spec.factors)
            except engine.ScenarioInputError as err:
                for fld, msgs in _engine_problems(err).items():
                    problems.setdefault(fld, []).extend(f"{scenario.title}: {m}" for m in msgs)
        if problems:
            raise ValidationError(problems)  # leaving the block rolls the rows back
    return saved
