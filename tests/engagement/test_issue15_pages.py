"""Pages that issue 15 found wrong: sections other apps add, open calls and their counts."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from html import unescape
from typing import Any

from django.utils import timezone

from urbis.engagement import services
from urbis.engagement.models import Idea, Process
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


def _table(html: str, caption: str) -> str:
    start = html.index(f"<caption>{caption}</caption>")
    return html[start:html.index("</table>", start)]


def test_only_open_processes_are_listed_as_open_calls(
    make_process: Callable[..., Process], client_for: Callable[..., Any]
) -> None:
    now = timezone.now()
    make_process(title="Superilles: what next")  # collecting and voting now
    make_process(
        title="Parcs i jardins 2024", collecting_starts=now - dt.timedelta(days=400),
        collecting_ends=now - dt.timedelta(days=380), voting_starts=now - dt.timedelta(days=390),
        voting_ends=now - dt.timedelta(days=370), closes=now - dt.timedelta(days=300),
    )
    make_process(
        title="Escoles refugi", collecting_starts=now + dt.timedelta(days=10),
        collecting_ends=now + dt.timedelta(days=20), voting_starts=now + dt.timedelta(days=15),
        voting_ends=now + dt.timedelta(days=30), closes=now + dt.timedelta(days=60),
    )
    html = client_for(None).get("/cities/barcelona/engagement/").content.decode()
    open_calls = _table(html, "Open calls for ideas")
    assert "Superilles: what next" in open_calls
    assert "Parcs i jardins 2024" not in open_calls and "Escoles refugi" not in open_calls
    others = _table(html, "Upcoming, in review and closed")
    assert "Parcs i jardins 2024" in others and "Escoles refugi" in others


def _count_on_city_page(html: str, title: str) -> int:
    row = html[html.index(f">{title}</a>"):]
    found = re.search(r'<td class="num">(\d+)</td>', row[: row.index("</tr>")])
    assert found is not None
    return int(found.group(1))


def _count_on_process_page(html: str) -> int:
    found = re.search(r"<p>(\d+) ideas?</p>", html)
    assert found is not None
    return int(found.group(1))


def test_city_page_and_process_page_count_the_same_ideas(
    barcelona: City, process: Process, make_idea: Callable[..., Idea],
    make_user: Callable[..., Any], client_for: Callable[..., Any],
) -> None:
    kept = make_idea(title="Solar roofs on every school")
    merged = make_idea(title="Solar panels on school roofs")
    hidden = make_idea(title="Buy my product at example dot com")
    make_idea(title="More bicycle parking at stations")
    moderator = make_user(role="moderator", city=barcelona)
    services.merge_ideas(by=moderator, duplicate=merged, into=kept)
    services.hide_idea(by=moderator, idea=hidden, reason="Advertising")
    for viewer, expected in ((None, 2), (make_user(), 2), (moderator, 3)):
        client = client_for(viewer)
        city_page = client.get("/cities/barcelona/engagement/").content.decode()
        process_page = client.get(process.get_absolute_url()).content.decode()
        assert _count_on_city_page(city_page, process.title) == expected
        assert _count_on_process_page(process_page) == expected


def _primary(name: str) -> str:
    # Letters only as a reader compares them: no case, no accents.
    stripped = unicodedata.normalize("NFD", name)
    return "".join(c for c in stripped if not unicodedata.combining(c)).casefold()


def _options(html: str, select_name: str) -> list[str]:
    select = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', html, re.S)
    if select is None:
        select = re.search(rf'<select id="[^"]*" name="{select_name}"[^>]*>(.*?)</select>',
                           html, re.S)
    assert select is not None, f"no <select name={select_name}>"
    return [unescape(o) for o in re.findall(r'<option value="[^"]+"[^>]*>([^<]*)</option>',
                                            select.group(1))]


def test_neighbourhoods_offered_for_an_idea_are_in_collation_order(
    barcelona: City, process: Process, make_user: Callable[..., Any],
    client_for: Callable[..., Any],
) -> None:
    html = client_for(make_user()).get(f"{process.get_absolute_url()}new/").content.decode()
    names = _options(html, "area")
    assert len(names) == 73
    assert names == sorted(names, key=_primary)
    # "el/la/les …" among the others, not after every capitalised name.
    assert names.index("Horta") < names.index("la Barceloneta") < names.index("Sants")


def test_districts_offered_as_a_filter_are_in_collation_order(
    barcelona: City, process: Process, client_for: Callable[..., Any]
) -> None:
    html = client_for(None).get(process.get_absolute_url()).content.decode()
    names = _options(html, "area")
    assert len(names) == 10
    assert names == sorted(names, key=_primary)
