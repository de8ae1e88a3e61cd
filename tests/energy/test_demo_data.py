"""The energy demo's content (the modelled cities' settings, illustrative PV installations, the
competition season, its teams, initiatives and best practices) lives in data files: what it
stores and the plan it models readings from stay exactly what they were when the content was
Python code (a snapshot), and a broken file is refused with its name, the record and the field,
storing nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.demo_snapshots import broken_copy, canonical_dump, check_snapshot
from tests.energy.conftest import readings
from urbis.energy import demo
from urbis.energy.demo import DemoDataError
from urbis.energy.models import PvInstallation, Season
from urbis.places.models import City

pytestmark = pytest.mark.django_db

SNAPSHOT = Path(__file__).with_name("demo_snapshot.json")
ENERGY_MODELS = ["energy.PvInstallation", "energy.Season", "energy.Entry", "energy.Initiative",
                 "energy.BestPractice"]


def _season_end_as_rule(dump: dict[str, list[str]]) -> None:
    """The season's last day follows the date the demo is loaded on (``demo.season_end``)."""
    rows = []
    for text in dump["energy.Season"]:
        row = json.loads(text)
        assert row["ends_on"] == str(demo.season_end(dt.date.today()))
        row["ends_on"] = "<season_end(today)>"
        rows.append(json.dumps(row, sort_keys=True, ensure_ascii=False))
    dump["energy.Season"] = rows


def _plan() -> dict[str, list[str]]:
    """What the readings generator is given: each city's settings and, per neighbourhood, the
    modelled change and PV capacity of the baseline and the scoring year."""
    plan: dict[str, list[str]] = {"settings": [], "neighbourhoods": []}
    for code in ("barcelona", "paris"):
        settings = next(c for c in demo.read_cities().cities if c.code == code)
        plan["settings"].append(json.dumps([code, settings.time_zone,
                                            settings.mean_temperature_c, settings.seed]))
        city = City.objects.get(code=code)
        for scoring in (False, True):
            for n in demo.neighbourhoods(city, scoring=scoring):
                plan["neighbourhoods"].append(
                    json.dumps([code, scoring, dataclasses.asdict(n)], sort_keys=True,
                               ensure_ascii=False))
    return {k: sorted(v) for k, v in plan.items()}


def test_demo_stores_what_it_always_stored(
    barcelona: Any, paris: Any, energy_dir: Path, write_file: Any
) -> None:
    # Small readings for two of the teams' neighbourhoods, so that they are ranked and leave
    # best practices (the demo's own readings take minutes to model).
    for name, area, day in (("b24.csv", "B07", "2024-06-03"), ("b25.csv", "B07", "2025-06-02"),
                            ("c24.csv", "B31", "2024-06-03"), ("c25.csv", "B31", "2025-06-02")):
        text = readings(6, 24, area=area, start_day=day, prefix=name[:3], pv=False)
        call_command("energy", "ingest", str(write_file(name, text)), "--city", "barcelona",
                     verbosity=0, stdout=io.StringIO())
    for city in (barcelona, paris):
        demo._pv_installations(city)
    demo.load_competition()
    dump = canonical_dump(ENERGY_MODELS)
    assert len(dump["energy.Entry"]) == 6 and len(dump["energy.BestPractice"]) == 2
    _season_end_as_rule(dump)
    dump.update(_plan())
    check_snapshot(dump, SNAPSHOT)


_broken_copy = partial(broken_copy, demo.DEMO_DATA)


@pytest.mark.parametrize(("name", "old", "new", "message"), [
    ("competition.toml", "households = 15_500", 'households = "15,500"',
     "competition.toml: entrants[1], field 'households': Input should be a valid integer"),
    ("competition.toml", "consumption_fall = 0.04", "fall = 0.04",
     "competition.toml: entrants[2], field 'fall': Extra inputs are not permitted"),
    ("competition.toml", 'kind = "heat", title = "Bombes', 'kind = "heating", title = "Bombes',
     "competition.toml: entrants[2] 'B58', field 'initiatives.0.kind': unknown kind 'heating'"),
    ("cities.toml", "seed = 75056", "seed = 75056.5",
     "cities.toml: cities[1], field 'seed': Input should be a valid integer"),
])
def test_a_broken_file_is_refused_naming_file_record_and_field_and_stores_nothing(
    barcelona: Any, paris: Any, tmp_path: Path, name: str, old: str, new: str, message: str,
) -> None:
    data = _broken_copy(tmp_path, name, old, new)
    for read in (demo.steps, demo.slow_steps):
        with pytest.raises(DemoDataError) as refused:
            read(data)
        assert str(refused.value).startswith(f"{data / message.split(':')[0]}:"), refused.value
        assert message.split(": ", 1)[1] in str(refused.value)
    assert not Season.objects.exists() and not PvInstallation.objects.exists()
