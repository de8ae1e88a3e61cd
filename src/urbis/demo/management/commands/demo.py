from __future__ import annotations

import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.core.servers.basehttp import get_internal_wsgi_application, run
from tqdm import tqdm

from urbis.demo import loader, services


class Command(BaseCommand):
    help = (
        "Migrate, load the bundled real demo data (idempotent), create the demo admin and serve "
        "Urbis on 127.0.0.1. Ctrl-C or SIGTERM stops it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--no-serve", action="store_true", help="load the data and exit without serving"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        # Serving, the slow steps (the energy readings) wait for the worker, so the first page
        # comes as soon as everything else is loaded; without serving, everything loads here.
        serve = not options["no_serve"]
        steps = loader.quick_steps() if serve else loader.steps()
        with tqdm(total=len(steps), unit="step", desc="Loading demo data") as bar:
            for label, step in steps:
                bar.set_postfix_str(label)
                step()
                bar.update()
        email, password = loader.admin_credentials()
        self.stdout.write(self.style.SUCCESS(f"Demo admin: {email}  password: {password}"))
        if not serve:
            return
        if loader.slow_steps():
            services.start_loading()
            self.stdout.write(
                "The energy readings load in the background; every page says how far it has come."
            )
        self._serve(options["host"], options["port"])

    def _serve(self, host: str, port: int) -> None:
        def stop(signum: int, frame: Any) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        # Uploads and e-mails are background jobs: a worker runs beside the server and stops
        # with it.
        worker = subprocess.Popen([sys.executable, "-m", "urbis", "worker", "--verbosity", "0"])
        self.stdout.write(f"Urbis demo at http://{host}:{port}/  (Ctrl-C to stop)")
        self.stdout.flush()
        handler = StaticFilesHandler(get_internal_wsgi_application())
        try:
            run(host, port, handler, threading=True)
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")
        finally:
            stop_worker(worker)


def stop_worker(worker: subprocess.Popen[bytes], grace: float = 30) -> None:
    """SIGTERM lets the worker finish the job it runs; one that takes longer is killed (and
    its job is failed with the reason by the next worker that starts)."""
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
