"""Ingestion from the command line and the upload page: bad files refused by row with nothing
stored, good files stored once."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.energy.conftest import BAD, readings
from urbis.energy import engine, queries
from urbis.energy.models import EnergyUpload
from urbis.engines.energy import list_files


def _stored(city_code: str, data_dir: Path) -> list[str]:
    return sorted(f.file_hash for f in list_files(data_dir, city_code))


# 0: files checked whole; 50: checked in slices of whole meters (URBIS_ENERGY_INGEST_SLICE_ROWS).
SLICINGS = pytest.mark.parametrize("slice_rows", [0, 50], ids=["whole", "sliced"])


@SLICINGS
def test_cli_bad_file_reports_rows_and_stores_nothing(
    barcelona: Any, energy_dir: Path, write_file: Any, settings: Any, slice_rows: int
) -> None:
    settings.ENERGY_INGEST_SLICE_ROWS = slice_rows
    good = write_file("good.csv", readings())
    call_command("energy", "ingest", str(good), "--city", "barcelona", verbosity=0)
    before = _stored("barcelona", energy_dir)
    balance_before = queries.balance_table(barcelona, level="neighbourhood", year=2025)
    bad = write_file("bad.csv", BAD)
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was stored"):
        call_command("energy", "ingest", str(bad), "--city", "barcelona", verbosity=0,
                     stderr=err)
    text = err.getvalue()
    assert "bad.csv, row 3, field value: negative value" in text
    assert "row 4, field unit" in text
    assert "row 5, field area_code: unknown area code 'XX99'" in text
    assert "row 6, field timestamp: duplicate reading" in text
    assert _stored("barcelona", energy_dir) == before
    engine.forget(barcelona)
    assert queries.balance_table(barcelona, level="neighbourhood", year=2025) == balance_before
    upload = EnergyUpload.objects.get(file_name="bad.csv")
    assert upload.status == EnergyUpload.Status.REJECTED
    assert {e["row"] for e in upload.errors} >= {3, 4, 5, 6}


@SLICINGS
def test_cli_same_file_twice_is_stored_once(
    barcelona: Any, energy_dir: Path, write_file: Any, settings: Any, slice_rows: int
) -> None:
    settings.ENERGY_INGEST_SLICE_ROWS = slice_rows
    good = write_file("good.csv", readings())
    out = io.StringIO()
    call_command("energy", "ingest", str(good), "--city", "barcelona", verbosity=0, stdout=out)
    assert "readings of 13 meters stored" in out.getvalue()
    first = _stored("barcelona", energy_dir)
    out = io.StringIO()
    call_command("energy", "ingest", str(good), "--city", "barcelona", verbosity=0, stdout=out)
    assert "already stored" in out.getvalue()
    assert _stored("barcelona", energy_dir) == first and len(first) == 1
    row = queries.balance_table(barcelona, level="city", year=2025)[0]
    # 12 meters × 48 h, none counted twice.
    expected = sum(
        0.4 + 0.1 * (m % 3) + (0.3 if 17 <= h % 24 <= 21 else 0) for m in range(12)
        for h in range(48)
    )
    assert row["consumption_kwh"] == pytest.approx(expected, abs=0.1)
    assert 0 < row["self_sufficiency"] < 1


def test_cli_balance_prints_a_table(barcelona: Any, energy_dir: Path, write_file: Any) -> None:
    call_command("energy", "ingest", str(write_file("g.csv", readings())), "--city",
                 "barcelona", verbosity=0)
    out = io.StringIO()
    call_command("energy", "balance", "--city", "barcelona", "--level", "district",
                 "--year", "2025", stdout=out)
    text = out.getvalue()
    assert "consumption MWh" in text and "D02" in text


def test_cli_unknown_city_and_time_zone(energy_dir: Path, barcelona: Any, write_file: Any) -> None:
    path = write_file("g.csv", readings(meters=1, hours=2, pv=False))
    with pytest.raises(CommandError, match="No city"):
        call_command("energy", "ingest", str(path), "--city", "atlantis", verbosity=0)
    with pytest.raises(CommandError, match="Unknown time zone"):
        call_command("energy", "ingest", str(path), "--city", "barcelona", "--tz", "Mars/Base",
                     verbosity=0)
    assert list_files(energy_dir, "barcelona") == []


def test_upload_page_bad_file_shows_row_errors_and_keeps_stored_data(
    barcelona: Any, make_user: Any, client_for: Any, energy_dir: Path, inline_jobs: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    editor = make_user("editor", barcelona)
    client = client_for(editor)
    good = io.BytesIO(readings().encode())
    good.name = "good.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/cities/barcelona/energy/upload/", {"file": good})
    assert response.status_code == 302
    stored = _stored("barcelona", energy_dir)
    assert len(stored) == 1
    bad = io.BytesIO(BAD.encode())
    bad.name = "bad.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/cities/barcelona/energy/upload/", {"file": bad})
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "nothing was stored" in html
    assert "negative value" in html and "unknown area code" in html
    assert _stored("barcelona", energy_dir) == stored
    upload = EnergyUpload.objects.get(file_name="bad.csv")
    assert upload.status == EnergyUpload.Status.REJECTED and upload.uploaded_by == editor
    status = client.get(response["Location"] + "?format=json").json()
    assert status["finished"] is True and status["errors"] == len(upload.errors)
    # Nothing of the upload is left behind in the data directory.
    assert not list((energy_dir / "energy" / "uploads").iterdir())


def test_upload_runs_in_the_background_not_in_the_request(
    barcelona: Any, make_user: Any, client_for: Any, energy_dir: Path, monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from urbis.energy import services

    launched: list[int] = []
    monkeypatch.setattr(services, "launch_job", launched.append)
    client = client_for(make_user("editor", barcelona))
    good = io.BytesIO(readings(meters=1, hours=2, pv=False).encode())
    good.name = "small.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/cities/barcelona/energy/upload/", {"file": good})
    upload = EnergyUpload.objects.get(file_name="small.csv")
    assert launched == [upload.pk]
    assert upload.status == EnergyUpload.Status.PENDING
    assert "updates by itself" in client.get(response["Location"]).content.decode()
    services.process_upload(upload.pk)
    upload.refresh_from_db()
    assert upload.status == EnergyUpload.Status.STORED and upload.rows == 2


@pytest.mark.parametrize("role", [None, "member", "moderator"])
def test_upload_page_refuses_users_without_the_role(
    barcelona: Any, paris: Any, make_user: Any, client_for: Any, energy_dir: Path, role: Any
) -> None:
    user = make_user(role, barcelona) if role else None
    client = client_for(user)
    data = io.BytesIO(readings(meters=1, hours=2).encode())
    data.name = "x.csv"
    response = client.post("/cities/barcelona/energy/upload/", {"file": data})
    if user is None:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403
    assert client.get("/cities/barcelona/energy/upload/").status_code in {302, 403}
    assert not EnergyUpload.objects.exists()
    # An editor of another city is no editor here.
    other = client_for(make_user("editor", paris))
    assert other.get("/cities/barcelona/energy/upload/").status_code == 403


def test_remove_then_ingest_a_corrected_file(
    barcelona: Any, energy_dir: Path, write_file: Any
) -> None:
    call_command("energy", "ingest", str(write_file("v1.csv", readings(2, 4, pv=False))),
                 "--city", "barcelona", verbosity=0)
    # The corrected file repeats readings already stored: refused, nothing changes.
    corrected = write_file("v2.csv", readings(2, 4, pv=False).replace(";0,40;", ";0,45;"))
    with pytest.raises(CommandError):
        call_command("energy", "ingest", str(corrected), "--city", "barcelona", verbosity=0,
                     stderr=io.StringIO())
    first = EnergyUpload.objects.get(file_name="v1.csv").file_hash
    call_command("energy", "remove", first, "--city", "barcelona", stdout=io.StringIO())
    call_command("energy", "ingest", str(corrected), "--city", "barcelona", verbosity=0)
    assert len(list_files(energy_dir, "barcelona")) == 1
    with pytest.raises(CommandError, match="No stored file"):
        call_command("energy", "remove", first, "--city", "barcelona")


def test_resume_processes_uploads_left_behind(
    barcelona: Any, make_user: Any, energy_dir: Path, monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from urbis.energy import services

    monkeypatch.setattr(services, "launch_job", lambda upload_id: None)  # the process "died"
    editor = make_user("editor", barcelona)
    with django_capture_on_commit_callbacks(execute=True):
        upload = services.start_upload(
            editor, barcelona, file=io.BytesIO(readings(1, 3, pv=False).encode()),
            file_name="late.csv",
        )
    lost = EnergyUpload.objects.create(
        city=barcelona, source=EnergyUpload.Source.WEB, file_name="lost.csv",
        status=EnergyUpload.Status.RUNNING, pending_path=str(energy_dir / "nope.csv"),
    )
    out = io.StringIO()
    call_command("energy", "resume", stdout=out)
    upload.refresh_from_db()
    lost.refresh_from_db()
    assert upload.status == EnergyUpload.Status.STORED and upload.rows == 3
    assert upload.pending_path == ""
    assert lost.status == EnergyUpload.Status.FAILED
    assert "late.csv: Stored" in out.getvalue()


def test_synth_writes_files_that_ingest(barcelona: Any, energy_dir: Path, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("energy", "synth", "--meters", "20", "--year", "2025", "--city", "barcelona",
                 "--out", str(tmp_path / "synth"), verbosity=0, stdout=out)
    files = sorted((tmp_path / "synth").glob("*.parquet"))
    assert len(files) == 1 and str(files[0]) in out.getvalue()
    call_command("energy", "ingest", str(files[0]), "--city", "barcelona", verbosity=0)
    upload = EnergyUpload.objects.get(file_name=files[0].name)
    assert upload.status == EnergyUpload.Status.STORED and upload.meters == 20
    assert upload.rows == 20 * 8760
    with pytest.raises(CommandError, match="positive"):
        call_command("energy", "synth", "--meters", "0", "--year", "2025", verbosity=0)
