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


@register.simple_tag(takes_context=True)
def how_obtained(
    context: Any, city: Any, year: Any, code: str, carrier: str = "all"
) -> list[dict[str, str]]:
    """``[{"kind": ..., "label": ...}]`` for one area's figures of one year, of one carrier or
    all (empty: no data)."""
    try:
        year = int(year)
    except (TypeError, ValueError):
        return []
    # Read once per page, not once per row of the map's table: checking that the cached
    # provenance is still current costs queries and a listing of the store (about 17 ms).
    key = ("energy_provenance", city.code, carrier)
    provenance = context.render_context.get(key)
    if provenance is None:
        provenance = context.render_context[key] = measured.provenance(city, carrier)
    kinds = provenance.get(year, {}).get(code, [])
    labels = _labels()
    return [{"kind": k, "label": labels[k]} for k in kinds]


@register.simple_tag
def measured_sources(city: Any) -> list[measured.Dataset]:
    return measured.sources(city)
