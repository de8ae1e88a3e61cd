"""Background jobs on the real database queue, run by the real worker: in this process for a
bounded number of jobs, and as an ``urbis worker`` subprocess that is killed in mid-job.

The in-process tests are transactional: the worker commits each step in its own transactions
and checks its connection between jobs, as in production, which a test wrapped in one
transaction would not allow on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from urbis.energy import engine
from urbis.energy.models import EnergyUpload
from urbis.jobs import services as jobs
from urbis.jobs.models import Progress, Worker
from urbis.jobs.tasks import PURGE_EVERY, purge_rate_counters, send_mails

REPO = Path(__file__).resolve().parents[2]
HEADER = "meter_id;timestamp;value;unit;flow;sector;carrier;area_code;lon;lat"


def run_worker(*extra: str) -> str:
    """The real `urbis worker`, in this process, until the queue is empty."""
    out = io.StringIO()
    call_command(
        "worker", "--batch", "--no-startup-delay", "--interval", "0", "--beat", "3600",
        *extra, stdout=out,
    )
    return out.getvalue()


WORKER_DB = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cities(transactional_db: Any) -> Any:
    from urbis.demo import loader
    from urbis.places.models import City

    for _label, step in loader.place_steps():  # a transactional test starts from empty tables
        step()
    return City.objects.get(code="barcelona")


@pytest.fixture
def energy_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    with engine._lock:
        engine._memo.clear()
    return Path(settings.DATA_DIR)


def small_readings(hours: int = 3) -> bytes:
    lines = [HEADER] + [
        f"j1;2025-06-02T{h:02d}:00:00Z;0,5;kWh;consumption;residential;electricity;B07;;"
        for h in range(hours)
    ]
    return ("\n".join(lines) + "\n").encode()


def upload_file(client: Any, name: str) -> EnergyUpload:
    data = io.BytesIO(small_readings())
    data.name = name
    response = client.post("/cities/barcelona/energy/upload/", {"file": data})
    assert response.status_code == 302
    return EnergyUpload.objects.get(file_name=name)


@WORKER_DB
def test_an_upload_waits_on_the_queue_and_the_worker_stores_it(
    cities: Any, make_user: Any, client_for: Any, energy_dir: Path
) -> None:
    client = client_for(make_user("editor", cities))
    upload = upload_file(client, "queued.csv")
    # Nothing ran in the request: the job waits in the queue's table, and the page says so.
    job = DBTaskResult.objects.get()
    assert job.status == TaskResultStatus.READY
    assert job.task_path == "urbis.energy.tasks.ingest_upload"
    assert upload.status == EnergyUpload.Status.PENDING
    page = client.get(upload.get_absolute_url()).content.decode()
    assert "waiting for a worker" in page and "No worker is running" in page
    status = client.get(upload.get_absolute_url() + "?format=json").json()
    assert status["job"]["status"] == "READY" and status["finished"] is False

    run_worker()

    upload.refresh_from_db()
    job.refresh_from_db()
    assert upload.status == EnergyUpload.Status.STORED and upload.rows == 3
    assert job.status == TaskResultStatus.SUCCESSFUL and job.return_value == "stored"
    # The job wrote its steps where the page reads them; the worker left no heartbeat behind.
    assert Progress.objects.get(task_id=job.pk).step == "update balance"
    assert not Worker.objects.exists()
    status = client.get(upload.get_absolute_url() + "?format=json").json()
    assert status["finished"] is True and status["job"]["status"] == "SUCCESSFUL"


@WORKER_DB
def test_a_job_left_running_by_a_killed_worker_is_failed_with_its_reason(
    cities: Any, make_user: Any, client_for: Any, energy_dir: Path
) -> None:
    client = client_for(make_user("editor", cities))
    lost = upload_file(client, "lost.csv")
    alive = upload_file(client, "alive.csv")
    mine = upload_file(client, "mine.csv")
    pending = Path(lost.pending_path)
    assert pending.is_file()
    # What a SIGKILL leaves behind: a job claimed by a worker whose heartbeat has stopped ...
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    Worker.objects.create(worker_id="dead-1", host="h", pid=1, started_at=long_ago,
                          seen_at=long_ago)
    # ... and, as a control, one claimed by a worker that is still beating (running elsewhere).
    Worker.objects.create(worker_id="busy-2", host="h", pid=2, started_at=long_ago,
                          seen_at=timezone.now())
    # ... and one left by this very worker's previous life (restarted under the same id).
    Worker.objects.create(worker_id="again-3", host="h", pid=3, started_at=long_ago,
                          seen_at=timezone.now())
    for upload, worker_id in ((lost, "dead-1"), (alive, "busy-2"), (mine, "again-3")):
        row = DBTaskResult.objects.get(pk=Progress.objects.get(
            subject=f"energy.upload:{upload.pk}").task_id)
        row.claim(worker_id)
        EnergyUpload.objects.filter(pk=upload.pk).update(status=EnergyUpload.Status.RUNNING)

    output = run_worker("--worker-id", "again-3")

    assert "Failed 2 jobs left running by a stopped worker" in output
    lost.refresh_from_db()
    alive.refresh_from_db()
    mine.refresh_from_db()
    assert mine.status == EnergyUpload.Status.FAILED and "again-3 stopped" in mine.status_line
    lost_job = jobs.job_for(f"energy.upload:{lost.pk}")
    alive_job = jobs.job_for(f"energy.upload:{alive.pk}")
    assert lost_job is not None and alive_job is not None
    assert lost_job.status == "FAILED"
    assert "WorkerLost" in lost_job.error and "dead-1 stopped while this job ran" in lost_job.error
    assert lost.status == EnergyUpload.Status.FAILED and "dead-1" in lost.status_line
    assert "upload the file again" in lost.status_line and not pending.exists()
    assert alive_job.status == "RUNNING" and alive.status == EnergyUpload.Status.RUNNING
    page = client.get(lost.get_absolute_url()).content.decode()
    assert "dead-1 stopped while this job ran" in page


@WORKER_DB
def test_mail_is_sent_by_the_worker() -> None:
    jobs.enqueue(send_mails, [["New comment", "Someone answered.", None, ["ana@example.org"]]])
    assert mail.outbox == []
    run_worker()
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert mail.outbox[0].subject == "New comment"


@WORKER_DB
def test_rate_counters_are_purged_by_a_periodic_job() -> None:
    from urbis.engagement.models import RateCounter

    old = timezone.now() - dt.timedelta(days=3)
    RateCounter.objects.create(key="vote:user:1", window_start=old, count=3)
    assert jobs.enqueue_if_due(purge_rate_counters, PURGE_EVERY) is True
    # Queued once per period, however many workers ask.
    assert jobs.enqueue_if_due(purge_rate_counters, PURGE_EVERY) is False
    run_worker()
    assert not RateCounter.objects.exists()
    assert DBTaskResult.objects.get().return_value == 1


def test_the_shared_cache_is_in_the_database(db: Any) -> None:
    from django.core.cache import cache
    from django.db import connection

    cache.set("urbis-test", {"a": 1}, 30)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM urbis_cache")
        assert cursor.fetchone()[0] >= 1
    assert cache.get("urbis-test") == {"a": 1}


def _rows(db_file: Path) -> dict[str, tuple[str, str]]:
    with sqlite3.connect(db_file, timeout=20) as con:
        return {
            path: (status, traceback)
            for path, status, traceback in con.execute(
                f"SELECT task_path, status, traceback FROM {DBTaskResult._meta.db_table}"  # noqa: S608
            )
        }


@pytest.mark.slow
def test_urbis_worker_subprocess_killed_in_mid_job_then_a_new_one_recovers(
    tmp_path: Path,
) -> None:
    if os.environ.get("URBIS_DATABASE_URL"):
        pytest.skip("runs once, in the SQLite pass (it uses its own SQLite file)")
    env = {
        **os.environ, "URBIS_DATA_DIR": str(tmp_path), "URBIS_DATABASE_URL": "",
        "URBIS_DEBUG": "0", "URBIS_WORKER_STALE_SECONDS": "3", "PYTHONPATH": str(REPO),
        "DJANGO_SETTINGS_MODULE": "urbis.settings",
    }
    urbis = [sys.executable, "-m", "urbis"]
    subprocess.run([*urbis, "migrate", "-v0"], env=env, check=True, cwd=REPO, timeout=300)
    db_file = tmp_path / "urbis.sqlite3"
    with sqlite3.connect(db_file) as con:  # `migrate` made the shared cache's table too
        assert con.execute(
            "SELECT name FROM sqlite_master WHERE name = 'urbis_cache'").fetchone()
    first = subprocess.Popen(
        [*urbis, "worker", "--beat", "1", "--interval", "0.2", "--no-startup-delay"],
        env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        script = (
            "from tests.jobs.blocking import wait_for\n"
            "from urbis.jobs.tasks import send_mails\n"
            f"wait_for.enqueue({str(tmp_path / 'never')!r}, 120)\n"
            "send_mails.enqueue([['Hello', 'Body', None, ['ana@example.org']]])\n"
        )
        subprocess.run([*urbis, "shell", "-c", script], env=env, check=True, cwd=REPO,
                       timeout=120, capture_output=True)
        deadline = time.monotonic() + 60
        while _rows(db_file).get("tests.jobs.blocking.wait_for", ("",))[0] != "RUNNING":
            assert time.monotonic() < deadline, "the worker never started the job"
            time.sleep(0.2)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        assert first.stdout is not None
        first.stdout.close()
    assert _rows(db_file)["urbis.jobs.tasks.send_mails"][0] == "READY"
    time.sleep(3.5)  # the dead worker's heartbeat goes stale

    second = subprocess.run(
        [*urbis, "worker", "--batch", "--no-startup-delay"], env=env, cwd=REPO,
        capture_output=True, text=True, timeout=120,
    )

    assert second.returncode == 0, second.stdout + second.stderr
    assert "Failed 1 job left running by a stopped worker" in second.stdout
    rows = _rows(db_file)
    status, traceback = rows["tests.jobs.blocking.wait_for"]
    assert status == "FAILED" and "WorkerLost" in traceback and "stopped while" in traceback
    assert rows["urbis.jobs.tasks.send_mails"][0] == "SUCCESSFUL"
    assert "Subject: Hello" in second.stdout  # the console mail backend
    with sqlite3.connect(db_file) as con:  # the second worker took its heartbeat with it;
        # the killed one's stays until it is long stale
        assert con.execute("SELECT COUNT(*) FROM jobs_worker").fetchone()[0] == 1


@WORKER_DB
def test_notification_mail_is_queued_with_the_notification_and_sent_by_the_worker(
    make_user: Any,
) -> None:
    from django.db import transaction
    from django.utils import translation

    from urbis.engagement import notices
    from urbis.engagement.models import Notification
    from urbis.engagement.services import notify

    ana = make_user(email="ana@example.org")
    # A notification whose transaction rolls back queues no mail either.
    with pytest.raises(RuntimeError), transaction.atomic():
        notify([ana], notices.ANSWERED, {"title": "Bänke"}, "/x/")
        raise RuntimeError
    assert not DBTaskResult.objects.exists() and not Notification.objects.exists()

    with translation.override("de"):  # the language of whoever caused it stays out of the mail
        notify([ana], notices.STATUS_CHANGED, {"title": "Bänke", "status": "accepted"},
               "/ideas/1/")
    assert mail.outbox == []  # not in the request: the job waits for a worker
    task = DBTaskResult.objects.get().task_path
    assert task == "urbis.engagement.tasks.send_notification_mails"
    run_worker()
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert mail.outbox[0].subject == "Bänke is now: Accepted"  # the site's language
    assert "/ideas/1/" in mail.outbox[0].body
