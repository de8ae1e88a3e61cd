"""``urbis policy snapshot``: record today's point of every network figure (run it daily, e.g.
from cron, so each figure has a point per day even when nothing changed). Past points are never
rewritten. The command line acts as the site's operator."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from urbis.policy import services


class Command(BaseCommand):
    help = "Policy and regulation: record today's network figures."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("snapshot", help="record today's point of every network figure")

    def handle(self, *args: Any, **options: Any) -> None:
        points = services.snapshot()
        for point in points:
            value = "—" if point.value is None else f"{point.value:g}"
            self.stdout.write(f"{point.date} {point.figure}: {value}")
