"""The ``urbis`` command: Django's management commands, under one name, plus ``urbis serve``.

``urbis demo``, ``urbis worker``, ``urbis import-areas``, ``urbis check --deploy``,
``urbis migrate`` … are all management commands; this entry point only points Django at
Urbis's settings. ``urbis serve`` is the production web server (gunicorn), see docs/DEPLOY.md.
"""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "urbis.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "urbis"
    if len(argv) > 1 and argv[1] == "serve":
        return serve(argv[2:])
    if len(argv) > 1 and argv[1] == "demo":
        # The demo serves static files and shows errors in full; production never does.
        os.environ.setdefault("URBIS_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


def serve(args: list[str]) -> int:
    """Collect the static files (hashed names, compressed copies), then replace this process
    with gunicorn serving Urbis, DEBUG off. Arguments after ``--`` go to gunicorn."""
    extra: list[str] = []
    if "--" in args:
        extra = args[args.index("--") + 1:]
        args = args[: args.index("--")]
    parser = argparse.ArgumentParser(
        prog="urbis serve",
        description="Serve Urbis in production: gunicorn, static files by WhiteNoise, "
        "DEBUG off. Run `urbis migrate` and one or more `urbis worker` beside it.",
    )
    parser.add_argument(
        "--bind", default=os.environ.get("URBIS_BIND", "127.0.0.1:8000"),
        help="address:port (or unix:PATH) to listen on (env URBIS_BIND; default %(default)s)",
    )
    parser.add_argument(
        "--workers", type=int,
        default=int(os.environ.get("URBIS_WEB_WORKERS", 2 * (os.cpu_count() or 1) + 1)),
        help="gunicorn worker processes (env URBIS_WEB_WORKERS; default 2 x CPUs + 1)",
    )
    parser.add_argument(
        "--no-collectstatic", action="store_true",
        help="skip collectstatic (e.g. when a container image already holds the files)",
    )
    options = parser.parse_args(args)
    if os.environ.get("URBIS_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}:
        print("urbis serve: URBIS_DEBUG is on; the production server runs with DEBUG off "
              "(use `urbis demo` to try Urbis locally).", file=sys.stderr)
        return 2
    os.environ["URBIS_DEBUG"] = "0"
    if not options.no_collectstatic:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("collectstatic", interactive=False, verbosity=0)
    command = [
        sys.executable, "-m", "gunicorn", "urbis.wsgi:application",
        "--bind", options.bind, "--workers", str(options.workers),
        # Uploads of up to 2 GB stream in; slow clients are the proxy's job, not a worker's.
        "--timeout", os.environ.get("URBIS_WEB_TIMEOUT", "300"),
        "--access-logfile", "-", "--forwarded-allow-ips",
        os.environ.get("URBIS_FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
        *extra,
    ]
    sys.stdout.flush()
    # gunicorn takes over this process, so signals from systemd or a container reach it directly.
    os.execv(sys.executable, command)  # noqa: S606
    return 0  # not reached
