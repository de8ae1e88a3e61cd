"""Energy fixtures: a private data directory per test, uploads processed inline, and small
readings files for Barcelona's real neighbourhoods."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from urbis.energy import engine, services
from urbis.energy.demo_readings import cell_centre

HEADER = "meter_id;timestamp;value;unit;flow;sector;carrier;area_code;lon;lat"


@pytest.fixture
def energy_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    with engine._lock:
        engine._memo.clear()
    return Path(settings.DATA_DIR)


@pytest.fixture
def inline_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Uploads are processed at once, in the test's own transaction."""
    monkeypatch.setattr(services, "launch_job", services.process_upload)


def readings(
    meters: int = 12,
    hours: int = 48,
    *,
    area: str = "B07",
    lon: float = 2.1650,
    lat: float = 41.3930,
    start_day: str = "2025-06-02",
    prefix: str = "m",
    pv: bool = True,
) -> str:
    """A valid CSV (semicolon, decimal comma) of hourly readings of ``meters`` meters, all in
    one 100 m street cell around (``lon``, ``lat``)."""
    lon, lat = cell_centre(lon, lat)
    lines = [HEADER]
    for m in range(meters):
        for h in range(hours):
            day, hour = divmod(h, 24)
            ts = f"{start_day[:8]}{int(start_day[8:]) + day:02d}T{hour:02d}:00:00Z"
            value = f"{0.4 + 0.1 * (m % 3) + (0.3 if 17 <= hour <= 21 else 0):.2f}".replace(
                ".", ","
            )
            lines.append(
                f"{prefix}{m:03d};{ts};{value};kWh;consumption;residential;electricity;{area};"
                f"{lon + m * 0.00002:.6f}".replace(".", ",") + ";" + f"{lat:.6f}".replace(".", ",")
            )
    if pv:
        for h in range(hours):
            day, hour = divmod(h, 24)
            ts = f"{start_day[:8]}{int(start_day[8:]) + day:02d}T{hour:02d}:00:00Z"
            value = max(0.0, 3.0 - abs(hour - 12) * 0.6)
            lines.append(
                f"{prefix}pv;{ts};{value:.2f};kWh;production;residential;electricity;{area};"
                .replace(".", ",") + f"{lon:.6f};{lat:.6f}".replace(".", ",")
            )
    return "\n".join(lines) + "\n"


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str], Path]:
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


BAD = "\n".join(
    [
        HEADER,
        "b1;2025-06-02T00:00:00Z;1,0;kWh;consumption;residential;electricity;B07;;",
        "b1;2025-06-02T01:00:00Z;-4;kWh;consumption;residential;electricity;B07;;",
        "b1;2025-06-02T02:00:00Z;1,0;kWz;consumption;residential;electricity;B07;;",
        "b1;2025-06-02T03:00:00Z;1,0;kWh;consumption;residential;electricity;XX99;;",
        "b1;2025-06-02T00:00:00Z;1,0;kWh;consumption;residential;electricity;B07;;",
    ]
) + "\n"
