from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from urbis.engagement.ratelimits import purge_expired


class Command(BaseCommand):
    help = (
        "Delete the rate-limit counters whose window has ended (run it periodically, e.g. "
        "hourly: nothing else removes them)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge_expired()
        self.stdout.write(
            ngettext(
                "Deleted %(n)d expired rate-limit counter.",
                "Deleted %(n)d expired rate-limit counters.",
                deleted,
            ) % {"n": deleted}
        )
