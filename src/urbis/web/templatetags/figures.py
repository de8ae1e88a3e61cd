"""``{{ value|figure }}``: a figure in the reader's number format with sensible precision —
14,413 and 3.6 and 0.267, never ``14413.0`` — whatever type the database gave (float, Decimal,
int). Precision follows the size: whole numbers from 100, one decimal from 10, two from 1,
three below; trailing zeros are dropped. ``{{ value|figure:4 }}`` keeps up to four decimals
whatever the size (emission factors: 0.1524 and 0.3, never 0.3000)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def figure(value: Any, most_decimals: int | None = None) -> Any:
    if value is None or value == "" or isinstance(value, bool):
        return value
    if not isinstance(value, int | float | Decimal):
        try:
            value = float(value)
        except (TypeError, ValueError):
            return value
    size = abs(value)
    digits = 0 if size >= 100 else 1 if size >= 10 else 2 if size >= 1 else 3
    if most_decimals is not None:
        digits = int(most_decimals)
    # Only the decimals the rounded figure needs: 3.6, not 3.60.
    exponent = Decimal(str(round(float(value), digits))).normalize().as_tuple().exponent
    places = max(0, -int(exponent)) if isinstance(exponent, int) else 0
    return floatformat(value, f"{min(places, digits)}g")
