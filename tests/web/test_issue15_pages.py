"""Pages that issue 15 found wrong: home page counts, labels and areas offered for choice."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from urbis.places.models import Area, City


def _home_counts(html: str, city: City) -> tuple[int, int]:
    row = re.search(
        rf'<a href="{re.escape(city.get_absolute_url())}">{re.escape(city.name)}</a>(.*?)</tr>',
        html, re.S,
    )
    assert row is not None, "the city has no row on the home page"
    numbers = re.findall(r'<td class="num">(\d+)</td>', row.group(1))
    return int(numbers[0]), int(numbers[1])


@pytest.mark.parametrize("role", [None, "member", "editor"])
def test_home_page_counts_each_area_once_for_a_signed_in_user(
    role: str | None, barcelona: City, make_user: Callable[..., Any],
    client_for: Callable[..., Any],
) -> None:
    # Others hold roles in the city too: a join over memberships repeated the city per row.
    make_user(role="editor", city=barcelona)
    make_user(role="moderator", city=barcelona)
    viewer = make_user(role=role, city=barcelona if role else None)
    html = client_for(viewer).get("/").content.decode()
    districts = Area.objects.filter(city=barcelona, level="district").count()
    neighbourhoods = Area.objects.filter(city=barcelona, level="neighbourhood").count()
    assert (districts, neighbourhoods) == (10, 73)
    assert _home_counts(html, barcelona) == (districts, neighbourhoods)


def test_an_unpublished_city_shows_to_its_editor_once_and_to_nobody_else(
    barcelona: City, make_user: Callable[..., Any], client_for: Callable[..., Any]
) -> None:
    barcelona.is_published = False
    barcelona.save(update_fields=["is_published"])
    editor = make_user(role="editor", city=barcelona)
    make_user(role="moderator", city=barcelona)
    member = make_user(role="member", city=barcelona)
    assert _home_counts(client_for(editor).get("/").content.decode(), barcelona) == (10, 73)
    assert barcelona.get_absolute_url() not in client_for(member).get("/").content.decode()
    assert barcelona.get_absolute_url() not in client_for(None).get("/").content.decode()
