"""Found in a page review of the network dashboard."""

from __future__ import annotations

from typing import Any


def test_network_table_says_what_the_yes_no_column_counts(db: Any, client_for: Any) -> None:
    """A column headed only 'Counts' with yes/no in it: counts what?"""
    html = client_for(None).get("/network/").content.decode()
    assert "Counted in the first figure" in html
    assert '<th scope="col">Counts</th>' not in html
