"""An upload's status line as a code and values (``message_code``, ``message_values``) instead
of a sentence in the writer's language, so that it reads in the reader's language
(``urbis.energy.outcomes``). Uploads whose stored sentence is recognisable, in any of the site's
languages, are converted; the others keep their text, which is shown as stored. Going back
writes the sentence of every upload that has only a code, in the site's default language."""

import re

from django.conf import settings
from django.db import migrations, models
from django.utils import translation

# The sentences as the services wrote them until this migration (msgids of the catalogues).
READINGS = ("%(n)s reading", "%(n)s readings")
METERS = ("%(n)s meter", "%(n)s meters")
STORED = "%(readings)s of %(meters)s stored."
FIXED = {
    "duplicate": "This file was stored before; nothing was added.",
    "rejected": "The file has errors; nothing was stored.",
    "withdrawn": "Withdrawn: its readings are no longer in the balance.",
    "file_gone": "Interrupted; the file is gone. Nothing was stored; upload again.",
}
FAILED = "Processing failed: %(error)s. Nothing was stored."
INTERRUPTED = "%(reason)s Nothing was stored; upload the file again."
WORKER_STOPPED = ("The worker %(worker)s stopped while this job ran (started %(started)s); the "
                  "job did not finish.")


def _pattern(template):
    parts = re.split(r"%\((\w+)\)s", template)
    return re.compile("".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.*?)"
                              for i, p in enumerate(parts)), re.S)


def _stored(rows, meters):
    _ = translation.gettext
    return _(STORED) % {
        "readings": translation.ngettext(*READINGS, rows) % {"n": rows},
        "meters": translation.ngettext(*METERS, meters) % {"n": meters},
    }


def _reason_values(reason):
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            found = _pattern(translation.gettext(WORKER_STOPPED)).fullmatch(reason)
        if found is not None:
            return found.groupdict()
    return {"reason": reason}


def outcome_of(message, rows, meters):
    """(code, values) that ``message`` says, in any of the site's languages, or None."""
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            _ = translation.gettext
            if message == _stored(rows, meters):
                return "stored", {"rows": rows, "meters": meters}
            for code, text in FIXED.items():
                if message == _(text):
                    return code, {}
            if found := _pattern(_(FAILED)).fullmatch(message):
                return "failed", {"error": found["error"]}
            if found := _pattern(_(INTERRUPTED)).fullmatch(message):
                return "interrupted", _reason_values(found["reason"])
    return None


def sentence(code, values):
    """The sentence of (code, values) in the active language, as the services wrote it."""
    _ = translation.gettext
    if code == "stored":
        return _stored(values["rows"], values["meters"])
    if code in FIXED:
        return _(FIXED[code])
    if code == "failed":
        return _(FAILED) % values
    if code == "interrupted":
        reason = (_(WORKER_STOPPED) % values) if "worker" in values else values.get("reason", "")
        return _(INTERRUPTED) % {"reason": reason}
    return ""


def convert(apps, schema_editor):
    EnergyUpload = apps.get_model("energy", "EnergyUpload")
    changed = []
    for upload in EnergyUpload.objects.filter(message_code="").exclude(message="").iterator(
            chunk_size=2000):
        found = outcome_of(upload.message, upload.rows, upload.meters)
        if found is not None:
            upload.message_code, upload.message_values = found
            changed.append(upload)
    EnergyUpload.objects.bulk_update(changed, ["message_code", "message_values"],
                                     batch_size=1000)


def back(apps, schema_editor):
    # A converted upload kept its text; one written with a code only gets its sentence.
    EnergyUpload = apps.get_model("energy", "EnergyUpload")
    changed = []
    with translation.override(settings.LANGUAGE_CODE):
        for upload in EnergyUpload.objects.filter(message="").exclude(message_code="").iterator(
                chunk_size=2000):
            upload.message = sentence(upload.message_code, upload.message_values)
            changed.append(upload)
    EnergyUpload.objects.bulk_update(changed, ["message"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('energy', '0003_energyupload_withdrawn'),
    ]

    operations = [
        migrations.AddField(
            model_name='energyupload',
            name='message_code',
            field=models.CharField(blank=True, max_length=16, verbose_name='outcome'),
        ),
        migrations.AddField(
            model_name='energyupload',
            name='message_values',
            field=models.JSONField(blank=True, default=dict, verbose_name='outcome values'),
        ),
        migrations.RunPython(convert, back),
    ]
