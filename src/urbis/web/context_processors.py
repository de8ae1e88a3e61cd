from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from urbis.demo import services as demo_services
from urbis.web.sections import site_links


def platform(request: HttpRequest) -> dict[str, Any]:
    return {
        "TILE_URL": settings.TILE_URL,
        "TILE_ATTRIBUTION": settings.TILE_ATTRIBUTION,
        "BASEMAP_PMTILES_URL": basemap_pmtiles_url(),
        "site_links": SimpleLazyObject(lambda: site_links(request)),
        "demo_loading": SimpleLazyObject(demo_services.loading_state),
    }


def basemap_pmtiles_url() -> str:
    """Where the browser reads the vector base map: the configured URL, or this site's own
    address for a configured file path; empty when no vector base map is configured."""
    configured = settings.BASEMAP_PMTILES
    if not configured:
        return ""
    if configured.startswith(("http://", "https://", "/static/", "/media/")):
        return configured
    return reverse("web:basemap")
