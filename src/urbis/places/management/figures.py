"""The shared shape of the commands that set a figure of a city's areas from a CSV."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import ngettext

from urbis.errors import ImportRefused
from urbis.places.models import City


class AreaFiguresCommand(BaseCommand):
    """``FILE --city CODE``: all or nothing, every refused row named in the error."""

    figure: str  # what the success message says was set, e.g. "population"
    importer: Callable[..., int]  # (path, *, city) -> number of areas set

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--city", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        city = City.objects.filter(code=options["city"]).first()
        if city is None:
            raise CommandError(f"No city with code {options['city']!r}.")
        try:
            count = type(self).importer(options["file"], city=city)
        except (ImportRefused, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(ngettext(
                "%(city)s: %(figure)s set for %(n)d area.",
                "%(city)s: %(figure)s set for %(n)d areas.",
                count,
            ) % {"city": city.name, "figure": self.figure, "n": count})
        )
