"""Hourly cubes on the Django side: `urbis energy rebuild-cubes` writes the cubes of files
stored before cubes existed, and the pages' balance is the same from cubes as from readings."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.energy.conftest import readings
from urbis.energy import engine, queries
from urbis.engines.energy import energy_balance
from urbis.engines.energy.store import readings_root

pytestmark = pytest.mark.django_db


def _cubes(energy_dir: Path) -> list[Path]:
    return sorted(readings_root(energy_dir).rglob("*.cube.parquet"))


def test_rebuild_cubes_writes_the_missing_ones(barcelona: Any, energy_dir: Path, write_file: Any):
    call_command("energy", "ingest", str(write_file("a.csv", readings(3, 24))),
                 "--city", "barcelona", verbosity=0)
    written = _cubes(energy_dir)
    assert len(written) == 1
    before = written[0].read_bytes()
    written[0].unlink()  # as if stored before cubes existed
    out = io.StringIO()
    call_command("energy", "rebuild-cubes", "--city", "barcelona", stdout=out)
    assert "1 cube part written" in out.getvalue()
    assert _cubes(energy_dir) == written
    assert written[0].read_bytes() == before
    out = io.StringIO()
    call_command("energy", "rebuild-cubes", "--city", "barcelona", stdout=out)
    assert "0 cube parts written" in out.getvalue()
    call_command("energy", "rebuild-cubes", "--city", "barcelona", "--all", stdout=out)
    assert "1 cube part written" in out.getvalue()
    with pytest.raises(CommandError, match="nowhere"):
        call_command("energy", "rebuild-cubes", "--city", "nowhere")


def test_page_balance_from_cubes_equals_readings(barcelona: Any, energy_dir: Path,
                                                 write_file: Any):
    for name, text in (("a.csv", readings(3, 24)), ("b.csv", readings(2, 24, prefix="s"))):
        call_command("energy", "ingest", str(write_file(name, text)), "--city", "barcelona",
                     verbosity=0)
    index = engine.area_index(barcelona)
    from_cubes = engine.balance(barcelona, refresh=True).to_polars()
    from_readings = energy_balance(
        energy_dir, "barcelona", index, tz=barcelona.time_zone, source="readings"
    ).to_polars()
    assert from_cubes.equals(from_readings)
    row = queries.balance_table(barcelona, level="city", year=2025)[0]
    assert row["consumption_kwh"] > 0


def test_a_delivery_recomputes_only_its_own_years(
    barcelona: Any, energy_dir: Path, write_file: Any, monkeypatch: pytest.MonkeyPatch
):
    """After a delivery, the cached balance is updated for the years the delivery covers
    (from the merged cubes) and equals a full recompute from the raw readings; a
    withdrawal likewise. Without a previous balance, or after an area change, all years
    are computed."""
    updated: list[list[int]] = []
    real = engine.update_balance

    def recording(previous: Any, *args: Any, **kwargs: Any) -> Any:
        updated.append(list(args[3]))
        return real(previous, *args, **kwargs)

    monkeypatch.setattr(engine, "update_balance", recording)

    def full() -> Any:
        return energy_balance(
            energy_dir, "barcelona", engine.area_index(barcelona), tz=barcelona.time_zone,
            source="readings",
        ).to_polars()

    call_command("energy", "ingest", str(write_file("a.csv", readings(3, 24))),
                 "--city", "barcelona", verbosity=0)
    assert updated == []  # the first balance has no previous one
    call_command(
        "energy", "ingest",
        str(write_file("b.csv", readings(2, 24, prefix="s", start_day="2024-06-03"))),
        "--city", "barcelona", verbosity=0,
    )
    assert updated == [[2024]]
    assert engine.balance(barcelona).to_polars().equals(full())
    assert set(engine.balance(barcelona).to_polars()["year"].unique()) == {2024, 2025}
    call_command("energy", "ingest", str(write_file("c.csv", readings(2, 24, prefix="t"))),
                 "--city", "barcelona", verbosity=0)
    assert updated[-1] == [2025]
    assert engine.balance(barcelona).to_polars().equals(full())
    (b_file,) = [f for f in engine.stored_files(barcelona) if f.source_name == "b.csv"]
    call_command("energy", "withdraw", b_file.file_hash, "--city", "barcelona", verbosity=0)
    assert updated[-1] == [2024]
    assert engine.balance(barcelona).to_polars().equals(full())
    # An area's households change what every year's per-household figures are.
    area = barcelona.areas.get(code="B07")
    area.households = (area.households or 0) + 7
    area.save()
    calls = len(updated)
    assert engine.balance(barcelona).to_polars().equals(full())
    assert len(updated) == calls
