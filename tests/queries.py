"""What a page or API request asks the database: for the tests that bound a page's queries or
check that it reads no large column (a city's boundary, an area's or zone's geometry)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def get_with_queries(client: Client, url: str) -> tuple[Any, list[str]]:
    """GET ``url`` (it must answer 200): the response and the SQL of every query it ran."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, [q["sql"] for q in captured.captured_queries]


def reading(sql: list[str], *columns: str) -> list[str]:
    """The queries among ``sql`` that name any of ``columns`` (quoted as the database does)."""
    return [q for q in sql if any(f'"{c}"' in q for c in columns)]
