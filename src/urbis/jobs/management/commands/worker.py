"""``urbis worker``: run the background jobs (django_tasks_db's ``db_worker``, plus what it lacks).

Added to the library's worker: a heartbeat in the ``jobs_worker`` table, so that a job left
marked running by a worker that was killed is found and failed with its reason (at this
worker's start, then at every beat), and the periodic jobs (the rate-counter purge) queued
without cron. Every option of ``db_worker`` works here (``--batch``, ``--max-tasks``, …).
"""

from __future__ import annotations

import logging
import signal
import threading
from argparse import ArgumentParser
from typing import Any

from django.db import connection
from django.utils.translation import ngettext
from django_tasks_db.management.commands import db_worker

from urbis.jobs import services
from urbis.jobs.tasks import PURGE_EVERY, purge_rate_counters

log = logging.getLogger(__name__)


def _heartbeat(worker_id: str, every: float, stop: threading.Event) -> None:
    while not stop.wait(every):
        try:
            services.beat(worker_id)
            services.recover_interrupted()
            services.enqueue_if_due(purge_rate_counters, PURGE_EVERY)
        except Exception:  # a missed beat is retried; the worker itself goes on
            log.exception("worker %s: heartbeat failed", worker_id)
        finally:
            connection.close()


class Command(db_worker.Command):
    help = (
        "Run background jobs (energy uploads, e-mail, housekeeping) from the queue in the "
        "database. Stop it with SIGTERM or Ctrl-C: it finishes the job it is running first."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--beat", type=float, default=services.HEARTBEAT_SECONDS,
            help="seconds between heartbeats (default: %(default)s); keep it well under "
            "URBIS_WORKER_STALE_SECONDS",
        )
        # An id that names the host and process, so an operator can tell which worker ran
        # (or dropped) a job; and no code reloader, which would run the jobs in a child
        # process that this one's heartbeat does not speak for.
        parser.set_defaults(worker_id=None, reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = options.pop("worker_id") or services.new_worker_id()
        every = options.pop("beat")
        services.register_worker(worker_id)
        failed = services.recover_interrupted(restarted=worker_id)
        if failed and options["verbosity"]:
            self.stdout.write(
                ngettext(
                    "Failed %(n)d job left running by a stopped worker: ",
                    "Failed %(n)d jobs left running by a stopped worker: ",
                    len(failed),
                ) % {"n": len(failed)}
                + ", ".join(failed)
            )
        stop = threading.Event()
        beating = threading.Thread(
            target=_heartbeat, args=(worker_id, every, stop), name="urbis-worker-heartbeat",
            daemon=True,
        )
        beating.start()
        handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            super().handle(*args, worker_id=worker_id, **options)
        finally:
            stop.set()
            beating.join(timeout=every + 5)
            for number, handler in handlers.items():
                signal.signal(number, handler)
            services.unregister_worker(worker_id)
