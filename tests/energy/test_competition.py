"""The Energy-Neutral Neighbourhoods competition: the leaderboard rule, its pages, and who
may enter or add initiatives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from tests.energy.conftest import readings
from urbis.energy import queries, services
from urbis.energy.competition import Contender, leaderboard
from urbis.energy.demo import season_end
from urbis.energy.models import Entry, Initiative
from urbis.places.models import Area


def test_rule_ranks_by_fall_per_household_against_own_baseline() -> None:
    board = leaderboard(
        [
            # Big: 2,500 -> 2,250 kWh per household, a fall of 250.
            Contender(1, "Big", "bcn:A", 10_000_000.0, 9_000_000.0, 4000),
            # Small: 2,500 -> 2,000 per household, a fall of 500: beats Big although its
            # total fell far less.
            Contender(2, "Small", "bcn:B", 500_000.0, 400_000.0, 200),
            # Same fall per household as Small: shares its rank.
            Contender(3, "Twin", "par:C", 1_000_000.0, 900_000.0, 200),
            Contender(4, "Keen", "par:D", 6_000_000.0, 5_400_000.0, 1000),
            Contender(5, "No data", "par:E", None, 1_000.0, 100),
            Contender(6, "Unknown size", "par:F", 1_000.0, 900.0, None),
        ]
    )
    assert [(s.rank, s.team) for s in board] == [
        (1, "Keen"), (2, "Small"), (2, "Twin"), (4, "Big"), (None, "No data"),
        (None, "Unknown size"),
    ]
    assert board[1].improvement_per_household_kwh == pytest.approx(500.0)
    assert board[1].improvement_pct == pytest.approx(20.0)
    assert board[4].note == "no readings in the baseline year"
    assert board[5].note.startswith("households unknown")


@pytest.fixture
def season(barcelona: Any, paris: Any, energy_dir: Path, write_file: Any) -> Any:
    # Baseline 2024 and scoring 2025 readings for two Barcelona neighbourhoods.
    for name, area, year, meters in (
        ("b24.csv", "B07", "2024-06-03", 12), ("b25.csv", "B07", "2025-06-02", 9),
        ("c24.csv", "B31", "2024-06-03", 12), ("c25.csv", "B31", "2025-06-02", 11),
    ):
        call_command(
            "energy", "ingest",
            str(write_file(name, readings(meters, 24, area=area, start_day=year,
                                          prefix=name[:3], pv=False))),
            "--city", "barcelona", verbosity=0,
        )
    season = services.save_season(
        None, slug="test-season", name="Test season", cities=[barcelona, paris],
        starts_on=dt.date(2025, 1, 1), ends_on=dt.date.today() + dt.timedelta(days=30),
        baseline_year=2024, scoring_year=2025,
    )
    for code, team in (("B07", "Dreta"), ("B31", "Gràcia")):
        services.enter(None, season, Area.objects.get(city=barcelona, code=code),
                       team_name=team, households=1000)
    return season


def test_standings_and_pages(client: Any, season: Any) -> None:
    board = queries.standings(season)
    assert [(s["rank"], s["team"]) for s in board] == [(1, "Dreta"), (2, "Gràcia")]
    assert board[0]["improvement_pct"] == pytest.approx(25.0, abs=0.01)
    assert board[0]["households"] == 1000
    page = client.get("/energy/competition/test-season/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("Dreta") < html.index("Gràcia") and "How entries are ranked" in html
    entry = Entry.objects.get(team_name="Dreta")
    detail = client.get(f"/energy/competition/test-season/entries/{entry.pk}/")
    assert detail.status_code == 200 and 'id="curve-data"' in detail.content.decode()
    # Months by name, in the reader's language.
    assert '<th scope="row">June</th>' in detail.content.decode()
    french = client.get(f"/energy/competition/test-season/entries/{entry.pk}/",
                        headers={"accept-language": "fr"}).content.decode()
    assert '<th scope="row">juin</th>' in french
    api = client.get("/api/v1/energy/seasons/test-season").json()
    assert [s["team"] for s in api["leaderboard"]] == ["Dreta", "Gràcia"]
    one = client.get(f"/api/v1/energy/seasons/test-season/entries/{entry.pk}").json()
    assert one["standing"]["rank"] == 1 and len(one["curve"]["scoring"]["net_kwh"]) == 12
    assert one["curve"]["per"] == "household"
    assert client.get("/energy/competition/").status_code == 200
    assert client.get("/energy/competition/best-practices/").status_code == 200


def test_entering_needs_an_account_and_a_season_city(
    client_for: Any, make_user: Any, season: Any, barcelona: Any
) -> None:
    anonymous = client_for(None)
    response = anonymous.post("/energy/competition/test-season/enter/", {"team_name": "X"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    citizen = make_user()
    client = client_for(citizen)
    area = Area.objects.get(city=barcelona, code="B01")
    response = client.post("/energy/competition/test-season/enter/",
                           {"area": area.pk, "team_name": "Raval Verd", "households": "900"})
    entry = Entry.objects.get(team_name="Raval Verd")
    assert response.status_code == 302 and entry.created_by == citizen
    # A district is not a neighbourhood; an empty team name is refused; nothing half-written.
    district = Area.objects.get(city=barcelona, code="D01")
    with pytest.raises(ValidationError):
        services.enter(citizen, season, district, team_name="D")
    response = client.post("/energy/competition/test-season/enter/",
                           {"area": Area.objects.get(city=barcelona, code="B02").pk,
                            "team_name": " "})
    assert response.status_code == 422
    assert not Entry.objects.filter(area__code="B02").exists()


def test_only_the_team_or_an_editor_adds_initiatives(
    client_for: Any, make_user: Any, season: Any, barcelona: Any
) -> None:
    entry = Entry.objects.get(team_name="Dreta")
    stranger = make_user()
    with pytest.raises(PermissionDenied):
        services.add_initiative(stranger, entry, kind="solar", title="Roofs")
    url = f"/energy/competition/test-season/entries/{entry.pk}/"
    client_for(stranger).post(url, {"kind": "solar", "title": "Roofs"})
    assert client_for(None).post(url, {"kind": "solar", "title": "Roofs"}).status_code == 302
    assert not Initiative.objects.exists()
    editor = make_user("editor", barcelona)
    response = client_for(editor).post(url, {"kind": "solar", "title": "Roofs"})
    assert response.status_code == 302
    assert Initiative.objects.get().title == "Roofs"
    response = client_for(editor).post(url, {"kind": "bogus", "title": "X"})
    assert response.status_code == 422 and Initiative.objects.count() == 1


def test_seasons_and_best_practices_need_editors(make_user: Any, season: Any,
                                                 barcelona: Any, paris: Any) -> None:
    bcn_editor = make_user("editor", barcelona)
    with pytest.raises(PermissionDenied):  # must edit every city of the season
        services.save_season(
            bcn_editor, slug="s2", name="S2", cities=[barcelona, paris],
            starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31),
            baseline_year=2024, scoring_year=2025,
        )
    with pytest.raises(ValidationError):
        services.save_season(
            None, slug="s3", name="S3", cities=[barcelona], starts_on=dt.date(2025, 1, 1),
            ends_on=dt.date(2025, 12, 31), baseline_year=2025, scoring_year=2024,
        )
    member = make_user("member", barcelona)
    with pytest.raises(PermissionDenied):
        services.publish_best_practice(member, season, kind="solar", title="T", summary="S")
    practice = services.publish_best_practice(
        bcn_editor, season, kind="solar", title="T", summary="S",
        entry=Entry.objects.get(team_name="Dreta"),
    )
    assert practice in queries.best_practices()


def test_demo_season_still_runs_when_the_demo_is_loaded_in_a_later_year() -> None:
    assert season_end(dt.date(2026, 3, 1)) == dt.date(2026, 12, 31)
    assert season_end(dt.date(2026, 12, 31)) == dt.date(2026, 12, 31)
    assert season_end(dt.date(2027, 1, 1)) == dt.date(2027, 12, 31)
    assert season_end(dt.date(2031, 7, 14)) == dt.date(2031, 12, 31)
