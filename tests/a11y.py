"""The one axe-core check every browser test uses (WCAG 2.0 / 2.1 levels A and AA)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The WCAG A/AA violations axe-core finds on the page as it is now (rule, help, first
    five nodes)."""
    # Evaluated through the browser's debugging protocol, not added as a <script> tag: the
    # Content-Security-Policy refuses inline scripts, which is what add_script_tag makes.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})""",
        WCAG_TAGS,
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def pages_with_violations(
    page: Any, base_url: str, paths: Iterable[str], *, maps: Iterable[str] = ()
) -> dict[str, list[dict[str, Any]]]:
    """Each path (under ``base_url``) whose page axe-core faults, with its violations; empty
    when every page passes. ``maps``: selectors of maps (``"#map"``) to wait for first, on the
    pages that have one, until they have drawn (``data-loaded``)."""
    maps = tuple(maps)
    found = {}
    for path in paths:
        page.goto(f"{base_url}{path}")
        for selector in maps:
            if page.locator(selector).count():
                page.wait_for_selector(f"{selector}[data-loaded]")
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    return found
