"""The ``urbis`` command: Django's management commands, under one name.

``urbis demo``, ``urbis import-areas``, ``urbis check --deploy``, ``urbis migrate`` … are all
management commands; this entry point only points Django at Urbis's settings.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "urbis.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "urbis"
    if len(argv) > 1 and argv[1] == "demo":
        # The demo serves static files and shows errors in full; production never does.
        os.environ.setdefault("URBIS_DEBUG", "1")
    execute_from_command_line(argv)
    return 0
