"""Issue 15, bug 6: every time is shown by the clock of the city it concerns, in the reader's
language's format (Django's localised formats), not in UTC as an English pattern."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from urbis.energy.queries import StoredDelivery
from urbis.engagement import services
from urbis.engagement.models import Idea, Notification, Process, Workshop
from urbis.engines.energy.model import StoredFile
from urbis.places import services as places
from urbis.places.models import City
from urbis.web.timezones import city_zone

MADRID = ZoneInfo("Europe/Madrid")
# 18:00 in Madrid on 15 January 2031 (winter time, UTC+1) is 17:00 UTC; on 15 July (summer
# time, UTC+2) 16:00 UTC. Both must show as 18:00.
WINTER = dt.datetime(2031, 1, 15, 18, 0, tzinfo=MADRID)
SUMMER = dt.datetime(2031, 7, 15, 18, 0, tzinfo=MADRID)


def _process(city: City) -> Process:
    now = timezone.now()
    return services.create_process(
        by=None, city=city, slug="barris-en-transicio", title="Barris en transició",
        collecting_starts=now - dt.timedelta(days=10), collecting_ends=now + dt.timedelta(days=10),
        voting_starts=now - dt.timedelta(days=5), voting_ends=now + dt.timedelta(days=20),
        closes=now + dt.timedelta(days=40),
    )


def _workshop(city: City, starts: dt.datetime) -> Workshop:
    return services.create_workshop(
        by=None, process=_process(city), title="Taller de barri", starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2), capacity=20, place="Casal de barri",
    )


def _get(client: Any, url: str, language: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.parametrize(("starts", "de", "es", "en", "zone"), [
    (WINTER, "Januar", "enero", "Jan.", "CET"),
    (SUMMER, "Juli", "julio", "July", "CEST"),
], ids=["winter", "summer"])
def test_a_workshop_at_six_in_madrid_shows_six(
    barcelona: City, client: Any, starts: dt.datetime, de: str, es: str, en: str, zone: str
) -> None:
    workshop = _workshop(barcelona, starts)
    url = workshop.get_absolute_url()
    german = _get(client, url, "de")
    assert f"<dd>15. {de} 2031 18:00 – 20:00 ({zone})</dd>" in german
    assert "17:00" not in german and "16:00" not in german and "(UTC)" not in german
    spanish = _get(client, url, "es")
    assert f"<dd>15 de {es} de 2031 a las 18:00 – 20:00 ({zone})</dd>" in spanish
    english = _get(client, url, "en")
    assert f"<dd>{en} 15, 2031, 6 p.m. – 8 p.m. ({zone})</dd>" in english


def test_the_city_list_of_workshops_and_the_idea_history_use_the_city_clock(
    barcelona: City, client: Any, make_user: Callable[..., Any]
) -> None:
    workshop = _workshop(barcelona, WINTER)
    html = _get(client, f"/cities/{barcelona.code}/engagement/", "de")
    assert workshop.title in html and "15.01.2031 18:00" in html
    idea = services.submit_idea(by=make_user(), process=workshop.process,
                                title="Solar schools", body="Panels on every school roof, please.",
                                category="energy")
    # Published at 23:30 UTC on 31 December: already 1 January in Barcelona.
    Idea.objects.filter(pk=idea.pk).update(created_at=dt.datetime(2030, 12, 31, 23, 30,
                                                                   tzinfo=dt.UTC))
    html = _get(client, idea.get_absolute_url(), "de")
    assert "01.01.2031 00:30" in html and "31.12.2030" not in html
    assert "01/01/2031" in _get(client, idea.get_absolute_url(), "fr")


def test_notifications_show_each_city_by_its_clock(
    barcelona: City, make_user: Callable[..., Any], client_for: Callable[..., Any]
) -> None:
    lisbon = places.upsert_city(code="lisboa", name="Lisboa", country="PT",
                                time_zone="Europe/Lisbon")
    user = make_user()
    moment = dt.datetime(2031, 1, 15, 17, 0, tzinfo=dt.UTC)
    for city, text in [(barcelona, "In Barcelona"), (lisbon, "In Lisboa")]:
        Notification.objects.create(user=user, text=text, url=f"/cities/{city.code}/ideas/1/",
                                    created_at=moment)
    Notification.objects.create(user=user, text="Platform", url="/accounts/privacy/",
                                created_at=moment)
    html = _get(client_for(user), "/notifications/", "de")
    assert re.search(r"In Barcelona</a></strong> <small>15\.01\.2031 18:00 CET</small>", html)
    assert re.search(r"In Lisboa</a></strong> <small>15\.01\.2031 17:00 WET</small>", html)
    # No city: the platform's default zone (UTC), named.
    assert re.search(r"Platform</a></strong> <small>15\.01\.2031 17:00 UTC</small>", html)


def test_the_city_zone_is_only_active_for_that_request(barcelona: City, client: Any) -> None:
    workshop = _workshop(barcelona, WINTER)
    _get(client, workshop.get_absolute_url(), "en")
    assert timezone.get_current_timezone_name() == "UTC"
    assert city_zone("barcelona") == MADRID
    assert city_zone("/cities/barcelona/ideas/4/") == MADRID
    assert city_zone("/api/v1/cities/barcelona/ideas") == MADRID
    assert city_zone("/accounts/tokens/") is None
    assert city_zone("no-such-city") is None


def test_stored_energy_files_show_the_city_s_first_and_last_day(barcelona: City) -> None:
    # A year of Barcelona readings starts at 23:00 UTC on 31 December (the store's naive UTC
    # timestamps): its first day is 1 January, not the day before.
    stored = StoredFile(
        city="barcelona", file_hash="abc123", source_name="lectures-2025.csv", rows=8760,
        meters=1, years=(2024, 2025), first_ts="2024-12-31 23:00:00",
        last_ts="2025-12-31 22:00:00", ingested_at="2026-03-01T23:30:00+00:00",
    )
    delivery = StoredDelivery(stored, None)
    with timezone.override(MADRID), translation.override("de"):
        html = render_to_string("energy/_stored_files.html", {"stored": [delivery],
                                                               "city": barcelona})
    cells = re.findall(r"<td>([^<]*)</td>", html)
    assert cells[:2] == ["01.01.2025", "31.12.2025"]
    assert "02.03.2026 00:30" in html  # stored at 23:30 UTC, already the next day in Madrid


def test_a_report_published_late_on_new_year_s_eve_is_dated_by_the_city(
    barcelona: City, client: Any
) -> None:
    from pypdf import PdfReader

    from urbis.strategy import services as strategy_services
    from urbis.strategy.models import ProgressReport

    strategy = strategy_services.save_strategy(
        by=None, city=barcelona, title="Pla clima", slug="pla-clima-tz", vision="Menys emissions.",
        start_year=2018, end_year=2030, is_published=True,
    )
    report = strategy_services.publish_report(
        by=None, strategy=strategy, period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31), title="Informe 2024",
    )
    # 23:30 UTC on 31 December 2030 is 00:30 on 1 January 2031 in Barcelona.
    ProgressReport.objects.filter(pk=report.pk).update(
        published_at=dt.datetime(2030, 12, 31, 23, 30, tzinfo=dt.UTC)
    )
    base = f"/cities/{barcelona.code}/strategy/{strategy.slug}/reports/"
    assert "01.01.2031" in _get(client, f"{base}{report.pk}/", "de")
    assert "(01/01/2031)" in _get(client, f"/cities/{barcelona.code}/strategy/{strategy.slug}/",
                                  "fr")
    response = client.get(f"{base}{report.pk}/report.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    # The PDF writes dates in the reader's format (English here: month/day/year).
    assert "Published 01/01/2031" in text and "12/31/2030" not in text


def test_a_german_reader_sees_german_dates(barcelona: City, client: Any) -> None:
    assert barcelona.population_date is not None
    html = _get(client, f"/cities/{barcelona.code}/", "de")
    assert f"({barcelona.population_date:%d.%m.%Y})" in html
    assert f"({barcelona.population_date:%Y-%m-%d})" not in html


# A named localised format, a machine-readable one ("c" for <time datetime>, "U"), the zone
# ("T", "e") or the year alone are fine; a hard-coded day/month/hour pattern is not.
ALLOWED_FORMATS = re.compile(r"^(?:[A-Z_]+_FORMAT|c|U|T|e|Y)$")


def test_no_template_shows_a_date_in_a_hard_coded_pattern() -> None:
    from pathlib import Path

    import urbis

    package = Path(urbis.__file__).parent
    found = []
    for template in sorted(package.glob("*/templates/**/*.html")):
        text = template.read_text()
        for match in re.finditer(r"\|(?:date|time):\s*[\"']([^\"']*)[\"']", text):
            if not ALLOWED_FORMATS.match(match.group(1)):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(package)}:{line}: {match.group(0)}")
        found += [f"{template.relative_to(package)}: |date without a format"
                  for _ in re.finditer(r"\|date(?=[\s|}])", text)]
    assert found == []


def test_an_editor_types_times_by_the_city_s_clock(
    barcelona: City, make_user: Callable[..., Any], client_for: Callable[..., Any]
) -> None:
    process = _process(barcelona)
    form = {"process": process.slug, "title": "Taller de barri", "capacity": "20",
            "starts_at": "2031-01-15T18:00", "ends_at": "2031-01-15T20:00",
            "place": "Casal de barri"}
    url = f"/cities/{barcelona.code}/engagement/new-workshop/"
    # A member without the editor role is refused and nothing is stored.
    refused = client_for(make_user(role="member", city=barcelona)).post(url, form)
    assert refused.status_code == 403 and not Workshop.objects.exists()
    editor = client_for(make_user(role="editor", city=barcelona))
    response = editor.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    workshop = Workshop.objects.get()
    # 18:00 in Barcelona in January is 17:00 UTC.
    assert workshop.starts_at == dt.datetime(2031, 1, 15, 17, 0, tzinfo=dt.UTC)
    assert "<dd>15. Januar 2031 18:00 – 20:00 (CET)</dd>" in _get(editor, response["Location"],
                                                                  "de")
