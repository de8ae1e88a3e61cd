"""The years of a city's readings are looked up once per span of time, not once per stored
file: every map request asks, and a million-meter city delivered as a thousand files of
the same year made each request convert a thousand files' dates (bench/energy_scale.py)."""

from __future__ import annotations

from typing import Any

import pytest

from urbis.energy import engine
from urbis.engines.energy import StoredFile
from urbis.places.models import City


def _file(n: int, first: str, last: str) -> StoredFile:
    return StoredFile(
        city="x", file_hash=f"{n:064x}", source_name=f"f{n}", rows=1, meters=1, years=(2023,),
        first_ts=first, last_ts=last, ingested_at="2026-01-01T00:00:00",
    )


def test_years_convert_each_span_once(monkeypatch: pytest.MonkeyPatch) -> None:
    files = [_file(n, "2022-12-31T23:00:00", "2023-12-31T22:00:00") for n in range(500)]
    files += [_file(500 + n, "2024-01-01T00:00:00", "2024-01-31T23:00:00") for n in range(500)]
    monkeypatch.setattr(engine, "stored_files", lambda city: files)
    calls: list[Any] = []
    real = engine.local_years

    def counting(record: StoredFile, tz: str) -> list[int]:
        calls.append(record)
        return real(record, tz)

    monkeypatch.setattr(engine, "local_years", counting)
    # 23:00 UTC on 31 December is already 2023 in Madrid; 2024 January's file adds 2024.
    assert engine.years(City(code="x", time_zone="Europe/Madrid")) == [2023, 2024]
    assert len(calls) == 2
    assert engine.years(City(code="x", time_zone="UTC")) == [2022, 2023, 2024]
