"""Pages say what is modelled beside the figure, and say nothing of the kind for real uploads
(issue 16, "Say what is real")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.energy.conftest import readings

MODELLED = "Modelled demo data:"


@pytest.fixture
def energy_dir(settings: Any, tmp_path: Path) -> Path:
    from urbis.energy import engine

    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    with engine._lock:
        engine._memo.clear()
    return Path(settings.DATA_DIR)


def _ingest(city: Any, tmp_path: Path, name: str, source: str, **kwargs: Any) -> None:
    from urbis.energy import services

    path = tmp_path / name
    path.write_text(readings(**kwargs), encoding="utf-8")
    upload = services.ingest_path(city, path, source=source)
    assert upload.status == "stored", upload.errors


@pytest.mark.django_db
def test_energy_map_of_measured_uploads_claims_no_demo(barcelona: Any, energy_dir: Path,
                                                       tmp_path: Path) -> None:
    _ingest(barcelona, tmp_path, "real.csv", "cli")
    page = Client().get("/cities/barcelona/energy/").content.decode()
    assert "id=\"energy-map\"" in page
    assert "modelled readings" not in page.lower() and "Partly modelled" not in page
    assert "badge illustrative" not in page


@pytest.mark.django_db
def test_energy_map_of_demo_files_says_modelled(barcelona: Any, energy_dir: Path,
                                                tmp_path: Path) -> None:
    _ingest(barcelona, tmp_path, "demo.csv", "demo")
    page = Client().get("/cities/barcelona/energy/").content.decode()
    assert MODELLED in page
    assert '<span class="badge illustrative">modelled</span>' in page
    # A measured file added beside the demo's: the page says the figures are partly modelled.
    _ingest(barcelona, tmp_path, "real.csv", "cli", prefix="r", area="B01", lon=2.17, lat=41.38)
    page = Client().get("/cities/barcelona/energy/").content.decode()
    assert "Partly modelled:" in page and MODELLED not in page
    assert '<span class="badge illustrative">partly modelled</span>' in page


# Every shipped data file is on /data-sources/: tests/web/test_data_sources_complete.py.


@pytest.mark.django_db
def test_data_sources_page_lists_datasets_and_labels_what_is_not_published(barcelona: Any) -> None:
    page = Client().get("/data-sources/").content.decode()
    assert 'id="datasets"' in page
    assert "Meter readings of the energy map and the competition" in page
    assert page.count('data-kind="modelled"') == 1
    assert page.count('data-kind="illustrative"') >= 4
    assert "Standard emission factors" in page
    # Citizens are not sent to a repository path.
    assert "docs/" not in page and "src/urbis" not in page


@pytest.mark.django_db
def test_energy_area_page_says_modelled_only_for_demo_readings(barcelona: Any, energy_dir: Path,
                                                               tmp_path: Path) -> None:
    _ingest(barcelona, tmp_path, "real.csv", "cli")
    url = "/cities/barcelona/energy/areas/B07/"
    assert 'id="provenance"' not in Client().get(url).content.decode()
    _ingest(barcelona, tmp_path, "demo.csv", "demo", prefix="d", area="B01", lon=2.17, lat=41.38)
    page = Client().get(url).content.decode()
    assert 'id="provenance"' in page and "partly modelled" in page


def _strategy(city: Any, *, illustrative: bool) -> Any:
    from urbis.strategy.models import Strategy

    return Strategy.objects.create(
        city=city, slug=f"s-{illustrative}", title="Pla", start_year=2020, end_year=2030,
        is_published=True, is_illustrative=illustrative,
    )


@pytest.mark.django_db
def test_demo_strategy_pages_and_network_dashboard_say_illustrative(barcelona: Any) -> None:
    real = _strategy(barcelona, illustrative=False)
    client = Client()
    assert 'id="illustrative-note"' not in client.get(real.get_absolute_url()).content.decode()
    demo = _strategy(barcelona, illustrative=True)
    for url in (demo.get_absolute_url(), demo.get_absolute_url() + "actions/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'id="illustrative-note"' in response.content.decode(), url


@pytest.mark.django_db
def test_network_dashboard_says_illustrative_only_with_demo_strategies(barcelona: Any) -> None:
    from django.urls import reverse

    url = reverse("strategy:network")
    _strategy(barcelona, illustrative=False)
    assert 'id="illustrative-note"' not in Client().get(url).content.decode()
    _strategy(barcelona, illustrative=True)
    assert 'id="illustrative-note"' in Client().get(url).content.decode()


@pytest.mark.django_db
def test_demo_loaders_mark_their_strategies_and_processes(barcelona: Any) -> None:
    from urbis.strategy import demo

    strategy = demo._strategy("barcelona", "demo-check", title="Pla", start_year=2020,
                              end_year=2030)
    strategy.refresh_from_db()
    assert strategy.is_illustrative


@pytest.mark.django_db
def test_demo_process_pages_say_votes_are_illustrative(barcelona: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from urbis.engagement.models import Process

    now = timezone.now()
    day = dt.timedelta(days=1)
    times = {"collecting_starts": now - 5 * day, "collecting_ends": now + 5 * day,
             "voting_starts": now - 5 * day, "voting_ends": now + 5 * day, "closes": now + 20 * day}
    real = Process.objects.create(city=barcelona, slug="real", title="Real", **times)
    demo = Process.objects.create(city=barcelona, slug="demo", title="Demo", is_illustrative=True,
                                  **times)
    assert 'id="illustrative-note"' not in Client().get(real.get_absolute_url()).content.decode()
    assert 'id="illustrative-note"' in Client().get(demo.get_absolute_url()).content.decode()
