"""Withdrawing a stored file: from the upload page, the API and the command line, by editors
only; the readings leave the balance, the upload log says who withdrew it and when, and a
failure leaves the store and the log as they were."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from tests.energy.conftest import readings
from urbis.energy import engine, queries, services
from urbis.energy.models import EnergyUpload
from urbis.engines.energy import list_files, store_pv_estimates
from urbis.people import services as people
from urbis.places.models import Area


def _stored(energy_dir: Path) -> list[str]:
    return sorted(f.file_hash for f in list_files(energy_dir, "barcelona"))


def _city_kwh(city: Any) -> float:
    engine.forget(city)
    return queries.balance_table(city, level="city", year=2025)[0]["consumption_kwh"]


@pytest.fixture
def two_files(barcelona: Any, energy_dir: Path, write_file: Any) -> tuple[str, str, float]:
    """Two stored files; returns their hashes and the city's consumption with the first only."""
    call_command("energy", "ingest", str(write_file("first.csv", readings(3, 24, pv=False))),
                 "--city", "barcelona", verbosity=0)
    only_first = _city_kwh(barcelona)
    call_command(
        "energy", "ingest",
        str(write_file("second.csv", readings(2, 24, pv=False, prefix="s", area="B31"))),
        "--city", "barcelona", verbosity=0,
    )
    first = EnergyUpload.objects.get(file_name="first.csv").file_hash
    second = EnergyUpload.objects.get(file_name="second.csv").file_hash
    return first, second, only_first


def test_editor_withdraws_a_file_from_the_upload_page(
    barcelona: Any, make_user: Any, client_for: Any, energy_dir: Path, write_file: Any,
    two_files: tuple[str, str, float],
) -> None:
    first, second, only_first = two_files
    assert _city_kwh(barcelona) > only_first
    editor = make_user("editor", barcelona)
    client = client_for(editor)

    page = client.get("/cities/barcelona/energy/upload/").content.decode()
    assert "Stored files" in page and "second.csv" in page
    link = f"/cities/barcelona/energy/files/{second}/withdraw/"
    assert link in page
    confirm = client.get(link)
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "Withdraw second.csv?" in text and "48" in text  # 2 meters × 24 h

    done = client.post(link, follow=True)
    assert "second.csv was withdrawn" in done.content.decode()
    assert _stored(energy_dir) == [first]
    assert _city_kwh(barcelona) == pytest.approx(only_first)
    upload = EnergyUpload.objects.get(file_name="second.csv")
    assert upload.status == EnergyUpload.Status.WITHDRAWN
    assert upload.withdrawn_by == editor and upload.withdrawn_at is not None
    status_page = client.get(upload.get_absolute_url()).content.decode()
    assert "Withdrawn" in status_page and str(editor) in status_page
    # Withdrawn once is gone: a second attempt says so and changes nothing.
    again = client.post(link, follow=True).content.decode()
    assert "not stored (any more)" in again
    assert _stored(energy_dir) == [first]


def test_a_withdrawn_file_can_be_stored_again(
    barcelona: Any, energy_dir: Path, write_file: Any, two_files: tuple[str, str, float]
) -> None:
    first, second, _only_first = two_files
    before = _city_kwh(barcelona)
    services.withdraw_file(None, barcelona, second)
    path = write_file("second.csv", readings(2, 24, pv=False, prefix="s", area="B31"))
    call_command("energy", "ingest", str(path), "--city", "barcelona", verbosity=0)
    assert _stored(energy_dir) == sorted([first, second])
    assert _city_kwh(barcelona) == pytest.approx(before)
    statuses = list(EnergyUpload.objects.filter(file_hash=second).values_list("status", flat=True))
    assert sorted(statuses) == ["stored", "withdrawn"]


@pytest.mark.parametrize("role", [None, "member", "moderator", "other-city editor"])
def test_withdraw_refused_without_the_role(
    barcelona: Any, paris: Any, make_user: Any, client_for: Any, energy_dir: Path,
    two_files: tuple[str, str, float], role: Any,
) -> None:
    first, second, _only_first = two_files
    if role is None:
        user = None
    elif role == "other-city editor":
        user = make_user("editor", paris)
    else:
        user = make_user(role, barcelona)
    client = client_for(user)
    link = f"/cities/barcelona/energy/files/{second}/withdraw/"
    for response in (client.get(link), client.post(link)):
        if user is None:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 403
    api = client.delete(f"/api/v1/cities/barcelona/energy/files/{second}")
    assert api.status_code in ({401, 403} if user is None else {403})
    assert client.get("/api/v1/cities/barcelona/energy/files").status_code in (
        {401, 403} if user is None else {403}
    )
    if user is not None:
        with pytest.raises(PermissionDenied):
            services.withdraw_file(user, barcelona, second)
    assert _stored(energy_dir) == sorted([first, second])
    assert EnergyUpload.objects.filter(status=EnergyUpload.Status.WITHDRAWN).count() == 0


def test_api_lists_and_withdraws_stored_files(
    barcelona: Any, make_user: Any, client: Any, energy_dir: Path,
    two_files: tuple[str, str, float],
) -> None:
    first, second, only_first = two_files
    editor = make_user("editor", barcelona)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {people.issue_api_token(user=editor, label='t')}"}
    listed = client.get("/api/v1/cities/barcelona/energy/files", **auth)
    assert listed.status_code == 200
    files = listed.json()
    assert [f["file_name"] for f in files] == ["second.csv", "first.csv"]  # newest first
    assert files[0]["file_hash"] == second and files[0]["rows"] == 48 and files[0]["meters"] == 2
    assert files[0]["years"] == [2025] and files[0]["is_estimate"] is False
    assert files[0]["upload_id"] == EnergyUpload.objects.get(file_name="second.csv").pk
    assert files[0]["first_reading"].startswith("2025-06-02")

    gone = client.delete(f"/api/v1/cities/barcelona/energy/files/{second}", **auth)
    assert gone.status_code == 204
    assert _stored(energy_dir) == [first]
    assert _city_kwh(barcelona) == pytest.approx(only_first)
    missing = client.delete(f"/api/v1/cities/barcelona/energy/files/{second}", **auth)
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    assert [f["file_hash"] for f in client.get(
        "/api/v1/cities/barcelona/energy/files", **auth).json()] == [first]


def test_pv_estimates_cannot_be_withdrawn_by_hand(
    barcelona: Any, make_user: Any, client_for: Any, energy_dir: Path,
    two_files: tuple[str, str, float],
) -> None:
    area = Area.objects.get(city=barcelona, code="B44")
    services.add_pv_installation(None, area, name="School roofs", capacity_kwp=400)
    store_pv_estimates(energy_dir, "barcelona", engine.area_index(barcelona), 2025)
    estimate = next(f for f in list_files(energy_dir, "barcelona") if f.estimate)
    before = _stored(energy_dir)
    with pytest.raises(ValidationError, match="PV estimates"):
        services.withdraw_file(None, barcelona, estimate.file_hash)
    editor = make_user("editor", barcelona)
    client = client_for(editor)
    page = client.get("/cities/barcelona/energy/upload/").content.decode()
    assert "pv-estimate-2025" in page
    assert f"/files/{estimate.file_hash}/withdraw/" not in page
    response = client.delete(f"/api/v1/cities/barcelona/energy/files/{estimate.file_hash}")
    assert response.status_code == 422 and "PV estimates" in response.json()["detail"]
    assert _stored(energy_dir) == before


def test_a_store_failure_leaves_the_file_and_the_log_as_they_were(
    barcelona: Any, make_user: Any, energy_dir: Path, monkeypatch: Any,
    two_files: tuple[str, str, float],
) -> None:
    first, second, _only_first = two_files
    before = _city_kwh(barcelona)

    def disk_full(*args: Any, **kwargs: Any) -> bool:
        raise OSError("No space left on device")

    monkeypatch.setattr(services, "remove_file", disk_full)
    with pytest.raises(OSError):
        services.withdraw_file(make_user("editor", barcelona), barcelona, second)
    upload = EnergyUpload.objects.get(file_name="second.csv")
    assert upload.status == EnergyUpload.Status.STORED and upload.withdrawn_at is None
    assert _stored(energy_dir) == sorted([first, second])
    assert _city_kwh(barcelona) == pytest.approx(before)


def test_cli_lists_and_withdraws(
    barcelona: Any, energy_dir: Path, two_files: tuple[str, str, float]
) -> None:
    first, second, _only_first = two_files
    out = io.StringIO()
    call_command("energy", "files", "--city", "barcelona", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and second in lines[0] and "second.csv" in lines[0]
    assert "48" in lines[0]
    out = io.StringIO()
    call_command("energy", "withdraw", second, "--city", "barcelona", stdout=out)
    assert "Withdrawn" in out.getvalue()
    assert _stored(energy_dir) == [first]
    assert EnergyUpload.objects.get(file_hash=second).withdrawn_by is None  # the operator
    with pytest.raises(CommandError, match="No stored file"):
        call_command("energy", "withdraw", second, "--city", "barcelona")
