"""An upload's status line is stored as a code and values and read in the reader's language
(page and API), old uploads included: migration 0004 converts the sentences it recognises, in
any of the site's languages, and can be reversed."""

from __future__ import annotations

import importlib
import io
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from tests.energy.conftest import readings
from urbis.energy import outcomes, services
from urbis.energy.models import EnergyUpload
from urbis.places.models import City

REASON = ("The worker w-1 stopped while this job ran (started 2026-12-07 02:00:00 UTC); the job "
          "did not finish.")


def _in(language: str, code: str, values: dict[str, Any]) -> str:
    with translation.override(language):
        return outcomes.describe(code, values)


@pytest.mark.django_db
def test_an_uploads_status_line_reads_in_the_readers_language(
    barcelona: Any, make_user: Any, client_for: Any, energy_dir: Path, inline_jobs: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    editor = make_user("editor", barcelona)
    client = client_for(editor)
    good = io.BytesIO(readings(12, 96).encode())
    good.name = "good.csv"
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/cities/barcelona/energy/upload/", {"file": good})
    upload = EnergyUpload.objects.get()
    assert (upload.message_code, upload.message_values, upload.message) == (
        "stored", {"rows": upload.rows, "meters": 13}, "")
    german = _in("de", "stored", upload.message_values)
    english = _in("en", "stored", upload.message_values)
    assert upload.rows == 1248 and english == "1,248 readings of 13 meters stored."
    assert german != english
    try:
        page = client.get(upload.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de").content.decode()
        assert f'<p id="status-line">{german}</p>' in page
        api = client.get(f"/api/v1/cities/barcelona/energy/uploads/{upload.pk}",
                         HTTP_ACCEPT_LANGUAGE="de").json()
        assert api["message"] == german
    finally:
        translation.activate("en")
    services.withdraw_file(editor, barcelona, upload.file_hash)
    upload.refresh_from_db()
    assert upload.message_code == "withdrawn"
    assert upload.status_line == "Withdrawn: its readings are no longer in the balance."


@pytest.mark.django_db
def test_an_interrupted_upload_names_the_worker_in_the_readers_language(
    barcelona: Any, energy_dir: Path
) -> None:
    upload = EnergyUpload.objects.create(city=barcelona, source="web", file_name="a.csv",
                                         status=EnergyUpload.Status.RUNNING)
    services.fail_interrupted(upload.pk, REASON)
    upload.refresh_from_db()
    assert upload.message_code == "interrupted"
    assert upload.message_values == {"worker": "w-1", "started": "2026-12-07 02:00:00 UTC"}
    assert upload.status_line == REASON + " Nothing was stored; upload the file again."
    with translation.override("de"):
        worker = translation.gettext(outcomes.WORKER_STOPPED) % upload.message_values
        assert upload.status_line.startswith(worker)
    assert outcomes.interrupted("The machine burnt.") == {"reason": "The machine burnt."}


BEFORE = [("energy", "0003_energyupload_withdrawn")]
AFTER = [("energy", "0004_upload_outcome_codes")]


@pytest.mark.django_db(transaction=True)
def test_migration_reads_old_sentences_and_goes_back(transactional_db: Any) -> None:
    migration = importlib.import_module("urbis.energy.migrations.0004_upload_outcome_codes")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    Upload = executor.loader.project_state(BEFORE).apps.get_model("energy", "EnergyUpload")
    city = City.objects.create(code="mig", name="Migrated", country="ES")
    with translation.override("de"):
        german_stored = migration._stored(5, 2)
    assert german_stored != "5 readings of 2 meters stored."
    old = {
        "stored": ("1 reading of 1 meter stored.", 1, 1),
        "german": (german_stored, 5, 2),
        "rejected": ("The file has errors; nothing was stored.", 0, 0),
        "failed": ("Processing failed: disk full. Nothing was stored.", 0, 0),
        "interrupted": (REASON + " Nothing was stored; upload the file again.", 0, 0),
        "gone": ("Interrupted; the file is gone. Nothing was stored; upload again.", 0, 0),
        "unknown": ("Something an older version said.", 0, 0),
    }
    pks = {key: Upload.objects.create(city_id=city.pk, source="web", file_name=key,
                                      message=text, rows=rows, meters=meters).pk
           for key, (text, rows, meters) in old.items()}

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    got = {key: EnergyUpload.objects.get(pk=pk) for key, pk in pks.items()}
    assert {k: (u.message_code, u.message_values) for k, u in got.items()} == {
        "stored": ("stored", {"rows": 1, "meters": 1}),
        "german": ("stored", {"rows": 5, "meters": 2}),
        "rejected": ("rejected", {}),
        "failed": ("failed", {"error": "disk full"}),
        "interrupted": ("interrupted", {"worker": "w-1", "started": "2026-12-07 02:00:00 UTC"}),
        "gone": ("file_gone", {}),
        "unknown": ("", {}),
    }
    # Read in today's words: the German upload in English, the unreadable one as stored.
    assert got["german"].status_line == "5 readings of 2 meters stored."
    assert got["unknown"].status_line == "Something an older version said."
    assert got["failed"].status_line == old["failed"][0]
    # An upload written with a code only gets its sentence when the migration is reversed.
    new = EnergyUpload.objects.create(city=city, source="web", file_name="new")
    outcomes.note(new, outcomes.DUPLICATE)
    new.save()

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(BEFORE)
    Upload = executor.loader.project_state(BEFORE).apps.get_model("energy", "EnergyUpload")
    assert {k: Upload.objects.get(pk=pk).message for k, pk in pks.items()} == {
        k: text for k, (text, _r, _m) in old.items()}
    assert Upload.objects.get(pk=new.pk).message == (
        "This file was stored before; nothing was added.")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
