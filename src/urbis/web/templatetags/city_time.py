"""``{% load city_time %}``: times of several cities on one page, each by its own clock.

``{{ value|in_city_zone:city }}`` (``city`` a City, its code or an address inside its pages)
converts an aware datetime to that city's time zone; follow it with a localised format, e.g.
``|date:"SHORT_DATETIME_FORMAT"``. Unknown city: the value is left in the active zone.
``{{ "2025-01-01 00:00:00"|utc_moment }}`` reads a naive UTC timestamp string (as the energy
store's catalogue writes them) as an aware datetime, so that it too can be shown locally.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.templatetags.tz import do_timezone

from urbis.web.timezones import city_zone

register = template.Library()


@register.filter(expects_localtime=False)
def in_city_zone(value: Any, city: Any) -> Any:
    if not isinstance(value, dt.datetime):
        return value
    zone = city_zone(city)
    return value if zone is None else do_timezone(value, zone)


@register.filter
def utc_moment(value: Any) -> dt.datetime | str:
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value))
        except ValueError:
            return ""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
