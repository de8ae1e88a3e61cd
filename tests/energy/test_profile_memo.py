"""An area page's hourly profile is computed once per inputs: the same week asked again is
the stored answer, and a new file, like any change of the inputs, gives a new one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.energy.conftest import readings
from urbis.energy import engine, queries

pytestmark = pytest.mark.django_db


def _ingest(write_file: Any, name: str, text: str) -> None:
    call_command("energy", "ingest", str(write_file(name, text)), "--city", "barcelona",
                 verbosity=0)


def test_the_same_week_is_computed_once_and_again_after_a_new_file(
        barcelona: Any, energy_dir: Path, write_file: Any) -> None:
    engine.forget(barcelona)
    _ingest(write_file, "a.csv", readings(3, 48, prefix="a"))
    start = queries.week_start(2025, 23, barcelona.time_zone)
    first = engine.hourly_profile(barcelona, "B07", start)
    assert engine.hourly_profile(barcelona, "B07", start) is first
    before = sum(first.consumption_kwh)
    assert before > 0

    _ingest(write_file, "b.csv", readings(3, 48, prefix="b"))
    after = engine.hourly_profile(barcelona, "B07", start)
    assert after is not first
    assert sum(after.consumption_kwh) == pytest.approx(2 * before)
    assert queries.hourly_profile(barcelona, "B07", 2025, 23)["consumption_kwh"] == \
        after.consumption_kwh


def test_profiles_kept_in_memory_are_bounded(barcelona: Any, energy_dir: Path, write_file: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    engine.forget(barcelona)
    monkeypatch.setattr(engine, "PROFILES_KEPT", 3)
    _ingest(write_file, "a.csv", readings(3, 48, prefix="a"))
    for week in range(18, 26):
        engine.hourly_profile(barcelona, "B07", queries.week_start(2025, week, barcelona.time_zone))
    kept = [k for k in engine._memo if k[0] == "barcelona" and k[1].startswith("profile:")]
    assert len(kept) == 3
    assert kept[-1][1].endswith(queries.week_start(2025, 25, barcelona.time_zone).isoformat())
