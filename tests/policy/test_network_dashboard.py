"""The strategy network dashboard shows the policy figures over time: each chart with its table,
its definition, source and date, and the illustrative label when demo records went into it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urbis.places.models import City
from urbis.policy import queries, services

pytestmark = pytest.mark.django_db


def test_network_dashboard_charts_the_policy_series(squareville: City, client_for: Any) -> None:
    services.save_zone(by=None, city=squareville, operator=True, title="Calm streets",
                       concept="c", area_codes=["A"], start_date=dt.date(2021, 1, 1),
                       is_illustrative=True)
    today = queries.network_today()
    page = client_for(None).get("/network/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="policy-figures"' in html
    for code in queries.DASHBOARD_FIGURES:
        assert f'data-series="{code}"' in html, code
        assert f'id="net-{code}"' in html, code
    assert "Innovation zones installed" in html
    assert "Cities with a long-term strategy and stakeholder involvement" in html
    assert "Concepts rolled out" in html
    # The table beside the chart has today's point: one zone, illustrative.
    section = html.split('id="net-zones_installed"', 1)[1].split("</section>", 1)[0]
    assert f"<td>{today.isoformat()}</td><td class=\"num\">1 *</td>" in section
    assert "Includes illustrative demo records" in section
    assert "Source: the cities" in section and "Latest point" in section
    assert 'id="policy-series"' in html and "policy/charts" in html


def test_network_dashboard_without_points_says_so(db: Any, client_for: Any) -> None:
    html = client_for(None).get("/network/").content.decode()
    assert 'id="policy-figures"' in html
    section = html.split('id="net-zones_installed"', 1)[1].split("</section>", 1)[0]
    assert "no point yet" in section
