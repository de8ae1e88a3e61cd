from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from urbis.errors import ImportRefused
from urbis.strategy import services


class Command(BaseCommand):
    help = (
        "Load the shared indicator catalogue (ISO 37120 and the Urbis common indicators) that "
        "ships with Urbis, or another catalogue CSV. Idempotent: matched by code."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="a catalogue CSV (default: the shipped one)")

    def handle(self, *args: Any, **options: Any) -> None:
        from pathlib import Path

        try:
            count = services.load_catalogue(Path(options["file"]) if options["file"] else None)
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"{count} catalogue indicators loaded."))
