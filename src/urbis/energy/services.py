"""Every energy write: uploads of meter readings (as background jobs) and their withdrawal, PV
installations, the floor areas and intensities that estimate unmetered carriers, and the
competition (seasons, entries, initiatives, best practices). Each checks
the role first.

Readings are stored by the engine, whole or not at all: on any error nothing is written and
what was stored before stays as it was. The same file sent twice is stored once.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urbis.energy import engine, outcomes, queries
from urbis.energy.models import (
    BestPractice,
    EnergyIntensity,
    EnergyUpload,
    Entry,
    FloorAreaByUse,
    Initiative,
    InitiativeKind,
    PvInstallation,
    Season,
)
from urbis.engines.energy import (
    CARRIERS,
    SECTORS,
    AreaIndex,
    IngestReport,
    PvEstimate,
    estimate_year,
    ingest_file,
    list_files,
    local_years,
    remove_file,
    store_pv_estimates,
)
from urbis.engines.energy import unmetered as unmetered_engine
from urbis.errors import ImportRefused, RowError
from urbis.people.permissions import Action, can, require
from urbis.places.models import Area, AreaLevel, City
from urbis.places.services import csv_name, read_csv_rows, read_date, rows_by_area

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 2 * 1024**3
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _upload_dir() -> Path:
    return engine.data_dir() / "energy" / "uploads"


def check_time_zone(tz: str) -> str:
    tz = (tz or "").strip()
    if not tz:
        return ""
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError({"time_zone": _("Unknown time zone %(tz)s.") % {"tz": tz}}) from exc
    return tz


# --- Uploads ---------------------------------------------------------------------------------


def upload_job_subject(upload_id: int) -> str:
    """How an upload's job is named in the job records (its page finds the job by it)."""
    return f"energy.upload:{upload_id}"


def _queue_launcher(upload_id: int) -> None:
    from urbis.energy.tasks import ingest_upload
    from urbis.jobs.services import enqueue

    enqueue(ingest_upload, upload_id, subject=upload_job_subject(upload_id))


#: How an accepted upload is processed: a job on the task queue, run by `urbis worker`.
#: Tests may swap this for a synchronous call.
launch_job: Callable[[int], None] = _queue_launcher


def start_upload(
    user: Any,
    city: City,
    *,
    file: IO[bytes],
    file_name: str,
    time_zone: str = "",
    source: str = EnergyUpload.Source.WEB,
) -> EnergyUpload:
    """Accept a readings file from the web or the API: keep it, log it, and check and store it
    in the background. The returned upload is ``pending``; poll it for the outcome."""
    require(user, Action.EDIT, city)
    time_zone = check_time_zone(time_zone)
    name = Path(file_name or "upload").name[:255]
    folder = _upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4().hex}-{_SAFE_NAME.sub('_', name)[:100]}"
    size = 0
    with target.open("wb") as out:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                out.close()
                target.unlink(missing_ok=True)
                raise ValidationError({"file": _("The file is larger than 2 GB.")})
            out.write(chunk)
    if size == 0:
        target.unlink(missing_ok=True)
        raise ValidationError({"file": _("The file is empty.")})
    with transaction.atomic():
        upload = EnergyUpload.objects.create(
            city=city,
            uploaded_by=user if getattr(user, "is_authenticated", False) else None,
            source=source,
            file_name=name,
            size_bytes=size,
            time_zone=time_zone,
            pending_path=str(target),
        )
        upload_id = upload.pk
        transaction.on_commit(lambda: launch_job(upload_id))
    return upload


def process_upload(
    upload_id: int, *, progress: Callable[[str], None] | None = None
) -> EnergyUpload:
    """Run one pending upload through the engine and record the outcome on it."""
    upload = EnergyUpload.objects.select_related("city").get(pk=upload_id)
    if upload.is_finished:
        return upload
    path = Path(upload.pending_path)
    upload.status = EnergyUpload.Status.RUNNING
    upload.started_at = timezone.now()
    upload.save(update_fields=["status", "started_at"])
    try:
        report = _ingest(upload.city, path, upload.time_zone, progress=progress)
        _record(upload, report)
    except Exception as exc:  # the job must always end with a status the page can show
        log.exception("energy upload %s failed", upload_id)
        upload.status = EnergyUpload.Status.FAILED
        outcomes.note(upload, outcomes.FAILED, error=str(exc))
        upload.finished_at = timezone.now()
        upload.save()
    finally:
        path.unlink(missing_ok=True)
        EnergyUpload.objects.filter(pk=upload.pk).update(pending_path="")
    return upload


def _ingest(
    city: City,
    path: Path,
    time_zone: str,
    *,
    refresh_balance: bool = True,
    progress: Callable[[str], None] | None = None,
) -> IngestReport:
    if progress is not None:
        progress("check and store")
    report = ingest_file(
        path,
        city=city.code,
        areas=engine.area_index(city),
        data_dir=engine.data_dir(),
        tz=time_zone or None,
        max_errors=200,
        slice_rows=getattr(settings, "ENERGY_INGEST_SLICE_ROWS", 0) or None,
        progress=None if progress is None else lambda step: progress(f"check and store: {step}"),
    )
    if report.status == "stored":
        engine.forget(city)
        if refresh_balance:
            if progress is not None:
                progress("update balance")
            # New metered readings, or a new year, change which areas need estimates.
            refresh_pv_estimates(city)
            refresh_unmetered_estimates(city)
            engine.balance(city, refresh=True)  # pages read the new figures at once
    return report


def _record(upload: EnergyUpload, report: IngestReport) -> None:
    upload.file_hash = report.file_hash
    upload.rows = report.rows
    upload.meters = report.meters
    upload.years = list(report.years)
    upload.errors = [
        {"file": upload.file_name, "row": e.row, "field": e.field, "reason": e.reason}
        for e in report.errors
    ]
    upload.errors_truncated = report.errors_truncated
    upload.status = {
        "stored": EnergyUpload.Status.STORED,
        "duplicate": EnergyUpload.Status.DUPLICATE,
        "rejected": EnergyUpload.Status.REJECTED,
    }[report.status]
    outcomes.note(upload, report.status, **(
        {"rows": report.rows, "meters": report.meters} if report.status == "stored" else {}))
    upload.finished_at = timezone.now()
    upload.save()


def fail_interrupted(upload_id: int, reason: str) -> None:
    """The job checking this upload died with its worker: say so on the upload and drop the
    waiting file. The engine commits a file whole or not at all, so nothing half-stored is
    left; the editor uploads the file again."""
    upload = EnergyUpload.objects.filter(pk=upload_id).first()
    if upload is None or upload.is_finished:
        return
    if upload.pending_path:
        Path(upload.pending_path).unlink(missing_ok=True)
    upload.status = EnergyUpload.Status.FAILED
    outcomes.note(upload, outcomes.INTERRUPTED, **outcomes.interrupted(reason))
    upload.pending_path = ""
    upload.finished_at = timezone.now()
    upload.save()


def resume_uploads() -> list[EnergyUpload]:
    """Process uploads a stopped web process left ``pending`` or ``running``. The engine's
    commit is atomic, so re-running an interrupted one is safe: either its file was committed
    (and is now recognised as a duplicate) or nothing of it was."""
    done = []
    unfinished = [EnergyUpload.Status.PENDING, EnergyUpload.Status.RUNNING]
    for upload in EnergyUpload.objects.filter(status__in=unfinished).order_by("pk"):
        if upload.pending_path and Path(upload.pending_path).is_file():
            upload.status = EnergyUpload.Status.PENDING
            upload.save(update_fields=["status"])
            done.append(process_upload(upload.pk))
        else:
            upload.status = EnergyUpload.Status.FAILED
            outcomes.note(upload, outcomes.FILE_GONE)
            upload.finished_at = timezone.now()
            upload.save()
            done.append(upload)
    return done


def withdraw_file(user: Any, city: City, file_hash: str) -> list[EnergyUpload]:
    """Take a stored file's readings out of the store, e.g. to send a corrected file: one that
    repeats readings already stored is refused, so a correction is "withdraw, then upload".

    The uploads that stored the file are marked withdrawn, by whom and when, in the same
    transaction; if the store cannot drop the file, they stay as they were. Returns them.
    """
    if user is not None:
        require(user, Action.EDIT, city)
    record = next((f for f in list_files(engine.data_dir(), city.code)
                   if f.file_hash == file_hash), None)
    if record is None:
        raise ValidationError(
            _("No stored file with SHA-256 %(hash)s in %(city)s.")
            % {"hash": file_hash, "city": city.name}
        )
    if unmetered_engine.unmetered_year(record) is not None:
        raise ValidationError(
            _("%(file)s holds estimates of unmetered carriers, which follow the floor areas by "
              "use and the intensities; change those instead.") % {"file": record.source_name}
        )
    if record.estimate:
        raise ValidationError(
            _("%(file)s holds PV estimates, which follow the PV installations; change those "
              "instead.") % {"file": record.source_name}
        )
    with transaction.atomic():
        uploads = list(
            EnergyUpload.objects.select_for_update().filter(
                city=city, file_hash=file_hash, status=EnergyUpload.Status.STORED
            )
        )
        for upload in uploads:
            upload.status = EnergyUpload.Status.WITHDRAWN
            upload.withdrawn_at = timezone.now()
            upload.withdrawn_by = user if getattr(user, "is_authenticated", False) else None
            outcomes.note(upload, outcomes.WITHDRAWN)
            upload.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "message",
                                       "message_code", "message_values"])
        # Last, so that a failure before it leaves both the store and the log untouched.
        if not remove_file(engine.data_dir(), city.code, file_hash):
            raise ValidationError(_("The file was withdrawn at the same time by someone else."))
    refresh_pv_estimates(city)
    refresh_unmetered_estimates(city)
    engine.balance(city, refresh=True)
    return uploads


def ingest_path(
    city: City,
    path: Path,
    *,
    time_zone: str = "",
    user: Any = None,
    source: str = EnergyUpload.Source.CLI,
    refresh_balance: bool = True,
    progress: Callable[[str], None] | None = None,
) -> EnergyUpload:
    """Check and store a file from the command line (or the demo), in this process, and log it.

    The command line runs with the operator's rights over the installation, so no role is
    checked when ``user`` is ``None``.
    """
    if user is not None:
        require(user, Action.EDIT, city)
    time_zone = check_time_zone(time_zone)
    path = Path(path)
    if not path.is_file():
        raise ValidationError({"file": _("No such file: %(path)s") % {"path": path}})
    upload = EnergyUpload.objects.create(
        city=city,
        uploaded_by=user,
        source=source,
        file_name=path.name[:255],
        size_bytes=path.stat().st_size,
        time_zone=time_zone,
        status=EnergyUpload.Status.RUNNING,
        started_at=timezone.now(),
    )
    try:
        _record(
            upload,
            _ingest(city, path, time_zone, refresh_balance=refresh_balance, progress=progress),
        )
    except Exception as exc:
        upload.status = EnergyUpload.Status.FAILED
        outcomes.note(upload, outcomes.FAILED, error=str(exc))
        upload.finished_at = timezone.now()
        upload.save()
        raise
    return upload


# --- PV installations --------------------------------------------------------------------------

#: Columns of a PV installations CSV; ``commissioned_year`` and ``source`` may be added.
PV_COLUMNS = ("code", "name", "capacity_kwp")
FIRST_PV_YEAR = 1980


def _pv_problems(name: str, capacity_kwp: float, commissioned_year: int | None) -> dict[str, str]:
    problems = {}
    if not name.strip():
        problems["name"] = _("Give the installation a name.")
    if not 0 < capacity_kwp <= 500_000:
        problems["capacity_kwp"] = _("Capacity must be between 0 and 500,000 kWp.")
    this_year = timezone.localdate().year
    if commissioned_year is not None and not FIRST_PV_YEAR <= commissioned_year <= this_year:
        problems["commissioned_year"] = _(
            "The year it went into operation must be between %(first)s and %(last)s."
        ) % {"first": FIRST_PV_YEAR, "last": this_year}
    return problems


def add_pv_installation(
    user: Any,
    area: Area,
    *,
    name: str,
    capacity_kwp: float,
    commissioned_year: int | None = None,
    source: str = "",
    is_illustrative: bool = False,
) -> PvInstallation:
    """Register (or, under the same name in the area, update) an installation and bring the
    city's PV estimates up to date."""
    if user is not None:
        require(user, Action.EDIT, area.city)
    problems = _pv_problems(name, capacity_kwp, commissioned_year)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        pv, _created = PvInstallation.objects.update_or_create(
            area=area,
            name=name.strip(),
            defaults={
                "capacity_kwp": capacity_kwp,
                "commissioned_year": commissioned_year,
                "source": source,
                "is_illustrative": is_illustrative,
            },
        )
    refresh_pv_estimates(area.city)
    return pv


def remove_pv_installation(user: Any, installation: PvInstallation) -> None:
    city = installation.area.city
    if user is not None:
        require(user, Action.EDIT, city)
    installation.delete()
    refresh_pv_estimates(city)


def import_pv_installations(
    user: Any, city: City, source: str | Path | bytes, *, file: str = ""
) -> int:
    """Register installations from a CSV (``code,name,capacity_kwp[,commissioned_year,
    source]``), given as a path or an upload's bytes named ``file``; all or none: any bad row
    refuses the file, naming file, row, field and reason. Installations already registered
    under the same area and name are updated."""
    if user is not None:
        require(user, Action.EDIT, city)
    file = csv_name(source, file)
    errors: list[RowError] = []
    valid: list[tuple[Area, dict[str, Any]]] = []
    seen: dict[tuple[str, str], int] = {}
    for row_number, row, area in rows_by_area(
        read_csv_rows(source, file=file), PV_COLUMNS, city, file, errors
    ):
        name = (row["name"] or "").strip()
        if (area.code, name) in seen:
            reason = _("%(name)r in %(area)s already given in row %(row)s") % {
                "name": name, "area": area.code, "row": seen[area.code, name]}
            errors.append(RowError(file, row_number, "name", reason))
            continue
        seen[area.code, name] = row_number
        fields = _pv_row(row, row_number, file, errors)
        if fields is None:
            continue
        for field, reason in _pv_problems(
            name, fields["capacity_kwp"], fields["commissioned_year"]
        ).items():
            errors.append(RowError(file, row_number, field, reason))
        valid.append((area, {"name": name, **fields}))
    if errors:
        raise ImportRefused(errors)
    with transaction.atomic():
        for area, fields in valid:
            name = fields.pop("name")
            PvInstallation.objects.update_or_create(area=area, name=name, defaults=fields)
    refresh_pv_estimates(city)
    return len(valid)


def _pv_row(
    row: dict[str, str], row_number: int, file: str, errors: list[RowError]
) -> dict[str, Any] | None:
    """The numbers of a CSV row, or ``None`` with the reasons added to ``errors``."""
    before = len(errors)
    raw_capacity = (row["capacity_kwp"] or "").strip()
    try:
        capacity = float(raw_capacity.replace(",", "."))
    except ValueError:
        errors.append(RowError(file, row_number, "capacity_kwp", _("not a number: %(raw_capacity)r")
                                                                 % {"raw_capacity": raw_capacity}))
        capacity = 0.0
    raw_year = (row.get("commissioned_year") or "").strip()
    year = None
    if raw_year:
        try:
            year = int(raw_year)
        except ValueError:
            errors.append(RowError(file, row_number, "commissioned_year",
                                   _("not a year: %(raw_year)r") % {"raw_year": raw_year}))
    if len(errors) > before:
        return None
    return {
        "capacity_kwp": capacity,
        "commissioned_year": year,
        "source": (row.get("source") or "").strip()[:300],
    }


def refresh_pv_estimates(city: City) -> dict[int, list[PvEstimate]]:
    """Keep the stored PV estimates in step with the installations and the readings: for
    every year with readings, each area with capacity in operation that year and no metered
    production gets an hourly pvlib estimate; estimates of years without readings go."""
    files = engine.stored_files(city)
    # Years by the city's clock: a year of readings in Madrid reaches an hour into the
    # previous UTC year, which must not get an estimate of its own.
    measured_years = sorted(
        {y for f in files if not f.estimate for y in local_years(f, city.time_zone)}
    )
    estimates = [f for f in files if f.estimate]
    if not estimates and not PvInstallation.objects.filter(area__city=city).exists():
        return {}
    results = {
        year: store_pv_estimates(
            engine.data_dir(), city.code,
            AreaIndex(engine.engine_areas(city, pv_year=year)), year, tz=city.time_zone,
        )
        for year in measured_years
    }
    for record in estimates:
        year = estimate_year(record)
        if year is not None and year not in measured_years:
            remove_file(engine.data_dir(), city.code, record.file_hash)
    engine.forget(city)
    return results


# --- Unmetered carriers: floor area of each use x a published intensity -----------------------

#: Columns of an intensities CSV and of a floor-area-by-use CSV.
INTENSITY_COLUMNS = ("sector", "carrier", "kwh_per_m2", "reference_year", "source")
FLOOR_AREA_BY_USE_COLUMNS = ("code", "sector", "floor_area_m2", "reference_date", "source")
#: No building use's final energy of one carrier comes near this (hospitals, the most intense
#: use, are about 300-600 kWh/m² a year of all carriers together): a larger figure is a unit slip.
MAX_KWH_PER_M2 = 2000.0
FIRST_INTENSITY_YEAR = 1990


def _number(row: dict[str, str], column: str, row_number: int, file: str,
            errors: list[RowError]) -> float | None:
    raw = (row.get(column) or "").strip()
    try:
        value = float(raw)
    except ValueError:
        errors.append(RowError(file, row_number, column, _("not a number: %(raw)r") % {"raw": raw}))
        return None
    if not math.isfinite(value):
        errors.append(RowError(file, row_number, column, _("not a finite number: %(raw)r")
                               % {"raw": raw}))
        return None
    return value


def _choice(row: dict[str, str], column: str, allowed: tuple[str, ...], row_number: int,
            file: str, errors: list[RowError]) -> str | None:
    value = (row.get(column) or "").strip().lower()
    if value not in allowed:
        errors.append(RowError(file, row_number, column, _("%(value)r is not one of %(allowed)s")
                               % {"value": value, "allowed": ", ".join(allowed)}))
        return None
    return value


def import_intensities(
    user: Any, city: City, source: str | Path | bytes, *, file: str = ""
) -> int:
    """Replace the city's published intensities with a CSV (``sector,carrier,kwh_per_m2,
    reference_year,source``: kWh of the carrier per m² of the sector's floor area a year), given
    as a path or an upload's bytes named ``file``. All or none: any bad row refuses the file,
    naming file, row, field and reason, and the intensities stored before stay. The city's
    unmetered estimates are brought up to date before it returns."""
    if user is not None:
        require(user, Action.EDIT, city)
    file = csv_name(source, file)
    errors: list[RowError] = []
    valid: list[EnergyIntensity] = []
    seen: dict[tuple[str, str], int] = {}
    this_year = timezone.localdate().year
    for row_number, row in enumerate(read_csv_rows(source, file=file), start=2):
        missing = [c for c in INTENSITY_COLUMNS if c not in row]
        if missing:
            errors.append(RowError(file, row_number, missing[0], _("column missing")))
            continue
        before = len(errors)
        sector = _choice(row, "sector", SECTORS, row_number, file, errors)
        carrier = _choice(row, "carrier", CARRIERS, row_number, file, errors)
        value = _number(row, "kwh_per_m2", row_number, file, errors)
        if value is not None and not 0 <= value <= MAX_KWH_PER_M2:
            errors.append(RowError(file, row_number, "kwh_per_m2", _(
                "must be between 0 and %(max)s kWh/m² a year, not %(value)s"
            ) % {"max": f"{MAX_KWH_PER_M2:g}", "value": f"{value:g}"}))
        raw_year = (row["reference_year"] or "").strip()
        year = int(raw_year) if raw_year.isdigit() else None
        if year is None or not FIRST_INTENSITY_YEAR <= year <= this_year:
            errors.append(RowError(file, row_number, "reference_year", _(
                "not a year between %(first)s and %(last)s: %(raw)r"
            ) % {"first": FIRST_INTENSITY_YEAR, "last": this_year, "raw": raw_year}))
        text = (row["source"] or "").strip()
        if not text:
            errors.append(RowError(file, row_number, "source",
                                   _("a published figure needs its source")))
        if sector and carrier:
            if (sector, carrier) in seen:
                errors.append(RowError(file, row_number, "carrier", _(
                    "%(sector)s / %(carrier)s already given in row %(row)s"
                ) % {"sector": sector, "carrier": carrier, "row": seen[sector, carrier]}))
            seen.setdefault((sector, carrier), row_number)
        if len(errors) > before:
            continue
        assert sector and carrier and value is not None and year is not None
        valid.append(EnergyIntensity(city=city, sector=sector, carrier=carrier,
                                     kwh_per_m2=value, reference_year=year, source=text[:300]))
    return _replace_unmetered_input(
        city, errors, EnergyIntensity.objects.filter(city=city), valid)


def import_floor_area_by_use(
    user: Any, city: City, source: str | Path | bytes, *, file: str = ""
) -> int:
    """Replace the city's floor areas by use with a CSV (``code,sector,floor_area_m2,
    reference_date,source``; ``sector`` is the building use), given as a path or an upload's
    bytes named ``file``. All or none, as :func:`import_intensities`."""
    if user is not None:
        require(user, Action.EDIT, city)
    file = csv_name(source, file)
    errors: list[RowError] = []
    valid: list[FloorAreaByUse] = []
    seen: dict[tuple[str, str], int] = {}
    for row_number, row, area in rows_by_area(
        read_csv_rows(source, file=file), FLOOR_AREA_BY_USE_COLUMNS, city, file, errors
    ):
        before = len(errors)
        sector = _choice(row, "sector", SECTORS, row_number, file, errors)
        value = _number(row, "floor_area_m2", row_number, file, errors)
        if value is not None and value <= 0:
            errors.append(RowError(file, row_number, "floor_area_m2",
                                   _("must be above 0 m², not %(raw)s") % {"raw": f"{value:g}"}))
        date = read_date(row, "reference_date", row_number, file, errors)
        if date is None and not (row["reference_date"] or "").strip():
            errors.append(RowError(file, row_number, "reference_date",
                                   _("a floor area needs its date")))
        text = (row["source"] or "").strip()
        if not text:
            errors.append(RowError(file, row_number, "source",
                                   _("a published figure needs its source")))
        if sector:
            if (area.code, sector) in seen:
                errors.append(RowError(file, row_number, "sector", _(
                    "%(area)s / %(sector)s already given in row %(row)s"
                ) % {"area": area.code, "sector": sector, "row": seen[area.code, sector]}))
            seen.setdefault((area.code, sector), row_number)
        if len(errors) > before:
            continue
        assert sector and value is not None and date is not None
        valid.append(FloorAreaByUse(area=area, sector=sector, floor_area_m2=value,
                                    reference_date=date, source=text[:300]))
    return _replace_unmetered_input(
        city, errors, FloorAreaByUse.objects.filter(area__city=city), valid)


def _replace_unmetered_input(city: City, errors: list[RowError], old: Any,
                             rows: list[Any]) -> int:
    """Refuse the file if it had errors; else replace the city's rows with ``rows`` in one
    transaction and bring the estimates up to date. Returns how many rows were stored."""
    if errors:
        raise ImportRefused(errors)
    with transaction.atomic():
        old.delete()
        old.model.objects.bulk_create(rows)
    refresh_unmetered_estimates(city)
    return len(rows)


def refresh_unmetered_estimates(city: City) -> dict[int, int]:
    """Keep the stored estimates of unmetered carriers in step with the floor areas by use,
    the intensities and the readings: for every year with readings, one file of annual
    estimates (rules in ``engines/energy/unmetered.py``); years without readings lose theirs.
    Returns the number of estimates stored per year."""
    files = engine.stored_files(city)
    years = sorted({y for f in files if not f.estimate for y in local_years(f, city.time_zone)})
    stale = [f for f in files if unmetered_engine.unmetered_year(f) is not None]
    inputs = queries.unmetered_inputs(city)
    if not stale and not inputs[1]:
        return {}
    index = engine.area_index(city)
    counts: dict[int, int] = {}
    for year in years:
        estimates = unmetered_engine.estimate_unmetered(
            index, *inputs, year,
            metered=unmetered_engine.metered_consumption(
                engine.data_dir(), city.code, year, city.time_zone),
        )
        unmetered_engine.store_unmetered_estimates(
            engine.data_dir(), city.code, index, year, estimates, tz=city.time_zone)
        counts[year] = len(estimates)
    for record in stale:
        if unmetered_engine.unmetered_year(record) not in years:
            remove_file(engine.data_dir(), city.code, record.file_hash)
    engine.forget(city)
    return counts


# --- Competition ------------------------------------------------------------------------------


def _require_in_all(user: Any, action: Action, cities: Iterable[City]) -> None:
    for city in cities:
        require(user, action, city)


def save_season(
    user: Any,
    *,
    slug: str,
    name: str,
    cities: list[City],
    starts_on: dt.date,
    ends_on: dt.date,
    baseline_year: int,
    scoring_year: int,
    description: str = "",
    is_published: bool = True,
    is_illustrative: bool = False,
) -> Season:
    """Create or update a season. An editor of every city in it may do so."""
    if not cities:
        raise ValidationError({"cities": _("A season needs at least one city.")})
    if user is not None:
        _require_in_all(user, Action.EDIT, cities)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Give the season a name.")
    if scoring_year <= baseline_year:
        errors["scoring_year"] = _("The scoring year must come after the baseline year.")
    if ends_on < starts_on:
        errors["ends_on"] = _("The season cannot end before it starts.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = Season.objects.filter(slug=slug).first()
        if existing is not None and user is not None:
            _require_in_all(user, Action.EDIT, existing.cities.all())
        season, _created = Season.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name.strip(),
                "description": description,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "baseline_year": baseline_year,
                "scoring_year": scoring_year,
                "is_published": is_published,
                "is_illustrative": is_illustrative,
            },
        )
        season.cities.set(cities)
    return season


def enter(
    user: Any,
    season: Season,
    area: Area,
    *,
    team_name: str,
    members: str = "",
    households: int | None = None,
    households_source: str = "",
    is_illustrative: bool = False,
) -> Entry:
    """Register (or update) a neighbourhood's team. Any signed-in person may enter a
    neighbourhood of a city in the season while it runs; the demo loader passes no user."""
    if user is not None:
        require(user, Action.PARTICIPATE, area.city)
    errors: dict[str, str] = {}
    if not season.cities.filter(pk=area.city_id).exists():
        errors["area"] = _("%(area)s is not in a city of this season.") % {"area": area.name}
    if area.level != AreaLevel.NEIGHBOURHOOD:
        errors["area"] = _("Only neighbourhoods can enter.")
    if not team_name.strip():
        errors["team_name"] = _("Give the team a name.")
    if households is not None and households <= 0:
        errors["households"] = _("Households must be a positive number.")
    if user is not None and season.ends_on < timezone.localdate():
        errors["season"] = _("This season has ended.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = Entry.objects.select_for_update().filter(season=season, area=area).first()
        if entry is not None and user is not None and not _may_edit_entry(user, entry):
            raise PermissionDenied(_("This neighbourhood already has a team."))
        if entry is None:
            entry = Entry(season=season, area=area, created_by=user)
        entry.team_name = team_name.strip()
        entry.members = members.strip()
        entry.households = households
        entry.households_source = households_source
        entry.is_illustrative = is_illustrative
        entry.save()
    return entry


def _may_edit_entry(user: Any, entry: Entry) -> bool:
    if getattr(user, "is_authenticated", False) and entry.created_by_id == user.pk:
        return True
    return can(user, Action.EDIT, entry.area.city)


def add_initiative(
    user: Any,
    entry: Entry,
    *,
    kind: str,
    title: str,
    description: str = "",
    started_on: dt.date | None = None,
) -> Initiative:
    """The team (whoever registered the entry) or an editor of its city adds an initiative."""
    if user is not None and not _may_edit_entry(user, entry):
        raise PermissionDenied(_("Only the team or the city's editors may add initiatives."))
    errors: dict[str, str] = {}
    if kind not in InitiativeKind.values:
        errors["kind"] = _("Unknown kind of initiative.")
    if not title.strip():
        errors["title"] = _("Give the initiative a title.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        initiative, _created = Initiative.objects.update_or_create(
            entry=entry,
            title=title.strip(),
            defaults={"kind": kind, "description": description, "started_on": started_on},
        )
    return initiative


def publish_best_practice(
    user: Any,
    season: Season,
    *,
    kind: str,
    title: str,
    summary: str,
    lessons: str = "",
    entry: Entry | None = None,
    is_illustrative: bool = False,
) -> BestPractice:
    """Add a practice to the season's inventory (an editor of a season city, or of the
    entry's city when it comes from an entry)."""
    if user is not None:
        if entry is not None:
            require(user, Action.EDIT, entry.area.city)
        elif not any(can(user, Action.EDIT, c) for c in season.cities.all()):
            raise PermissionDenied(_("You need to edit a city of this season."))
    errors: dict[str, str] = {}
    if kind not in InitiativeKind.values:
        errors["kind"] = _("Unknown kind of practice.")
    if not title.strip():
        errors["title"] = _("Give the practice a title.")
    if not summary.strip():
        errors["summary"] = _("Summarise the practice.")
    if entry is not None and entry.season_id != season.pk:
        errors["entry"] = _("This entry is not in this season.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        practice, _created = BestPractice.objects.update_or_create(
            season=season,
            title=title.strip(),
            defaults={
                "kind": kind,
                "summary": summary,
                "lessons": lessons,
                "entry": entry,
                "is_illustrative": is_illustrative,
            },
        )
    return practice
