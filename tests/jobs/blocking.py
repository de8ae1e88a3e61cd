"""A job for the worker tests that runs until a file appears (or a time-out), so a test can
kill its worker in the middle of it."""

from __future__ import annotations

import time
from pathlib import Path

from django_tasks import task


@task()
def wait_for(path: str, timeout: float = 60.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if Path(path).exists():
            return True
        time.sleep(0.1)
    return False
