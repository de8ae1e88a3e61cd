"""Times are shown by the clock of the city they concern, not the server's (UTC).

:class:`CityTimeZoneMiddleware` activates the city's time zone (``City.time_zone``) for every
request whose address names a city (the ``code`` of ``cities/<code>/…``, pages and API alike),
so that ``{{ value|date:"SHORT_DATETIME_FORMAT" }}``, ``timezone.localtime()``,
``timezone.localdate()`` and the datetime fields of forms all use it. A page that shows the
times of several cities converts each with :func:`city_zone` (in templates: the
``in_city_zone`` filter of ``{% load city_time %}``). Requests that concern no city keep the
default zone (``TIME_ZONE``, UTC).
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from urbis.places.models import ROUTABLE_CODE, City

# Zones looked up during one request, by city code; None outside a request (no caching then).
_zones: ContextVar[dict[str, zoneinfo.ZoneInfo | None] | None] = ContextVar(
    "urbis_city_zones", default=None
)
_CITY_PATH = re.compile(r"^(?:https?://[^/]+)?/(?:api/v\d+/)?cities/([-a-zA-Z0-9_]+)/")


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None  # the model validates the name; a bad legacy row falls back to UTC


def city_zone(city: City | str | None) -> zoneinfo.ZoneInfo | None:
    """The time zone of ``city`` (a City, its code, or an address inside its pages such as
    ``/cities/paris/ideas/3/``); ``None`` when it names no known city."""
    if city is None or city == "":
        return None
    if isinstance(city, City):
        return _zone(city.time_zone)
    code = str(city)
    if "/" in code:
        found = _CITY_PATH.match(code)
        if found is None:
            return None
        code = found.group(1)
    elif not ROUTABLE_CODE.fullmatch(code):
        # No city has such a code, and a NUL byte would be a database error on PostgreSQL.
        return None
    cache = _zones.get()
    if cache is not None and code in cache:
        return cache[code]
    name = City.objects.filter(code=code).values_list("time_zone", flat=True).first()
    zone = _zone(name) if name else None
    if cache is not None:
        cache[code] = zone
    return zone


class CityTimeZoneMiddleware:
    """Activate the time zone of the city a request concerns, for that request only."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _zones.set({})
        timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            # A worker thread serves other requests next: never leave a city's zone active.
            timezone.deactivate()
            _zones.reset(token)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: dict[str, Any]
    ) -> None:
        code = kwargs.get("code")
        zone = city_zone(code) if isinstance(code, str) else None
        if zone is not None:
            timezone.activate(zone)
        return None
