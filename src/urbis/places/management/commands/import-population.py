from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from urbis.errors import ImportRefused
from urbis.places.models import City
from urbis.places.services import import_population


class Command(BaseCommand):
    help = (
        "Set population and households of a city's areas from a CSV with the columns "
        "code,population,households,reference_date,source. All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--city", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        city = City.objects.filter(code=options["city"]).first()
        if city is None:
            raise CommandError(f"No city with code {options['city']!r}.")
        try:
            count = import_population(options["file"], city=city)
        except (ImportRefused, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"{city.name}: population set for {count} area(s)."))
