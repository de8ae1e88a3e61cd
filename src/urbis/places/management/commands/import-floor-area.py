from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from urbis.errors import ImportRefused
from urbis.places.models import City
from urbis.places.services import import_floor_area


class Command(BaseCommand):
    help = (
        "Set the built floor area (m²) of a city's areas from a CSV with the columns "
        "code,floor_area_m2,reference_date,source; energy use per m² follows from it. "
        "All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--city", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        city = City.objects.filter(code=options["city"]).first()
        if city is None:
            raise CommandError(f"No city with code {options['city']!r}.")
        try:
            count = import_floor_area(options["file"], city=city)
        except (ImportRefused, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"{city.name}: floor area set for {count} area(s)."))
