from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from urbis.web.sections import site_links


def platform(request: HttpRequest) -> dict[str, Any]:
    return {
        "TILE_URL": settings.TILE_URL,
        "TILE_ATTRIBUTION": settings.TILE_ATTRIBUTION,
        "site_links": SimpleLazyObject(lambda: site_links(request)),
    }
