from __future__ import annotations

import pytest

from urbis.engines.energy.competition import Entrant, EntrantYear, leaderboard


def test_ranked_by_improvement_per_household_against_own_baseline():
    entrants = [
        # 1,000 households: 4,000 -> 3,000 kWh/household = 1,000 better
        Entrant("ams-1", "Oost", "AMS", EntrantYear(4_000_000, 1000), EntrantYear(3_000_000, 1000)),
        # 100 households: 5,000 -> 3,500 = 1,500 better (small but improved most per household)
        Entrant("bcn-7", "Gràcia", "BCN", EntrantYear(500_000, 100), EntrantYear(350_000, 100)),
        # grew from 200 to 250 households while total net stayed flat: 2,000 -> 1,600 = 400
        Entrant("vie-2", "Wieden", "VIE", EntrantYear(400_000, 200), EntrantYear(400_000, 250)),
        # tie with ams-1
        Entrant("ams-2", "West", "AMS", EntrantYear(2_000_000, 500), EntrantYear(1_500_000, 500)),
        Entrant("lis-1", "Alfama", "LIS", None, EntrantYear(100, 1)),
    ]
    board = leaderboard(entrants)
    assert [(e.rank, e.code) for e in board] == [
        (1, "bcn-7"),
        (2, "ams-1"),
        (2, "ams-2"),
        (4, "vie-2"),
        (None, "lis-1"),
    ]
    assert board[0].improvement_kwh_per_household == pytest.approx(1500)
    assert board[0].improvement_pct == pytest.approx(30.0)
    assert board[3].improvement_kwh_per_household == pytest.approx(400)
    assert "baseline" in board[4].note


def test_positive_energy_baseline_has_no_percentage():
    board = leaderboard([Entrant("x", "X", "C", EntrantYear(-100, 10), EntrantYear(-300, 10))])
    assert board[0].rank == 1
    assert board[0].improvement_kwh_per_household == pytest.approx(20)
    assert board[0].improvement_pct is None
