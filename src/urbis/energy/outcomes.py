"""An upload's status line in the reader's language.

What became of an upload is stored as a code and its values (``EnergyUpload.message_code`` and
``message_values``), never as a sentence in the language of whoever (or whichever worker) wrote
it, and worded here when it is shown: on the upload's page, in the upload list and in the API.
The services set it with ``note``, so the stored keys and the wording stay together, as the
moderation record does (``urbis.engagement.history``). An upload written before the codes, in
words migration 0004 could not read, keeps its stored ``message`` and is shown as it was.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

STORED, DUPLICATE, REJECTED, WITHDRAWN = "stored", "duplicate", "rejected", "withdrawn"
#: Processing raised an error (its text, as the error gave it, is the value ``error``).
FAILED = "failed"
#: The job's worker stopped (``worker``, ``started``), or another interruption (``reason``).
INTERRUPTED = "interrupted"
#: The web process stopped and the waiting file is gone.
FILE_GONE = "file_gone"

CODES = (STORED, DUPLICATE, REJECTED, WITHDRAWN, FAILED, INTERRUPTED, FILE_GONE)

#: The job framework's reason for a job whose worker stopped (``urbis.jobs.services``); read back
#: into its values so that the status line can say it in the reader's language.
WORKER_STOPPED = gettext_noop(
    "The worker %(worker)s stopped while this job ran (started %(started)s); the job did not "
    "finish."
)


def note(upload: Any, code: str, **values: Any) -> None:
    """Set what became of ``upload`` (saved by the caller)."""
    assert code in CODES, code
    upload.message_code = code
    upload.message_values = values
    upload.message = ""


def _template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"%\((\w+)\)s", template)
    regex = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>.*?)" for i, part in enumerate(parts)
    )
    return re.compile(regex, re.S)


def interrupted(reason: str) -> dict[str, Any]:
    """The values of an interruption: the stopped worker and when the job started when the
    reason is the job framework's (in any of the site's languages), else the reason itself."""
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            found = _template_pattern(_(WORKER_STOPPED)).fullmatch(reason)
        if found is not None:
            return found.groupdict()
    return {"reason": reason}


def describe(code: str, values: dict[str, Any], stored: str = "") -> str:
    """The status line in the active language; ``stored`` (the old text) when there is no
    code."""
    v = values
    if code == STORED:
        return _("%(readings)s of %(meters)s stored.") % {
            "readings": ngettext("%(n)s reading", "%(n)s readings", v["rows"])
            % {"n": number_format(v["rows"], force_grouping=True)},
            "meters": ngettext("%(n)s meter", "%(n)s meters", v["meters"])
            % {"n": number_format(v["meters"], force_grouping=True)},
        }
    if code == DUPLICATE:
        return _("This file was stored before; nothing was added.")
    if code == REJECTED:
        return _("The file has errors; nothing was stored.")
    if code == WITHDRAWN:
        return _("Withdrawn: its readings are no longer in the balance.")
    if code == FAILED:
        return _("Processing failed: %(error)s. Nothing was stored.") % {"error": v["error"]}
    if code == INTERRUPTED:
        reason = (_(WORKER_STOPPED) % {"worker": v["worker"], "started": v["started"]}
                  if "worker" in v else v.get("reason", ""))
        return _("%(reason)s Nothing was stored; upload the file again.") % {"reason": reason}
    if code == FILE_GONE:
        return _("Interrupted; the file is gone. Nothing was stored; upload again.")
    return stored
