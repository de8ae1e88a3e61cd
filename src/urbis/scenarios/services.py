"""Every write of the scenarios app: checked, permission-guarded, all-or-nothing."""

from __future__ import annotations

import csv
import io
import random
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from urbis.engines import scenario as engine
from urbis.errors import ImportRefused, RowError
from urbis.people.permissions import Action, require
from urbis.places.models import City
from urbis.scenarios import queries
from urbis.scenarios.models import (
    Inventory,
    InventoryKind,
    InventoryRow,
    Measure,
    Scenario,
    ScenarioRun,
)

MAX_SAMPLES = 20_000
# Runs attributed to the measures for the bands on each wedge (each costs 2 × measures × nodes
# evaluations; the totals' bands use every sample).
WEDGE_SAMPLES = 500
Progress = Callable[[int, int, str], None]


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
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRefused([RowError(file_name, 0, "", "the file is not UTF-8 text")]) \
                from None
    reader = csv.DictReader(io.StringIO(data))
    missing = [c for c in ("sector", "carrier", "energy_mwh") if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportRefused([RowError(file_name, 1, c, "column missing") for c in missing])
    errors: list[RowError] = []
    rows: dict[tuple[str, str], tuple[float, str]] = {}
    for number, row in enumerate(reader, start=2):
        sector, carrier = (row.get("sector") or "").strip(), (row.get("carrier") or "").strip()
        if sector not in engine.SECTORS:
            errors.append(RowError(file_name, number, "sector", f"unknown sector {sector!r}"))
        if carrier not in engine.CARRIERS:
            errors.append(RowError(file_name, number, "carrier", f"unknown carrier {carrier!r}"))
        raw = (row.get("energy_mwh") or "").strip()
        try:
            mwh = float(raw)
        except ValueError:
            errors.append(RowError(file_name, number, "energy_mwh", f"not a number: {raw!r}"))
            continue
        if not mwh >= 0 or mwh == float("inf"):
            errors.append(RowError(file_name, number, "energy_mwh", "must be a number ≥ 0"))
            continue
        if (sector, carrier) in rows:
            errors.append(RowError(file_name, number, "carrier",
                                   f"{sector}/{carrier} appears twice"))
        rows[(sector, carrier)] = (mwh, (row.get("source") or "").strip()[:600])
    if not rows and not errors:
        errors.append(RowError(file_name, 2, "", "the file has no rows"))
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
    if not 1 <= samples <= MAX_SAMPLES:
        raise ValidationError({"samples": _("Between 1 and %(max)d.") % {"max": MAX_SAMPLES}})
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
                      "source": scenario.inventory.source, "rows": inventory_rows},
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
    }
    step(3, 3, "store")
    return ScenarioRun.objects.create(
        scenario=scenario, samples=samples, seed=seed, result=result,
        seconds=round(time.perf_counter() - started, 3),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
