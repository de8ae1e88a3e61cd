from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from urbis.places.services import describe_errors, upsert_city


class Command(BaseCommand):
    help = "Create a city (or update its name, country, LAU code, population and time zone)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "code", help="short code used in addresses: lowercase letters, digits, hyphens"
        )
        parser.add_argument("--name", required=True)
        parser.add_argument("--country", required=True, help="ISO 3166-1 alpha-2, e.g. PT")
        parser.add_argument("--lau-code", default="", help="Eurostat LAU code")
        parser.add_argument("--population", type=int)
        parser.add_argument("--population-date", type=dt.date.fromisoformat)
        parser.add_argument("--population-source", default="")
        parser.add_argument(
            "--time-zone", help="IANA name, e.g. Europe/Lisbon (months follow it; default UTC)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["population"] is not None and options["population_date"] is None:
            raise CommandError("--population needs --population-date (figures are dated).")
        try:
            city = upsert_city(
                code=options["code"],
                name=options["name"],
                country=options["country"],
                lau_code=options["lau_code"],
                population=options["population"],
                population_date=options["population_date"],
                population_source=options["population_source"],
                time_zone=options["time_zone"],
            )
        except ValidationError as exc:
            reasons = describe_errors(exc)
            raise CommandError(f"City {options['code']!r} not stored: {reasons}") from exc
        self.stdout.write(self.style.SUCCESS(f"City {city.code}: {city.name} ({city.country})."))
