"""Reads shared by the scenario pages, API and CLI. Anonymous users see only published scenarios."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from urbis.engines import scenario as engine
from urbis.people.permissions import Action, can
from urbis.places.models import City
from urbis.scenarios.models import (
    Driver,
    EmissionFactor,
    Inventory,
    LeverKind,
    Measure,
    Scenario,
    ScenarioRun,
)
from urbis.strategy.models import Observation

CSV_COLUMNS = ["sector", "carrier", "energy_mwh", "source"]
#: How the source of an inventory row filled from the energy app's measured balance begins.
MEASURED_SOURCE_PREFIX = "from measured data"
# Indicator units of emission targets, as t CO2 per unit.
TONNES_PER_UNIT = {"t": 1.0, "kt": 1e3, "mt": 1e6}


def visible_scenarios(city: City, user: Any = None) -> QuerySet[Scenario]:
    qs = (Scenario.objects.filter(city=city).select_related("inventory", "strategy", "city")
          .defer("city__boundary", "city__bbox"))
    if not can(user, Action.VIEW_PRIVATE, city):
        qs = qs.filter(is_published=True)
    return qs


def get_scenario(city: City, slug: str, user: Any = None) -> Scenario:
    scenario = visible_scenarios(city, user).filter(slug=slug).first()
    if scenario is None:
        raise Http404(_("No such scenario"))
    return scenario


def latest_run(scenario: Scenario) -> ScenarioRun | None:
    return scenario.runs.order_by("-created_at", "-pk").first()


def inventory_csv(inventory: Inventory) -> str:
    """The inventory's rows in the shape the import reads (SECAP sector × carrier, MWh)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in inventory.rows.all():
        writer.writerow([row.sector, row.carrier, f"{row.energy_mwh:g}", row.source])
    return out.getvalue()


def inventory_origin(inventory: Inventory) -> str:
    """Where an inventory's figures come from: ``illustrative`` (marked so), ``measured`` (every
    row pre-filled from the energy app's measured balance) or ``entered`` (typed or imported by
    the city, possibly mixed with measured rows)."""
    if inventory.is_illustrative:
        return "illustrative"
    sources = [r.source for r in inventory.rows.all()]
    if sources and all(s.startswith(MEASURED_SOURCE_PREFIX) for s in sources):
        return "measured"
    return "entered"


def visible_inventories(city: City, user: Any = None) -> QuerySet[Inventory]:
    """A city's inventories, baseline and monitoring, oldest first; readers see the published
    ones, the city's private readers all."""
    qs = Inventory.objects.filter(city=city).prefetch_related("rows").order_by("year", "kind")
    if not can(user, Action.VIEW_PRIVATE, city):
        qs = qs.filter(is_published=True)
    return qs


def inventory_summaries(inventories: Any, city: City) -> list[dict[str, Any]]:
    """Each inventory's totals: final energy (MWh) and emissions (t CO2) computed as a
    scenario's first year is (every row × its carrier's factor for the inventory's year, less
    the local production credit), and where its figures come from. An inventory using a carrier
    with no factor has ``t_co2`` None and the reason in ``problem``."""
    factors = engine_factors(city)
    out = []
    for inv in inventories:
        rows = {(r.sector, r.carrier): r.energy_mwh for r in inv.rows.all()}
        t_co2: float | None = None
        problem = ""
        if rows:
            try:
                proj = engine.project(engine.Scenario(
                    inventory=engine.Inventory(inv.year, rows, inv.local_production_mwh),
                    factors=factors, end_year=inv.year + 1))
                t_co2 = round(float(proj.bau_total.values[0]), 1)
            except engine.ScenarioInputError:
                problem = _("A carrier it uses has no emission factor for its year.")
        out.append({"inventory": inv, "kind": inv.kind, "year": inv.year,
                    "mwh": round(sum(rows.values()), 3), "t_co2": t_co2, "problem": problem,
                    "origin": inventory_origin(inv), "rows": len(rows),
                    "is_published": inv.is_published, "source": inv.source})
    return out


def monitoring_points(scenario: Scenario, user: Any = None) -> list[dict[str, Any]]:
    """The city's monitoring inventories (MEI) after the scenario's inventory year, as
    observations for the scenario's chart: year and total t CO2 (computed from the inventory,
    as the scenario's own first year is), with the inventory's origin."""
    meis = visible_inventories(scenario.city, user).filter(
        kind="mei", year__gt=scenario.inventory.year)
    return [{"year": s["year"], "t_co2": s["t_co2"], "origin": s["origin"],
             "source": s["source"], "mwh": s["mwh"]}
            for s in inventory_summaries(meis, scenario.city) if s["t_co2"] is not None]


# --- Exports of a stored run --------------------------------------------------------------------

#: The columns of a run's export, in this order (CSV header; JSON record keys). Stable: add new
#: columns at the end only.
EXPORT_COLUMNS = ["city", "scenario", "run_id", "run_at", "inventory_year", "inventory_origin",
                  "modelled", "quantity", "case", "sector", "carrier", "measure", "statistic",
                  "year", "value", "unit"]
EXPORT_UNITS = {"final_energy": "MWh", "emissions": "t CO2", "local_production_credit": "t CO2",
                "avoided_emissions": "t CO2", "avoided_emissions_cumulative": "t CO2",
                "cost_per_tonne": "EUR/t CO2"}


def _run_origin(scenario: Scenario, run: ScenarioRun) -> str:
    """The origin of the run's inventory as stored with the run (runs stored before runs kept it:
    the illustrative flag they kept, else the inventory's origin now)."""
    inventory = run.result.get("inventory", {})
    if inventory.get("origin"):
        return str(inventory["origin"])
    return "illustrative" if inventory.get("illustrative") else inventory_origin(
        scenario.inventory)


def run_export_records(scenario: Scenario, run: ScenarioRun) -> Any:
    """Every figure of a stored run as flat records (``EXPORT_COLUMNS``), in a fixed order:
    final energy and emissions per sector × carrier and year (business as usual and with the
    measures, central values), the local production credit, the totals with their Monte Carlo
    5 %, median and 95 %, each measure's wedge per year with its 5 %, median and 95 % per year,
    its cumulative abatement with its band and its cost per tonne. Every figure is modelled
    (``modelled`` is true on every record) and carries its unit. A generator: the CSV is
    streamed from it."""
    r = run.result
    common = {"city": scenario.city.code, "scenario": scenario.slug, "run_id": run.pk,
              "run_at": run.created_at.isoformat(),
              "inventory_year": r.get("inventory", {}).get("year"),
              "inventory_origin": _run_origin(scenario, run), "modelled": True}
    years = r["years"]

    def rec(quantity: str, case: str, statistic: str, year: int | None, value: float | None,
            sector: str = "", carrier: str = "", measure: str = "") -> dict[str, Any]:
        return {**common, "quantity": quantity, "case": case, "sector": sector,
                "carrier": carrier, "measure": measure, "statistic": statistic, "year": year,
                "value": value, "unit": EXPORT_UNITS[quantity]}

    for cell in r.get("cells", []):
        for quantity, keys in (("final_energy", ("bau_mwh", "mwh")), ("emissions", ("bau_t", "t"))):
            for case, key in zip(("bau", "scenario"), keys, strict=True):
                for year, value in zip(years, cell[key], strict=True):
                    yield rec(quantity, case, "central", year, value, cell["sector"],
                              cell["carrier"])
    credit = r.get("by_sector", {}).get("local_credit") if r.get("by_sector") else None
    if credit:
        for case in ("bau", "scenario"):
            for year, value in zip(years, credit[case], strict=True):
                yield rec("local_production_credit", case, "central", year, value, "total")
    for case in ("bau", "scenario"):
        for year, value in zip(years, r[case], strict=True):
            yield rec("emissions", case, "central", year, value, "total", "total")
        for statistic, band in zip(("p5", "median", "p95"), r["bands"][case], strict=True):
            for year, value in zip(years, band, strict=True):
                yield rec("emissions", case, statistic, year, value, "total", "total")
    for w in r["wedges"]:
        for year, value in zip(years, w["values"], strict=True):
            yield rec("avoided_emissions", "measure", "central", year, value, measure=w["name"])
        # Its 5 %, median and 95 % per year over the attributed runs (runs stored before these
        # bands have none).
        for statistic, band in zip(("p5", "median", "p95"), w.get("band_t") or [],
                                   strict=False):
            for year, value in zip(years, band, strict=True):
                yield rec("avoided_emissions", "measure", statistic, year, value,
                          measure=w["name"])
        yield rec("avoided_emissions_cumulative", "measure", "central", None, w["cumulative_t"],
                  measure=w["name"])
        for statistic, value in zip(("p5", "median", "p95"), w.get("cumulative_band_t") or [],
                                    strict=False):
            yield rec("avoided_emissions_cumulative", "measure", statistic, None, value,
                      measure=w["name"])
        yield rec("cost_per_tonne", "measure", "central", None, w["cost_per_t"],
                  measure=w["name"])


def wedge_band_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """A stored run's measures' wedges per year with their band, one row per year for the
    table beside the chart: ``{"year", "cells": [{"median", "p5", "p95"}, …]}`` in the order of
    ``result["wedges"]``. Empty for a run stored before the per-year bands."""
    wedges = result.get("wedges") or []
    if not wedges or any(not w.get("band_t") for w in wedges):
        return []
    return [{"year": year,
             "cells": [{"p5": w["band_t"][0][i], "median": w["band_t"][1][i],
                        "p95": w["band_t"][2][i]} for w in wedges]}
            for i, year in enumerate(result["years"])]


def run_export_csv(scenario: Scenario, run: ScenarioRun) -> Any:
    """The export as CSV text, one line at a time (header first), for a streamed response. An
    empty cell is a figure that does not exist (no year for a whole-horizon figure, no cost per
    tonne for a measure that avoids nothing)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")

    def line(values: list[Any]) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow(values)
        return out.getvalue()

    yield line(EXPORT_COLUMNS)
    for record in run_export_records(scenario, run):
        yield line(["" if record[c] is None else ("true" if record[c] is True else record[c])
                    for c in EXPORT_COLUMNS])


def run_export_json(scenario: Scenario, run: ScenarioRun) -> dict[str, Any]:
    """The export as one JSON document: what the figures are, then the same records as the
    CSV."""
    inventory = run.result.get("inventory", {})
    return {
        "city": scenario.city.code, "scenario": scenario.slug, "title": scenario.title,
        "run_id": run.pk, "run_at": run.created_at.isoformat(), "samples": run.samples,
        "seed": run.seed, "modelled": True,
        "inventory": {"year": inventory.get("year"), "source": inventory.get("source", ""),
                      "origin": _run_origin(scenario, run)},
        "percentiles": run.result["bands"].get("percentiles", [5, 50, 95]),
        # The measures' bands (per year and cumulative) come from the first this many runs.
        "wedge_runs": run.result.get("wedge_runs", 0),
        "units": EXPORT_UNITS, "columns": EXPORT_COLUMNS,
        "records": list(run_export_records(scenario, run)),
    }


def _number(m: Measure) -> engine.model.Number:
    if m.value_low is None or m.value_high is None:
        return m.value
    return engine.Distribution.triangular(m.value_low, m.value, m.value_high,
                                          group=m.uncertainty_group or None)


#: Where a factor in use comes from: entered for the city, or a fallback shipped as data.
FACTOR_ORIGINS = ("city", "national", "default")


def factors_with_origin(city: City) -> list[tuple[engine.EmissionFactor, str]]:
    """The factors a city's scenarios use, each with its origin: the city's own (entered in the
    builder), else the country's published electricity factor, else the shipped default."""
    own: dict[str, list[EmissionFactor]] = {}
    for f in EmissionFactor.objects.filter(city=city).order_by("carrier", "year"):
        own.setdefault(f.carrier, []).append(f)
    out: list[tuple[engine.EmissionFactor, str]] = []
    for carrier, rows in own.items():
        path = {r.year: r.t_co2_per_mwh for r in rows if r.year is not None}
        plain = [r for r in rows if r.year is None]
        value = plain[0].t_co2_per_mwh if plain else rows[0].t_co2_per_mwh
        out.append((engine.EmissionFactor(carrier, value, by_year=path or None,
                                          source=rows[0].source, edition=rows[0].edition),
                    "city"))
    for default in engine.default_factors():
        if default.carrier not in own:
            out.append((default, "default"))
    if "electricity" not in own and city.country:
        # No factor of the city's own: the national one where one was found published.
        national = engine.national_electricity_factor(city.country)
        if national is not None:
            out.append((national, "national"))
    return out


def engine_factors(city: City) -> tuple[engine.EmissionFactor, ...]:
    """The city's own factors, then the shipped defaults for carriers the city has none for."""
    return tuple(f for f, _origin in factors_with_origin(city))


def factors_in_use(city: City) -> list[dict[str, Any]]:
    """Every carrier with the factor its scenarios use (t CO2/MWh; a path by year where given)
    and where it comes from; a carrier with no factor at all has ``origin`` None."""
    given = {f.carrier: (f, origin) for f, origin in factors_with_origin(city)}
    out = []
    for carrier in engine.CARRIERS:
        f, origin = given.get(carrier, (None, None))
        out.append({
            "carrier": carrier, "origin": origin,
            "t_co2_per_mwh": None if f is None or f.by_year else engine.model.central(
                f.t_per_mwh),
            "by_year": sorted((f.by_year or {}).items()) if f is not None else [],
            "source": f.source if f is not None else "",
            "edition": f.edition if f is not None else "",
        })
    return out


def engine_scenario(scenario: Scenario, extra: list[Measure] | None = None,
                    skip: int | None = None) -> engine.Scenario:
    """The stored scenario as the engine's input (``extra``: unsaved measures to check;
    ``skip``: a stored measure left out, the one ``extra`` replaces when it is edited)."""
    inv = scenario.inventory
    rows = {(r.sector, r.carrier): r.energy_mwh for r in inv.rows.all()}
    measures: list[engine.model.Lever] = []
    stored = [m for m in scenario.measures.all() if skip is None or m.pk != skip]
    for m in [*stored, *(extra or [])]:
        common: dict[str, Any] = {
            "name": m.name, "start_year": m.start_year, "ramp_years": m.ramp_years,
            "ceiling": m.ceiling,
            "cost": engine.Cost(m.capex_eur, m.opex_eur_per_year, m.lifetime_years),
        }
        value = _number(m)
        if m.kind == LeverKind.EFFICIENCY:
            measures.append(engine.Efficiency(**common, sector=m.sector, carrier=m.carrier,
                                              cut=value))
        elif m.kind == LeverKind.FUEL_SWITCH:
            measures.append(engine.FuelSwitch(
                **common, sector=m.sector, from_carrier=m.carrier, to_carrier=m.to_carrier,
                share=value, from_efficiency=m.from_efficiency, to_efficiency=m.to_efficiency))
        elif m.kind == LeverKind.LOCAL_PRODUCTION:
            measures.append(engine.LocalProduction(**common, mwh_per_year=value))
        else:
            measures.append(engine.ActivityChange(
                **common, from_sector=m.sector, to_sector=m.to_sector,
                to_carrier=m.to_carrier or "electricity", share=value,
                intensity_ratio=m.intensity_ratio))
    drivers, sector_drivers = engine_drivers(scenario, {s for s, _ in rows})
    return engine.Scenario(
        inventory=engine.Inventory(inv.year, rows, inv.local_production_mwh),
        factors=engine_factors(scenario.city),
        measures=tuple(measures),
        drivers=drivers,
        sector_drivers=sector_drivers,
        end_year=scenario.end_year,
    )


#: The engine's name of the scenario's own growth rate, for sectors no driver names.
GENERAL_DRIVER = "demand"


def engine_drivers(scenario: Scenario, sectors: set[str],
                   extra: Driver | None = None, extra_points: dict[int, float] | None = None,
                   skip: int | None = None,
                   extra_periods: list[tuple[int, int, float]] | None = None,
                   ) -> tuple[tuple[engine.Driver, ...], dict[str, str]]:
    """The scenario's drivers as the engine's, and which driver moves each sector: a driver
    moves the sectors it names; every other sector of ``sectors`` follows the scenario's
    general growth rate. ``extra`` (with ``extra_points``): an unsaved driver to check;
    ``skip``: a stored driver that ``extra`` replaces; ``extra_periods``: its growth rates per
    period."""
    stored = [d for d in scenario.drivers.prefetch_related("points", "periods")
              if skip is None or d.pk != skip]
    given: list[tuple[Driver, dict[int, float], list[tuple[int, int, float]]]] = [
        (d, {p.year: p.value for p in d.points.all()},
         [(p.start_year, p.end_year, p.growth_rate) for p in d.periods.all()]) for d in stored]
    if extra is not None:
        given.append((extra, dict(extra_points or {}), list(extra_periods or [])))
    out = [engine.Driver(GENERAL_DRIVER, growth_rate=scenario.population_growth)]
    by_sector: dict[str, str] = {}
    for d, points, periods in given:
        if d.growth_rate is not None:
            out.append(engine.Driver(d.kind, growth_rate=d.growth_rate))
        elif periods:
            out.append(engine.Driver(d.kind, periods=tuple(sorted(periods))))
        else:
            out.append(engine.Driver(d.kind, path=points or None))
        for sector in d.sectors or []:
            by_sector.setdefault(sector, d.kind)
    for sector in sectors:
        by_sector.setdefault(sector, GENERAL_DRIVER)
    return tuple(out), by_sector


def _tonnes_per_unit(unit: str) -> float | None:
    """t CO2 per unit of an absolute emission indicator (t, kt, Mt CO2 or CO2e), else None."""
    first = unit.strip().split(" ", 1)[0].lower()
    if "co2" not in unit.lower() or "/" in unit or first not in TONNES_PER_UNIT:
        return None
    return TONNES_PER_UNIT[first]


def emission_observations(scenario: Scenario, user: Any = None) -> list[dict[str, Any]]:
    """Monitoring's published whole-city observations of the indicators of the strategy's
    emission targets, in t, to draw beside the modelled lines."""
    strategy = scenario.strategy
    if strategy is None:
        return []
    targets = strategy.targets.filter(kind="quantitative").select_related("indicator")
    indicators: dict[int, Any] = {
        t.indicator.pk: t.indicator for t in targets
        if t.indicator is not None and _tonnes_per_unit(t.indicator.unit)
    }
    rows = Observation.objects.filter(city=scenario.city, indicator_id__in=list(indicators),
                                      area=None, is_published=True).order_by("date")
    out = []
    for o in rows:
        factor = _tonnes_per_unit(indicators[o.indicator_id].unit) or 1.0
        out.append({"year": o.date.year, "t_co2": o.value * factor,
                    "unit": indicators[o.indicator_id].unit, "source": o.source})
    return out


def emission_targets(scenario: Scenario) -> list[dict[str, Any]]:
    """The strategy's quantitative targets whose indicator is an absolute emission level in t,
    kt or Mt (CO2 or CO2e), in t. Relative targets (% against a year) cannot be placed on the
    scenario's axis without that year's emissions and are left out."""
    strategy = scenario.strategy
    if strategy is None:
        return []
    out = []
    for t in strategy.targets.filter(kind="quantitative").select_related("indicator"):
        unit = (t.indicator.unit if t.indicator else "").strip()
        factor = _tonnes_per_unit(unit)
        if factor is None or t.target_value is None or t.target_year is None:
            continue
        out.append({"id": t.pk, "title": t.title, "year": t.target_year,
                    "t_co2": t.target_value * factor, "unit": unit})
    return out


def can_view_private(user: Any, city: City) -> bool:
    return can(user, Action.VIEW_PRIVATE, city)


def action_contributions(action: Any, user: Any = None) -> list[dict[str, Any]]:
    """What each visible scenario's latest stored run attributes to the measures of ``action``
    (modelled): t CO2 avoided over the horizon, in the end year, and the cost per tonne."""
    city = action.strategy.city
    out = []
    measures = (Measure.objects.filter(action=action).select_related("scenario__city")
                .defer("scenario__city__boundary", "scenario__city__bbox"))
    for m in measures:
        scenario = m.scenario
        if not (scenario.is_published or can(user, Action.VIEW_PRIVATE, city)):
            continue
        run = latest_run(scenario)
        if run is None:
            continue
        wedge = next((w for w in run.result["wedges"] if w["name"] == m.name), None)
        if wedge is None:
            continue
        out.append({"scenario": scenario, "measure": m.name,
                    "cumulative_t": wedge["cumulative_t"], "cost_per_t": wedge["cost_per_t"],
                    "end_year": run.result["years"][-1], "end_t": wedge["values"][-1],
                    "first_year": run.result["years"][0]})
    return out


# Years the comparison's per-sector table shows (besides the first common year).
MILESTONES = (2030, 2040, 2050)


def compare(a: Scenario, b: Scenario) -> dict[str, Any]:
    """Two scenarios of one city side by side from their latest stored runs (modelled, t CO2):
    per year the totals and the difference ``b − a``; per sector and year the same. Years are
    those both runs cover. A run stored before runs kept sectors has ``by_sector`` None."""
    if a.city_id != b.city_id:
        raise ValueError("Scenarios of two cities cannot be compared here.")
    runs = {"a": latest_run(a), "b": latest_run(b)}
    out: dict[str, Any] = {
        "unit": "t CO2", "modelled": True,
        "a": {"slug": a.slug, "title": a.title,
              "run_at": runs["a"].created_at.isoformat() if runs["a"] else None},
        "b": {"slug": b.slug, "title": b.title,
              "run_at": runs["b"].created_at.isoformat() if runs["b"] else None},
        "years": [], "totals": [], "sectors": None, "missing_run": [],
    }
    out["missing_run"] = [k for k, r in runs.items() if r is None]
    if out["missing_run"]:
        return out
    ra, rb = runs["a"].result, runs["b"].result  # type: ignore[union-attr]
    ia = {y: i for i, y in enumerate(ra["years"])}
    ib = {y: i for i, y in enumerate(rb["years"])}
    years = sorted(set(ia) & set(ib))
    out["years"] = years
    out["totals"] = [
        {"year": y, "a": ra["scenario"][ia[y]], "b": rb["scenario"][ib[y]],
         "difference": round(rb["scenario"][ib[y]] - ra["scenario"][ia[y]], 3),
         "a_bau": ra["bau"][ia[y]], "b_bau": rb["bau"][ib[y]]}
        for y in years
    ]
    sa, sb = ra.get("by_sector"), rb.get("by_sector")
    if sa and sb:
        names = [s for s in engine.SECTORS if s in sa["sectors"] or s in sb["sectors"]]

        def value(run: dict[str, Any], idx: dict[int, int], sector: str, year: int) -> float:
            if sector not in run["sectors"]:
                return 0.0
            return float(run["scenario"][run["sectors"].index(sector)][idx[year]])

        def credit(run: dict[str, Any], idx: dict[int, int], year: int) -> float:
            return float(run["local_credit"]["scenario"][idx[year]])

        out["sectors"] = [
            {"sector": s, "values": [
                {"year": y, "a": value(sa, ia, s, y), "b": value(sb, ib, s, y),
                 "difference": round(value(sb, ib, s, y) - value(sa, ia, s, y), 3)}
                for y in years]}
            for s in names
        ] + [{"sector": "local_production_credit", "values": [
            {"year": y, "a": -credit(sa, ia, y), "b": -credit(sb, ib, y),
             "difference": round(credit(sa, ia, y) - credit(sb, ib, y), 3)} for y in years]}]
    return out


NETWORK_YEARS = (2030, 2050)


def network_reductions(user: Any = None) -> list[dict[str, Any]]:
    """For the network dashboard: each visible city's published scenarios with a stored run, and
    their modelled emissions in 2030 and 2050 against the inventory year (the baseline), as
    a reduction in % (positive = lower than the baseline). Modelled, from the latest run."""
    from urbis.places.queries import visible_cities

    cities = {c.pk: c for c in visible_cities(user)}
    latest = (ScenarioRun.objects.filter(scenario=OuterRef("pk"))
              .order_by("-created_at", "-pk").values("pk")[:1])
    scenarios = list(Scenario.objects.filter(city_id__in=list(cities), is_published=True)
                     .annotate(latest_run_id=Subquery(latest))
                     .select_related("inventory").order_by("city__name", "slug"))
    # Every scenario's latest run in one query (not one query per scenario).
    runs = ScenarioRun.objects.in_bulk([s.latest_run_id for s in scenarios
                                        if s.latest_run_id is not None])
    out = []
    for s in scenarios:
        run = runs.get(s.latest_run_id)
        if run is None:
            continue
        r = run.result
        years, values = r["years"], r["scenario"]
        base = values[0]
        row: dict[str, Any] = {
            "city": cities[s.city_id], "scenario": s, "baseline_year": years[0],
            "baseline_t": base, "run_at": run.created_at,
            "illustrative": bool(r.get("inventory", {}).get("illustrative")), "years": {},
        }
        for y in NETWORK_YEARS:
            if y in years and base > 0:
                v = values[years.index(y)]
                row["years"][y] = {"t_co2": v, "reduction_pct": round(100 * (1 - v / base), 1)}
            else:
                row["years"][y] = None
        row["cells"] = [row["years"][y] for y in NETWORK_YEARS]
        out.append(row)
    return out
