"""How each energy figure was obtained (measured, modelled, estimated), for the pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from urbis.energy import measured

register = template.Library()


def _labels() -> dict[str, str]:
    return {
        measured.MEASURED: _("measured"),
        measured.MODELLED: _("modelled"),
        measured.ESTIMATED: _("estimated"),
    }


@register.simple_tag
def how_obtained(city: Any, year: Any, code: str) -> list[dict[str, str]]:
    """``[{"kind": ..., "label": ...}]`` for one area's figures of one year (empty: no data)."""
    try:
        year = int(year)
    except (TypeError, ValueError):
        return []
    kinds = measured.provenance(city).get(year, {}).get(code, [])
    labels = _labels()
    return [{"kind": k, "label": labels[k]} for k in kinds]


@register.simple_tag
def measured_sources(city: Any) -> list[measured.Dataset]:
    return measured.sources(city)
