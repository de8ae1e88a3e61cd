"""``{% open_data_links city %}``: on a page that shows a published layer, links to that
layer's OGC API collection and its catalogue entry.

Which layers a page shows comes from the registry (each layer's ``page(city)``), so a page
includes the same one line whatever it shows, and a new layer needs no template change."""

from __future__ import annotations

from typing import Any

from django import template

from urbis.opendata import links

register = template.Library()


@register.inclusion_tag("opendata/_layer_links.html", takes_context=True)
def open_data_links(context: Any, city: Any) -> dict[str, Any]:
    request = context.get("request")
    path = request.path if request is not None else ""
    return {"layers": links.for_page(city, path)}
