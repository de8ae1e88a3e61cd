"""The sources the Content-Security-Policy allows beyond this site (read by settings.py).

Plain Python with no Django import: settings.py calls it before Django is set up."""

from __future__ import annotations

import re
from urllib.parse import urlsplit


def tile_sources(tile_url: str) -> list[str]:
    """The CSP source that lets the map load its base tiles from ``tile_url``, a Leaflet URL
    template such as ``https://{s}.tile.example.org/{z}/{x}/{y}.png``.

    A placeholder in the host (Leaflet's ``{s}`` subdomain) becomes CSP's ``*.`` wildcard,
    which only the leftmost label may carry; a template that needs more cannot be expressed
    and is refused, so that a misconfiguration shows at start-up, not as a blank map."""
    if not tile_url:
        return []
    parts = urlsplit(tile_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"URBIS_TILE_URL must be an http(s) URL, got {tile_url!r}")
    host = parts.netloc.rsplit("@", 1)[-1]
    labels = host.split(".")
    for index, label in enumerate(labels):
        if "{" in label:
            if index != 0 or not re.fullmatch(r"\{[a-z]+\}", label):
                raise ValueError(
                    f"URBIS_TILE_URL {tile_url!r}: only a whole leftmost host label may be a "
                    "placeholder such as {s}"
                )
            labels[0] = "*"
    return [f"{parts.scheme}://{'.'.join(labels)}"]
