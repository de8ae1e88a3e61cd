"""``urbis policy snapshot``: record today's point of every network figure (run it daily, e.g.
from the ``urbis-policy-snapshot.timer`` in deploy/systemd/, so each figure has a point per day
even when nothing changed). Past points are never rewritten. The command line acts as the
site's operator.

``--enqueue`` queues the snapshot for ``urbis worker`` instead of computing it here, so the
timer's process ends at once and the job, its state and any error show in the queue."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from urbis.policy import services


class Command(BaseCommand):
    help = "Policy and regulation: record today's network figures."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        snapshot = sub.add_parser("snapshot", help="record today's point of every network figure")
        snapshot.add_argument(
            "--enqueue", action="store_true",
            help="queue the snapshot for the worker (urbis worker) instead of running it here")

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("enqueue"):
            from urbis.jobs import services as jobs
            from urbis.policy.tasks import SNAPSHOT_SUBJECT, record_snapshot

            job = jobs.enqueue(record_snapshot, subject=SNAPSHOT_SUBJECT)
            self.stdout.write(_("Queued the policy snapshot as job %(id)s.") % {"id": job})
            return
        points = services.snapshot()
        for point in points:
            value = "—" if point.value is None else f"{point.value:g}"
            self.stdout.write(f"{point.date} {point.figure}: {value}")
