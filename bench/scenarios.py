"""Monte Carlo speed of the scenario engine, side by side with a straightforward per-sample loop.

    .venv/bin/python bench/scenarios.py                      # 10,000 samples, loop on 20
    .venv/bin/python bench/scenarios.py --samples 10000 --loop-samples 20 --repeat 3 \
        --json /tmp/scenarios.json

The scenario: 6 sectors × 10 carriers (every cell with energy), 30 years (2021–2050), 50 measures
(efficiency, fuel switch, local production, activity change) with uncertain effects, ceilings,
growth drivers and factor scales, measures grouped so that the copula correlates them.

- ``vectorised``: ``urbis.engines.scenario.monte_carlo`` — draws, business as usual and the
  scenario for all samples at once (NumPy over (sample, year, sector, carrier)). Wall time is the
  median of ``--repeat`` runs (CPU time beside it, as the machine is shared); peak memory is
  the largest traced allocation (tracemalloc, which sees NumPy buffers) during one run.
- ``loop``: the same model written as one would first write it — for each sample, for each year,
  walk the measures over a dict of cells in plain Python — on the same drawn parameters, run on
  ``--loop-samples`` samples and scaled linearly to the full sample count (stated in the output).
  Its totals are checked against the vectorised ones for those samples.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from urbis.engines.scenario import (  # noqa: E402
    ActivityChange,
    Cost,
    Distribution,
    Driver,
    Efficiency,
    EmissionFactor,
    FuelSwitch,
    Inventory,
    LocalProduction,
    Scenario,
    compiled,
    monte_carlo,
)
from urbis.engines.scenario.engine import _ramp  # noqa: E402

SECTORS = ["municipal_buildings", "tertiary_buildings", "residential_buildings",
           "industry", "transport_public", "transport_private_commercial"]
CARRIERS = ["electricity", "district_heating", "natural_gas", "liquid_gas", "heating_oil",
            "diesel", "gasoline", "other_biomass", "solar_thermal", "biofuel"]
FACTORS = {"electricity": 0.25, "district_heating": 0.15, "natural_gas": 0.202,
           "liquid_gas": 0.227, "heating_oil": 0.267, "diesel": 0.267, "gasoline": 0.249,
           "other_biomass": 0.0, "solar_thermal": 0.0, "biofuel": 0.0}


def build(measures: int = 50) -> Scenario:
    rng = np.random.default_rng(2026)
    energy = {(s, c): float(rng.uniform(1_000, 100_000)) for s in SECTORS for c in CARRIERS}
    factors = [EmissionFactor(c, Distribution.normal(v, v * 0.03) if v else 0.0)
               for c, v in FACTORS.items() if c != "electricity"]
    factors.append(EmissionFactor("electricity", 0.25, by_year={2021: 0.25, 2050: 0.03},
                                  scale=Distribution.triangular(0.8, 1.0, 1.3, group="grid")))
    drivers = tuple(Driver(f"d{s}", growth_rate=Distribution.normal(0.004, 0.003, group="pop"))
                    for s in SECTORS)
    ms = []
    switched: dict[tuple[str, str], int] = {}
    for k in range(measures):
        sector = SECTORS[k % len(SECTORS)]
        group = f"g{k % 5}"
        common = {"name": f"measure {k:02d}", "start_year": 2022 + k % 8,
                  "ramp_years": 1 + k % 6,
                  "ceiling": Distribution.uniform(0.5, 0.9, group=group),
                  "cost": Cost(capex_eur=1e6 * (1 + k % 7), opex_eur_per_year=1e4 * (k % 3))}
        kind = k % 4
        if kind == 0:
            ms.append(Efficiency(**common, sector=sector, carrier=CARRIERS[k % len(CARRIERS)],
                                 cut=Distribution.triangular(0.05, 0.15, 0.3)))
        elif kind == 1:
            frm = CARRIERS[2 + k % 5]
            n = switched.get((sector, frm), 0)
            switched[(sector, frm)] = n + 1
            ms.append(FuelSwitch(**common, sector=sector, from_carrier=frm,
                                 to_carrier="electricity", share=0.3 if n < 3 else 0.05,
                                 from_efficiency=0.9,
                                 to_efficiency=Distribution.normal(3.0, 0.3, group=group)))
        elif kind == 2:
            ms.append(LocalProduction(**common, mwh_per_year=Distribution.uniform(5e3, 2e4)))
        else:
            ms.append(ActivityChange(**common, from_sector="transport_private_commercial",
                                     to_sector="transport_public", to_carrier="electricity",
                                     share=Distribution.uniform(0.01, 0.06),
                                     intensity_ratio=0.25))
    return Scenario(Inventory(2021, energy), tuple(factors), measures=tuple(ms), drivers=drivers,
                    sector_drivers={s: f"d{s}" for s in SECTORS}, end_year=2050)


def loop_totals(scenario: Scenario, comp, samples: list[int]) -> np.ndarray:
    """The straightforward version: Python loops over samples, years, measures and cells."""
    p = comp.params.values
    inv = scenario.inventory
    years = list(range(inv.year, scenario.end_year + 1))
    out = np.zeros((len(samples), len(years)))
    fpath = {f.carrier: f.by_year for f in scenario.factors}
    ramps = [_ramp(m, np.array(years)) for m in scenario.measures]
    for row, k in enumerate(samples):
        for yi, y in enumerate(years):
            cells = {}
            for (s, c), mwh in inv.energy_mwh.items():
                g = p[f"driver:{scenario.sector_drivers[s]}"][k]
                cells[(s, c)] = mwh * (1 + g) ** (y - inv.year)
            activity = {}
            for (s, _c), mwh in cells.items():
                activity[s] = activity.get(s, 0.0) + mwh
            keep = dict.fromkeys(activity, 1.0)
            adds = []
            local = 0.0
            for i, m in enumerate(scenario.measures):
                a = min(max(p[f"m{i}:ceiling"][k], 0.0), 1.0) * ramps[i][yi]
                if isinstance(m, ActivityChange):
                    moved = a * p[f"m{i}:share"][k]
                    keep[m.from_sector] -= moved
                    adds.append(((m.to_sector, m.to_carrier),
                                 moved * p[f"m{i}:intensity_ratio"][k] * activity[m.from_sector]))
            for key in cells:
                cells[key] *= max(keep[key[0]], 0.0)
            for key, add in adds:
                cells[key] = cells.get(key, 0.0) + add
            for i, m in enumerate(scenario.measures):
                if isinstance(m, Efficiency):
                    a = min(max(p[f"m{i}:ceiling"][k], 0.0), 1.0) * ramps[i][yi]
                    cells[(m.sector, m.carrier)] *= 1 - a * p[f"m{i}:cut"][k]
            moves = []
            for i, m in enumerate(scenario.measures):
                a = min(max(p[f"m{i}:ceiling"][k], 0.0), 1.0) * ramps[i][yi]
                if isinstance(m, FuelSwitch):
                    moved = a * p[f"m{i}:share"][k] * cells[(m.sector, m.from_carrier)]
                    ratio = p[f"m{i}:from_efficiency"][k] / p[f"m{i}:to_efficiency"][k]
                    moves.append((m, moved, moved * ratio))
                elif isinstance(m, LocalProduction):
                    local += a * p[f"m{i}:mwh_per_year"][k]
            for m, out_mwh, in_mwh in moves:
                cells[(m.sector, m.from_carrier)] -= out_mwh
                cells[(m.sector, m.to_carrier)] += in_mwh
            total = 0.0
            factor = {}
            for f in scenario.factors:
                scale = p[f"factor:{f.carrier}:scale"][k]
                if fpath[f.carrier]:
                    pts = sorted(fpath[f.carrier].items())
                    factor[f.carrier] = float(np.interp(y, [a for a, _ in pts],
                                                        [b for _, b in pts])) * scale
                else:
                    factor[f.carrier] = p[f"factor:{f.carrier}"][k] * scale
            for (_s, c), mwh in cells.items():
                total += max(mwh, 0.0) * factor[c]
            total -= (local + inv.local_production_mwh) * factor["electricity"]
            out[row, yi] = total
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", type=int, default=10_000)
    ap.add_argument("--measures", type=int, default=50)
    ap.add_argument("--loop-samples", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    sc = build(args.measures)
    monte_carlo(sc, samples=200, seed=args.seed)  # warm-up (imports, first allocations)
    times, cpu = [], []
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        mc = monte_carlo(sc, samples=args.samples, seed=args.seed)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    tracemalloc.start()
    monte_carlo(sc, samples=args.samples, seed=args.seed)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    vec = statistics.median(times)

    comp, _ = compiled(sc, samples=args.samples, seed=args.seed)
    subset = list(range(args.loop_samples))
    t0 = time.perf_counter()
    looped = loop_totals(sc, comp, subset)
    loop_time = time.perf_counter() - t0
    np.testing.assert_allclose(looped, mc.scenario[subset], rtol=1e-9)
    loop_scaled = loop_time / len(subset) * args.samples

    p5, p50, p95 = mc.band()
    result = {
        "samples": args.samples, "sectors": len(SECTORS), "carriers": len(CARRIERS),
        "years": len(mc.years), "measures": args.measures,
        "vectorised_s": round(vec, 3), "vectorised_runs_s": [round(t, 3) for t in times],
        "vectorised_cpu_s": round(statistics.median(cpu), 3),
        "peak_traced_mib": round(peak / 2**20, 1),
        "loop_samples": len(subset), "loop_s": round(loop_time, 3),
        "loop_scaled_s": round(loop_scaled, 1), "ratio": round(loop_scaled / vec, 1),
        "loop_matches_vectorised": True,
        "scenario_2050_p5_p50_p95_t": [round(float(v)) for v in (p5[-1], p50[-1], p95[-1])],
        "python": platform.python_version(), "numpy": np.__version__,
        "cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
