"""/data-sources/ lists every dataset the package ships, and no page sends citizens to a
repository path (issue 16, "Say what is real")."""

from __future__ import annotations

import csv
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from tests.web.test_csp_xss import _Page

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "urbis"

# Folders that hold code and interface assets, never data: templates, translations, and the
# vendored scripts and styles (their licences are in static/vendor/README.md).
NOT_DATA_FOLDERS = {"__pycache__", "templates", "static", "locale"}

# Files outside those folders that are not datasets, each with why. Nothing else may be left
# off the page.
NOT_DATA = {
    # The typeface of the PDF reports and its licence: software, credited in docs/DATA.md
    # ("Fonts"), with no figures in it.
    "strategy/fonts/DejaVuSans.ttf",
    "strategy/fonts/DejaVuSans-Bold.ttf",
    "strategy/fonts/LICENSE",
    "strategy/fonts/README.md",
}


def shipped_data_files(root: Path) -> set[str]:
    """Every file of the package that is not code, an interface asset or in NOT_DATA."""
    return {
        str(path.relative_to(root)) for path in root.rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc", ".pyi"}
        and path.name != "py.typed"
        and not NOT_DATA_FOLDERS & set(path.relative_to(root).parts)
    } - NOT_DATA


def test_the_walk_finds_any_new_data_file_and_skips_code_and_assets(tmp_path: Path) -> None:
    for name in ("energy/data/new.parquet", "insight/demo_data/new.toml", "places/extra.csv",
                 "engines/x/data/SOURCE.md", "web/static/vendor/lib.js",
                 "web/templates/web/page.html", "locale/fr/LC_MESSAGES/django.po",
                 "energy/services.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert shipped_data_files(tmp_path) == {
        "energy/data/new.parquet", "insight/demo_data/new.toml", "places/extra.csv",
        "engines/x/data/SOURCE.md"}


def test_every_shipped_data_file_is_listed_on_the_data_sources_page() -> None:
    from urbis.web.datasets import DATASETS, KINDS

    shipped = shipped_data_files(PACKAGE)
    assert "engines/scenario/data/national_electricity_intensity_yearly.csv" in shipped
    listed = [f for d in DATASETS for f in d.files]
    assert sorted(shipped - set(listed)) == [], "shipped but not on /data-sources/"
    assert sorted(set(listed) - shipped) == [], "listed but not shipped (or in NOT_DATA)"
    assert len(listed) == len(set(listed)), "a file is listed twice"
    assert {d.kind for d in DATASETS} <= set(KINDS)
    for dataset in DATASETS:  # every column says something
        assert all(str(v).strip() for v in (dataset.title, dataset.publisher, dataset.licence,
                                             dataset.date, dataset.used)), dataset.title


def _csv(path: str) -> list[dict[str, str]]:
    with (PACKAGE / path).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.django_db
def test_page_shows_every_entry_with_the_provenance_its_files_carry(barcelona: Any) -> None:
    from urbis.web.datasets import DATASETS, KINDS

    page = Client().get("/data-sources/").content.decode()
    for dataset in DATASETS:
        for value in (dataset.title, dataset.publisher, dataset.licence, dataset.date,
                      dataset.used, KINDS[dataset.kind]):
            assert escape(str(value)) in page, value
    assert page.count("<tr data-kind=") == len(DATASETS)
    # Read from the files, not typed twice: the yearly series' publisher, licence and years,
    # the boundary folders' SOURCE.md, the rent table's years.
    yearly = _csv("engines/scenario/data/national_electricity_intensity_yearly.csv")
    years = sorted({int(r["year"]) for r in yearly})
    assert escape(yearly[0]["publisher"]) in page and "Our World in Data" in page
    assert escape(yearly[0]["licence"]) in page and "CC BY 4.0" in page
    assert f"{years[0]}–{years[-1]}" in page
    assert escape("Open Database License (ODbL) 1.0") in page  # paris/SOURCE.md
    rent = _csv("insight/data/barcelona-rent-sant-marti-2014-2019.csv")
    assert f"{min(r['year'] for r in rent)}–{max(r['year'] for r in rent)}" in page
    assert "(France 2023, Spain 2015)" not in page  # the old, incomplete title


@pytest.mark.django_db
def test_page_reads_in_the_reader_language(barcelona: Any) -> None:
    from urbis.web.datasets import DATASETS

    client = Client()
    client.cookies["django_language"] = "fr"
    page = client.get("/data-sources/").content.decode()
    with translation.override("fr"):
        assert escape(translation.gettext("Data sources and licences")) in page
        assert escape(str(DATASETS[0].title)) in page


# A path of this repository shown to a citizen: source folders, docs, and file views of a
# repository host. Citations of other publishers' copies (e.g. "via GitHub owner/repo@commit" in
# a figure's source) are provenance, not a pointer into Urbis, and are allowed.
REPOSITORY_PATH = re.compile(
    r"src/urbis|urbis/[a-z_]+/(?:demo_data|data|templates)/|\bdocs/[A-Za-z_/]+\.md"
    r"|CONTRIBUTING\.md|\btests/[a-z_/]+\.py|\.py\b(?!thon)"
    r"|github\.com/[^\"'<>\s]*urbis[^\"'<>\s]*/(?:blob|tree)/",
)


@pytest.mark.slow
@pytest.mark.django_db
def test_no_page_of_the_demo_points_to_a_repository_path(
    admin_user: Any, client_for: Any, settings: Any, tmp_path: Path,
) -> None:
    """Crawl the demo (its quick steps: places, strategies, engagement, policy, insight,
    scenarios) as a superuser, as tests/web/test_csp_xss.py crawls the site, and look for a
    repository path in every HTML page's text and links."""
    from urbis.demo import loader

    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    for _label, step in loader.quick_steps():
        step()
    client: Client = client_for(admin_user)
    start = ["/", "/data-sources/", "/cities/barcelona/", "/cities/paris/", "/network/"]
    queue, seen, pages, offending = list(start), set(start), 0, []
    shapes: dict[str, int] = {}  # a few pages of each kind (digits aside) reach more kinds
    started = time.monotonic()
    while queue and pages < 400 and time.monotonic() - started < 240:
        url = queue.pop(0)
        response = client.get(url)
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue
        pages += 1
        html = response.content.decode()
        offending += [(url, m.group(0)) for m in REPOSITORY_PATH.finditer(html)]
        parsed = _Page()
        parsed.feed(html)
        for href in parsed.links:
            target = urlsplit(urljoin(url, href))
            if target.netloc or target.scheme not in ("", "http", "https"):
                continue
            path = target.path
            skip = path.startswith(("/static/", "/media/", "/accounts/logout", "/admin/",
                                    "/api/", "/i18n/"))
            if skip or re.search(r"\.(pdf|csv|parquet|zip|ttl|jsonld|gpkg|geojson)$", path):
                continue
            shape = re.sub(r"\d+", "N", path)
            if path not in seen and shapes.get(shape, 0) < 3:
                seen.add(path)
                shapes[shape] = shapes.get(shape, 0) + 1
                queue.append(path)
    assert pages >= 60, pages  # the crawl went well past the start pages
    assert offending == [], {match: url for url, match in offending}


def test_the_repository_path_pattern_catches_what_it_should() -> None:
    for text in ("see src/urbis/demo/data/cities.csv", "docs/DATA.md",
                 "https://github.com/example/urbis/blob/main/docs/DATA.md",
                 "strategy/demo_data/barcelona.toml in urbis/strategy/demo_data/", "demo.py"):
        assert REPOSITORY_PATH.search(text), text
    for text in ("via GitHub xavigonzalvo/bcnopendata@a38ebe2", "Python", "https://doi.org/10.1/x",
                 "Open Data BCN 2014_localsval2014.csv"):
        assert not REPOSITORY_PATH.search(text), text


def test_every_data_file_of_the_tests_is_described_in_docs_data() -> None:
    """Test fixtures are not shown to citizens, but docs/DATA.md names each with its source."""
    tests = PACKAGE.parents[1] / "tests"
    docs = (PACKAGE.parents[1] / "docs" / "DATA.md").read_text(encoding="utf-8")
    fixtures = [path.relative_to(tests.parent) for path in tests.rglob("*")
                if path.is_file() and "data" in path.relative_to(tests).parts[:-1]
                and path.suffix not in {".py", ".pyc"}]
    assert any(path.name == "apiclus1.csv" for path in fixtures)
    missing = [str(path) for path in fixtures
               if path.name != "SOURCE.md"
               and not (str(path.parent) in docs and path.name in docs)]
    assert missing == []
