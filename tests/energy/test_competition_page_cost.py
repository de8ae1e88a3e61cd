"""The competition's leaderboard reads names and codes of the entries' areas, never their
boundaries (issue 16, page speed: decoding the areas', their districts' and the city's GeoJSON
was most of the season page's time)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.energy.test_competition import season  # noqa: F401 - the fixture
from urbis.energy.models import Entry


def _columns(sql: str) -> str:
    return sql.split(" FROM ")[0]


def test_season_entry_and_api_load_no_boundary(client: Any, season: Any) -> None:  # noqa: F811
    entry = Entry.objects.get(team_name="Dreta")
    for url in ("/energy/competition/test-season/",
                f"/energy/competition/test-season/entries/{entry.pk}/",
                "/api/v1/energy/seasons/test-season"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        heavy = [q["sql"] for q in queries.captured_queries
                 if '"geometry"' in _columns(q["sql"]) or '"boundary"' in _columns(q["sql"])]
        assert heavy == [], url
