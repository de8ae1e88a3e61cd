"""``urbis energy ingest|synth|balance|uploads|files|withdraw|resume|rebuild-cubes``: the
command line of the energy app."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import ngettext
from tqdm import tqdm

from urbis.energy import engine, queries, services
from urbis.energy.models import EnergyUpload
from urbis.engines.energy.unmetered import unmetered_year
from urbis.errors import ImportRefused
from urbis.places.models import City


def _city(code: str) -> City:
    city = City.objects.filter(code=code).first()
    if city is None:
        raise CommandError(f"No city with code {code!r} (see `urbis import-areas`).")
    return city


class Command(BaseCommand):
    help = "Energy data: ingest meter readings, generate synthetic ones, print balances."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser(
            "ingest",
            help="check a CSV/Parquet readings file and store it whole, or nothing",
        )
        ingest.add_argument("file", type=Path)
        ingest.add_argument("--city", required=True, help="city code, e.g. barcelona")
        ingest.add_argument(
            "--tz", default="", help="IANA time zone of timestamps without offset"
        )
        synth = sub.add_parser("synth", help="write synthetic hourly meter readings (Parquet)")
        synth.add_argument("--meters", type=int, required=True)
        synth.add_argument("--year", type=int, required=True)
        synth.add_argument(
            "--city", default="", help="place meters in this city's neighbourhoods"
        )
        synth.add_argument(
            "--out", type=Path, default=None,
            help="output directory (default: <data dir>/energy/synth)",
        )
        synth.add_argument("--pv-share", type=float, default=0.2)
        synth.add_argument("--seed", type=int, default=0)
        synth.add_argument("--tz", default="Europe/Madrid")
        balance = sub.add_parser("balance", help="print the energy balance as a table")
        balance.add_argument("--city", required=True)
        balance.add_argument(
            "--level", default="neighbourhood", choices=["neighbourhood", "district", "city"]
        )
        balance.add_argument("--year", type=int, default=None)
        balance.add_argument("--month", type=int, default=0)
        balance.add_argument("--sector", default="all")
        balance.add_argument("--carrier", default="all")
        uploads = sub.add_parser("uploads", help="list the ingestion log of a city")
        uploads.add_argument("--city", required=True)
        sub.add_parser(
            "resume", help="process uploads left waiting or interrupted (e.g. by a restart)"
        )
        pv = sub.add_parser(
            "import-pv",
            help="register PV installations from a CSV (code,name,capacity_kwp"
            "[,commissioned_year,source]) and update the PV estimates",
        )
        pv.add_argument("file", type=Path)
        pv.add_argument("--city", required=True)
        pv_list = sub.add_parser("pv", help="list the registered PV installations")
        pv_list.add_argument("--city", required=True)
        intensities = sub.add_parser(
            "import-intensities",
            help="replace the city's published intensities from a CSV (sector,carrier,"
            "kwh_per_m2,reference_year,source) and update the estimates of unmetered carriers",
        )
        intensities.add_argument("file", type=Path)
        intensities.add_argument("--city", required=True)
        by_use = sub.add_parser(
            "import-floor-area-by-use",
            help="replace the city's floor areas by building use from a CSV (code,sector,"
            "floor_area_m2,reference_date,source) and update the estimates of unmetered carriers",
        )
        by_use.add_argument("file", type=Path)
        by_use.add_argument("--city", required=True)
        unmetered = sub.add_parser(
            "unmetered",
            help="list the estimates of unmetered carriers of a year, with how each was computed",
        )
        unmetered.add_argument("--city", required=True)
        unmetered.add_argument("--year", type=int, required=True)
        files = sub.add_parser("files", help="list the files whose readings are stored")
        files.add_argument("--city", required=True)
        withdraw = sub.add_parser(
            "withdraw", aliases=["remove"],
            help="take a stored file's readings out (to ingest a corrected one)",
        )
        withdraw.add_argument("file_hash", help="SHA-256 of the stored file (see `files`)")
        withdraw.add_argument("--city", required=True)
        cubes = sub.add_parser(
            "rebuild-cubes",
            help="write the hourly cubes of stored files that have none (files stored before "
            "cubes existed); --all rewrites every cube from the raw readings",
        )
        cubes.add_argument("--city", required=True)
        cubes.add_argument("--all", action="store_true", dest="all_cubes")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "ingest":
            self._ingest(options)
        elif action == "synth":
            self._synth(options)
        elif action == "balance":
            self._balance(options)
        elif action == "uploads":
            self._uploads(options)
        elif action == "resume":
            for upload in services.resume_uploads():
                self.stdout.write(f"{upload.file_name}: {upload.get_status_display()}")
        elif action == "files":
            self._files(options)
        elif action == "import-pv":
            self._import_pv(options)
        elif action == "pv":
            self._pv(options)
        elif action in {"import-intensities", "import-floor-area-by-use"}:
            self._import_unmetered_input(action, options)
        elif action == "unmetered":
            city = _city(options["city"])
            for estimate in queries.unmetered_estimates(city, options["year"]):
                self.stdout.write(f"{estimate.area_code:<10} {estimate.explanation}")
        elif action == "rebuild-cubes":
            city = _city(options["city"])
            built = engine.rebuild_cubes(city, force=options["all_cubes"])
            self.stdout.write(
                self.style.SUCCESS(
                    ngettext("%(n)d cube part written.", "%(n)d cube parts written.", built)
                    % {"n": built}
                )
            )
        elif action in {"withdraw", "remove"}:
            city = _city(options["city"])
            try:
                services.withdraw_file(None, city, options["file_hash"])
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            self.stdout.write(self.style.SUCCESS("Withdrawn; the balance was recomputed."))

    def _ingest(self, options: dict[str, Any]) -> None:
        city = _city(options["city"])
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        stages = ["check and store", "update balance"]
        stage: dict[str, Any] = {"now": 0, "says": stages[0]}
        done = threading.Event()

        def progress(name: str) -> None:
            # "check and store: checking slice 2 of 5" is still the first stage.
            stage["now"] = stages.index(name.split(": ", 1)[0])
            stage["says"] = name

        # The engine checks and stores a file in one call, so the bar counts stages and shows
        # the time spent; it never claims a share of rows it cannot know. The work stays in
        # this thread (it uses the database); a helper thread only redraws the bar.
        with tqdm(
            total=len(stages), unit="stage", desc=path.name,
            bar_format="{desc}: {n_fmt}/{total_fmt} stages |{bar}| {elapsed}{postfix}",
            disable=options.get("verbosity", 1) == 0,
        ) as bar:

            def tick() -> None:
                while not done.wait(0.25):
                    if bar.n != stage["now"]:
                        bar.update(stage["now"] - bar.n)
                    bar.set_postfix_str(stage["says"], refresh=True)

            ticker = threading.Thread(target=tick, daemon=True)
            ticker.start()
            try:
                upload = services.ingest_path(
                    city, path, time_zone=options["tz"], progress=progress
                )
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            finally:
                done.set()
                ticker.join()
            bar.update(len(stages) - bar.n)
        if upload.status == EnergyUpload.Status.REJECTED:
            for e in upload.errors:
                self.stderr.write(f"{e['file']}, row {e['row']}, field {e['field']}: {e['reason']}")
            more = " (more not shown)" if upload.errors_truncated else ""
            raise CommandError(
                ngettext("%(n)d error%(more)s; nothing was stored.",
                         "%(n)d errors%(more)s; nothing was stored.",
                         len(upload.errors)) % {"n": len(upload.errors), "more": more}
            )
        if upload.status == EnergyUpload.Status.DUPLICATE:
            self.stdout.write(self.style.WARNING(f"{path.name}: already stored; nothing added."))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{path.name}: "
                + ngettext("%(n)s reading", "%(n)s readings", upload.rows)
                % {"n": f"{upload.rows:,}"}
                + " of "
                + ngettext("%(n)s meter", "%(n)s meters", upload.meters)
                % {"n": f"{upload.meters:,}"}
                + f" stored for {city.name} (years {', '.join(map(str, upload.years))})."
            )
        )

    def _synth(self, options: dict[str, Any]) -> None:
        from urbis.engines.energy.synth import synth

        out = options["out"] or engine.data_dir() / "energy" / "synth"
        areas: Any = None
        name = "synth"
        if options["city"]:
            city = _city(options["city"])
            areas = engine.area_index(city)
            name = city.code
        if options["meters"] <= 0:
            raise CommandError("--meters must be positive")
        start = time.monotonic()
        with tqdm(total=1, desc="Generating", disable=options.get("verbosity", 1) == 0) as bar:
            paths = synth(
                options["meters"], options["year"], out_dir=out, city=name, areas=areas,
                pv_share=options["pv_share"], tz=options["tz"], seed=options["seed"],
            )
            bar.update()
        for path in paths:
            self.stdout.write(str(path))
        self.stdout.write(
            self.style.SUCCESS(
                f"{options['meters']:,} meters × {options['year']} written to {out} in "
                f"{time.monotonic() - start:.1f} s. Ingest with: urbis energy ingest FILE "
                f"--city {name}"
            )
        )

    def _balance(self, options: dict[str, Any]) -> None:
        city = _city(options["city"])
        year = options["year"] or queries.default_year(city)
        if year is None:
            raise CommandError(f"No readings stored for {city.name}.")
        try:
            rows = queries.balance_table(
                city, level=options["level"], year=year, month=options["month"],
                sector=options["sector"], carrier=options["carrier"],
            )
        except queries.BadQuery as exc:
            raise CommandError(str(exc)) from exc
        header = (
            f"{'code':<10} {'name':<34} {'consumption MWh':>16} {'production MWh':>15} "
            f"{'net MWh':>14} {'self-suff.':>10} {'peak kW':>11}"
        )
        period = f"{year}" + (f"-{options['month']:02d}" if options["month"] else "")
        self.stdout.write(
            f"{city.name}, {options['level']}, {period}, sector {options['sector']}, "
            f"carrier {options['carrier']} (engine: {engine.engine_name()})"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))

        def mwh(v: float | None) -> str:
            return "–" if v is None else f"{v / 1000:,.1f}"

        for r in rows:
            ss = "–" if r["self_sufficiency"] is None else f"{r['self_sufficiency'] * 100:.2f} %"
            peak = "–" if r["peak_import_kw"] is None else f"{r['peak_import_kw']:,.0f}"
            self.stdout.write(
                f"{r['code']:<10} {r['name'][:34]:<34} {mwh(r['consumption_kwh']):>16} "
                f"{mwh(r['production_kwh']):>15} {mwh(r['net_kwh']):>14} {ss:>10} {peak:>11}"
            )

    def _uploads(self, options: dict[str, Any]) -> None:
        city = _city(options["city"])
        for u in EnergyUpload.objects.filter(city=city).order_by("-created_at")[:50]:
            self.stdout.write(
                f"{u.created_at:%Y-%m-%d %H:%M}  {u.status:<9} {u.rows:>12,}  "
                f"{u.file_hash or '-':<64}  {u.file_name}"
            )

    def _files(self, options: dict[str, Any]) -> None:
        city = _city(options["city"])
        # The command line acts as the operator, who may see every city's files.
        for delivery in queries.stored_files(city, None, operator=True):
            f = delivery.file
            kind = (
                "unmetered estimate" if unmetered_year(f) is not None
                else "PV estimate" if f.estimate else ""
            )
            self.stdout.write(
                f"{f.ingested_at[:16].replace('T', ' ')}  {f.rows:>12,}  {f.meters:>7,}  "
                f"{','.join(map(str, f.years)):<10} {f.file_hash}  {f.source_name} {kind}".rstrip()
            )

    def _import_pv(self, options: dict[str, Any]) -> None:
        city = _city(options["city"])
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            count = services.import_pv_installations(None, city, path)
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "%(n)d PV installation registered for %(city)s; estimates updated.",
                    "%(n)d PV installations registered for %(city)s; estimates updated.",
                    count,
                ) % {"n": count, "city": city.name}
            )
        )

    def _import_unmetered_input(self, action: str, options: dict[str, Any]) -> None:
        city = _city(options["city"])
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        importer = (
            services.import_intensities if action == "import-intensities"
            else services.import_floor_area_by_use
        )
        try:
            count = importer(None, city, path)
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "%(n)d row stored for %(city)s; estimates of unmetered carriers updated.",
                    "%(n)d rows stored for %(city)s; estimates of unmetered carriers updated.",
                    count,
                ) % {"n": count, "city": city.name}
            )
        )

    def _pv(self, options: dict[str, Any]) -> None:
        city = _city(options["city"])
        for pv in queries.pv_installations(city):
            since = pv.commissioned_year or "?"
            self.stdout.write(
                f"{pv.area.code:<10} {pv.capacity_kwp:>10,.1f} kWp  since {since:<5} {pv.name}"
            )
