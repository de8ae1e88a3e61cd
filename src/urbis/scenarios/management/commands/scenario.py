"""``urbis scenario run CITY SCENARIO``: compute a scenario and store the run, with a progress bar;
``urbis scenario export CITY SCENARIO [--format csv|json]``: the latest stored run's export;
``urbis scenario prefill CITY YEAR``. The command line acts as the site's operator."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from tqdm import tqdm

from urbis.places.models import City
from urbis.scenarios import queries, services
from urbis.scenarios.models import Inventory, Scenario


class Command(BaseCommand):
    help = "Scenarios: compute one and store the result."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="compute a scenario and store the run")
        run.add_argument("city", help="city code, e.g. barcelona")
        run.add_argument("scenario", help="the scenario's short name")
        run.add_argument("--samples", type=int, default=2000, help="Monte Carlo samples")
        run.add_argument("--seed", type=int, default=None, help="seed, for a repeatable run")

        prefill = sub.add_parser(
            "prefill", help="fill an inventory's cells from the energy app's measured balance")
        prefill.add_argument("city", help="city code, e.g. barcelona")
        prefill.add_argument("year", type=int, help="the inventory's year")
        prefill.add_argument("--kind", default="bei", choices=["bei", "mei"])

        export = sub.add_parser(
            "export", help="write the scenario's latest stored run as CSV or JSON to stdout")
        export.add_argument("city", help="city code, e.g. barcelona")
        export.add_argument("scenario", help="the scenario's short name")
        export.add_argument("--format", default="csv", choices=["csv", "json"])

    def handle(self, *args: Any, **options: Any) -> None:
        city = City.objects.filter(code=options["city"]).first()
        if city is None:
            raise CommandError(f"No city with code {options['city']!r}.")
        if options["action"] == "prefill":
            self._prefill(city, options["year"], options["kind"])
            return
        scenario = Scenario.objects.filter(city=city, slug=options["scenario"]).first()
        if scenario is None:
            known = ", ".join(city.scenarios.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No scenario {options['scenario']!r} in {city.code} "
                               f"(known: {known}).")
        if options["action"] == "export":
            self._export(scenario, options["format"])
            return
        with tqdm(total=3, desc=scenario.slug, unit="step", file=sys.stderr) as bar:
            def progress(done: int, total: int, label: str) -> None:
                bar.set_postfix_str(label)
                bar.n = done
                bar.refresh()

            try:
                run = services.run_scenario(None, scenario, samples=options["samples"],
                                            seed=options["seed"], progress=progress,
                                            operator=True)
            except ValidationError as err:
                raise CommandError("; ".join(err.messages)) from None
        r = run.result
        last = len(r["years"]) - 1
        self.stdout.write(
            f"{scenario.title}: {r['years'][last]} business as usual {r['bau'][last]:,.0f} t CO2, "
            f"with the measures {r['scenario'][last]:,.0f} t CO2 (5–95 %: "
            f"{r['bands']['scenario'][0][last]:,.0f}–{r['bands']['scenario'][2][last]:,.0f}); "
            f"{run.samples} samples, seed {run.seed}, {run.seconds:.2f} s; stored as run {run.pk}."
        )

    def _prefill(self, city: City, year: int, kind: str) -> None:
        # A new inventory exists only if filling it succeeds.
        try:
            with transaction.atomic():
                inventory = Inventory.objects.filter(city=city, year=year, kind=kind).first()
                if inventory is None:
                    inventory = Inventory.objects.create(city=city, year=year, kind=kind,
                                                         source="Urbis energy balance")
                cells = services.prefill_from_energy(None, inventory, operator=True)
        except ValidationError as err:
            raise CommandError("; ".join(err.messages)) from None
        for sector, carrier, mwh in cells:
            self.stdout.write(f"{sector}/{carrier}: {mwh:,.3f} MWh (from measured data)")
        self.stdout.write(f"{len(cells)} rows of inventory {inventory} filled.")

    def _export(self, scenario: Scenario, fmt: str) -> None:
        run = queries.latest_run(scenario)
        if run is None:
            raise CommandError(f"{scenario.slug} has no stored run: run it first.")
        if fmt == "json":
            self.stdout.write(json.dumps(queries.run_export_json(scenario, run), indent=1))
            return
        for line in queries.run_export_csv(scenario, run):
            self.stdout.write(line, ending="")
