"""Formats for energy pages: MWh from kWh, percentages from ratios, month names."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.dates import MONTHS
from django.utils.formats import number_format

register = template.Library()


@register.filter
def mwh(kwh: Any) -> str:
    if kwh is None or kwh == "":
        return "–"
    value = float(kwh) / 1000.0
    return str(intcomma(number_format(value, 0 if abs(value) >= 100 else 1)))


@register.filter
def pct(ratio: Any) -> str:
    if ratio is None or ratio == "":
        return "–"
    return f"{number_format(float(ratio) * 100.0, 1)} %"


@register.filter
def month_name(month: Any) -> str:
    """1-12 as the month's name in the active language."""
    try:
        return str(MONTHS[int(month)])
    except (KeyError, TypeError, ValueError):
        return str(month)
