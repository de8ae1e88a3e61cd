"""Data reaches the page as text, never as markup, and every page carries a
Content-Security-Policy without inline script and a Permissions-Policy (issue 15, security 2)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from urbis.places import services
from urbis.places.models import City
from urbis.web.security import tile_sources

HOSTILE = "<img src=x onerror=alert(1)>Mitte"
SQUARE = [[[13.30, 52.50], [13.32, 52.50], [13.32, 52.52], [13.30, 52.52], [13.30, 52.50]]]
STATIC_JS = Path(__file__).resolve().parents[2] / "src" / "urbis"


def _policy(response: Any) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    return {
        parts[0]: parts[1:]
        for parts in (d.split() for d in header.split(";") if d.strip())
    }


def _hostile_city(tmp_path: Path) -> City:
    city = services.upsert_city(code="feindstadt", name="Feindstadt", country="DE")
    path = tmp_path / "bezirke.geojson"
    features = [
        {"type": "Feature", "properties": {"code": "01", "name": HOSTILE},
         "geometry": {"type": "Polygon", "coordinates": SQUARE}}
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    services.import_areas(path, city=city, level="district")
    return city


def test_tile_sources_allow_the_tile_server_and_nothing_wider() -> None:
    assert tile_sources("") == []
    assert tile_sources("https://{s}.tile.example.org/{z}/{x}/{y}.png") == [
        "https://*.tile.example.org"
    ]
    assert tile_sources("http://tiles.local:8080/{z}/{x}/{y}.png") == ["http://tiles.local:8080"]
    with pytest.raises(ValueError, match="leftmost"):
        tile_sources("https://a.{s}.example.org/{z}/{x}/{y}.png")
    with pytest.raises(ValueError, match="http"):
        tile_sources("javascript:alert(1)")


class _Page(HTMLParser):
    """Links, inline scripts and inline event handlers of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.inline_scripts: list[str] = []
        self.handlers: list[str] = []
        self._script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.handlers += [f"<{tag} {name}>" for name, _ in attrs if name.startswith("on")]
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        if tag == "script":
            self._script = found

    def handle_data(self, data: str) -> None:
        script = self._script
        if (
            script is not None
            and data.strip()
            and not script.get("src")
            and script.get("type") != "application/json"
        ):
            self.inline_scripts.append(data.strip()[:80])

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None


def test_every_page_carries_the_security_headers(
    barcelona: City, admin_user: Any, client_for: Any
) -> None:
    """Crawl the site from the home page (as a superuser, so that editor pages are reached too)
    and check the headers, and that no page relies on what the policy blocks."""
    client: Client = client_for(admin_user)
    start = ["/", "/cities/barcelona/", "/cities/barcelona/areas/B01/", "/accounts/login/",
             "/admin/", "/api/v1/cities", "/api/v1/docs", "/no-such-page/"]
    queue, seen, checked = list(start), set(start), 0
    while queue and checked < 120:
        url = queue.pop(0)
        response = client.get(url)
        checked += 1
        policy = _policy(response)
        assert policy.get("script-src") == ["'self'"], url
        assert "'unsafe-inline'" not in policy.get("default-src", []), url
        assert policy.get("object-src") == ["'none'"], url
        assert "geolocation=()" in response.headers.get("Permissions-Policy", ""), url
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue
        parsed = _Page()
        parsed.feed(response.content.decode())
        assert parsed.inline_scripts == [], (url, parsed.inline_scripts)
        assert parsed.handlers == [], (url, parsed.handlers)
        for href in parsed.links:
            target = urlsplit(urljoin(url, href))
            if target.netloc or target.scheme not in ("", "http", "https"):
                continue
            path = target.path
            skip = path.startswith(("/static/", "/media/", "/accounts/logout", "/admin/"))
            if skip or re.search(r"\.(pdf|csv|parquet|zip|ttl|jsonld|gpkg)$", path):
                continue
            if path not in seen:
                seen.add(path)
                queue.append(path)
    assert checked >= 15  # the crawl reached well past the start pages


def test_no_script_of_ours_writes_markup_from_strings() -> None:
    """innerHTML and friends with data are how a hostile name becomes markup; Leaflet treats a
    string given to bindTooltip/bindPopup/setContent as HTML. Our scripts use none of the first,
    and give Leaflet only a function, or a helper of the same file that returns a function
    building a text node."""
    ours = [p for p in STATIC_JS.glob("*/static/**/*.js") if "vendor" not in p.parts]
    assert len(ours) >= 5
    markup = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write")
    leaflet_content = re.compile(r"\.(?:bindTooltip|bindPopup|setContent)\(\s*(?:([\w$]+)(\()?)?")
    text_helper = re.compile(
        r"function\s+([\w$]+)\s*\([^)]*\)\s*\{\s*return function\b[^}]*textContent"
    )
    offenders = []
    for path in ours:
        source = path.read_text()
        helpers = set(text_helper.findall(source))
        for number, line in enumerate(source.splitlines(), start=1):
            call = leaflet_content.search(line)
            safe = call and (call[1] == "function" or (call[1] in helpers and call[2]))
            if markup.search(line) or (call and not safe):
                offenders.append(f"{path.relative_to(STATIC_JS)}:{number}: {line.strip()}")
    assert offenders == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_hostile_area_name_shows_as_text(page: Any, live_server: Any, tmp_path: Path) -> None:
    _hostile_city(tmp_path)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    # Anything the policy blocks is recorded: the page must need none of it.
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " function (e) { window.__csp.push(e.violatedDirective + ' ' + e.blockedURI); });"
    )
    response = page.goto(f"{live_server.url}/cities/feindstadt/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("#map[data-loaded='1']")
    page.locator('#map path[data-code="01"]').hover()
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for()
    assert tooltip.inner_text().startswith(HOSTILE + ": ")
    assert tooltip.locator("img").count() == 0
    assert page.locator("#map img[src='x']").count() == 0
    # The table and the shape's text alternative carry the name as text too.
    assert page.get_by_role("link", name=HOSTILE).count() == 1
    assert page.locator('#map path[data-code="01"]').get_attribute("aria-label").startswith(HOSTILE)
    page.wait_for_timeout(300)  # time for an onerror handler to have fired, had it been parsed
    assert dialogs == []
    assert page.evaluate("window.__csp") == []

    # An inline script, had one slipped into a page, would not run under this policy.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.body.appendChild(s); }"
    )
    assert page.evaluate("window.__ran === undefined")
    assert any(v.startswith("script-src") for v in page.evaluate("window.__csp"))
