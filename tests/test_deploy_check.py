"""`urbis check --deploy` passes with a production configuration and fails without one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("URBIS_")}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for Playwright in this process only
    clean.update({"URBIS_DATA_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "-m", "urbis", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=clean,
        timeout=120,
        check=False,
    )


def test_production_configuration_passes(tmp_path: Path) -> None:
    result = run_check(
        tmp_path,
        URBIS_SECRET_KEY="k" * 20 + "-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        URBIS_ALLOWED_HOSTS="urbis.example.org",
        URBIS_DEBUG="0",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_missing_secret_key_is_flagged(tmp_path: Path) -> None:
    result = run_check(tmp_path, URBIS_ALLOWED_HOSTS="urbis.example.org")
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout
