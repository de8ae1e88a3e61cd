"""Pages that issue 15 found wrong: sections other apps add, open calls and their counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from urbis.engagement.models import Idea
from urbis.places.models import City


def test_an_area_page_lists_the_ideas_placed_in_it(
    barcelona: City, make_idea: Callable[..., Idea], client_for: Callable[..., Any]
) -> None:
    make_idea(title="Shade trees along Carrer de Sants", area="B18")
    html = client_for(None).get("/cities/barcelona/areas/B18/").content.decode()
    assert "Ideas for this area" in html
    assert "Shade trees along Carrer de Sants" in html


def test_a_district_page_lists_the_ideas_of_its_neighbourhoods(
    barcelona: City, make_idea: Callable[..., Idea], client_for: Callable[..., Any]
) -> None:
    make_idea(title="Shade trees along Carrer de Sants", area="B18")
    district = barcelona.areas.get(code="B18").parent
    html = client_for(None).get(f"/cities/barcelona/areas/{district.code}/").content.decode()
    assert "Shade trees along Carrer de Sants" in html
