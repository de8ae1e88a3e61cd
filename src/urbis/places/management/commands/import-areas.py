from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import ngettext

from urbis.errors import ImportRefused
from urbis.places.geometry import UnreadableFile
from urbis.places.models import AreaLevel, City
from urbis.places.services import AreaFields, import_areas


class Command(BaseCommand):
    help = (
        "Import district or neighbourhood boundaries (GeoJSON, GeoPackage, Shapefile) into a "
        "city. All or nothing: one bad feature refuses the whole file. Re-importing updates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--city", required=True, help="code of an existing city")
        parser.add_argument("--level", required=True, choices=AreaLevel.values)
        parser.add_argument("--code-field", default="code", help="property holding the code")
        parser.add_argument("--name-field", default="name", help="property holding the name")
        parser.add_argument("--parent-field", help="property holding the parent area's code")
        parser.add_argument("--code-prefix", default="", help="prefix added to every code")
        parser.add_argument("--parent-prefix", default="", help="prefix added to parent codes")
        parser.add_argument("--code-width", type=int, default=0, help="zero-pad numeric codes")
        parser.add_argument("--source", default="", help="publisher and licence, for attribution")

    def handle(self, *args: Any, **options: Any) -> None:
        city = City.objects.filter(code=options["city"]).first()
        if city is None:
            raise CommandError(f"No city with code {options['city']!r}.")
        fields = AreaFields(
            code=options["code_field"],
            name=options["name_field"],
            parent=options["parent_field"],
            code_prefix=options["code_prefix"],
            parent_prefix=options["parent_prefix"],
            code_width=options["code_width"],
        )
        try:
            result = import_areas(
                options["file"], city=city, level=options["level"], fields=fields,
                source=options["source"],
            )
        except (ImportRefused, UnreadableFile, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{city.name}, {options['level']} level: "
                + ngettext("%(n)d area created", "%(n)d areas created", result.created)
                % {"n": result.created}
                + f", {result.updated} updated."
            )
        )
