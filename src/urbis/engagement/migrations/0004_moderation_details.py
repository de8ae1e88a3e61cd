"""Moderation records as codes and values (``details``) instead of English sentences, so that
they read in the reader's language. Records whose stored text is recognisable are converted;
the others keep their text, which is shown as stored."""

import re

from django.conf import settings
from django.db import migrations, models
from django.utils import translation

# The idea statuses as they were labelled when a summary was written (by the language active in
# the request that wrote it, hence every language of the site).
STATUS_LABELS = {
    "new": "New", "under_review": "Under review", "accepted": "Accepted",
    "in_progress": "In progress", "implemented": "Implemented", "rejected": "Rejected",
    "duplicate": "Duplicate",
}
MERGED_INTO = re.compile(
    r"^Merged into #(\d+) “(.*)”: (\d+) votes? carried over, (\d+) already counted there\.$",
    re.S)
MERGED_IN = re.compile(
    r"^#(\d+) “(.*)” merged in: (\d+) votes? carried over, (\d+) already counted\.$", re.S)
COMMENT_HIDDEN = re.compile(r"^Comment #(\d+): (.*)$", re.S)
COMMENT_SHOWN = re.compile(r"^Comment #(\d+) shown$")
LINKED = re.compile(r"^(Linked to|Unlinked from) action “(.*)”$", re.S)
DISMISSED = re.compile(r"^(\d+) reports? dismissed$")


def _labels() -> dict[str, str]:
    """label (in any of the site's languages) → status code."""
    labels = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, english in STATUS_LABELS.items():
                labels[translation.gettext(english)] = code
    return labels


def _status(summary: str, labels: dict[str, str]) -> dict | None:
    old, arrow, rest = summary.partition(" → ")
    if not arrow or old not in labels:
        return None
    for label in sorted(labels, key=len, reverse=True):
        if rest == label:
            return {"old": labels[old], "new": labels[label], "reason": ""}
        if rest.startswith(label + ": "):
            return {"old": labels[old], "new": labels[label], "reason": rest[len(label) + 2:]}
    return None


def details_of(kind: str, summary: str, labels: dict[str, str]) -> dict | None:
    """The details a record's English summary says, or None when it cannot be read."""
    if kind == "status":
        return _status(summary, labels)
    if kind == "answer":
        for prefix, first in (("Answered: ", True), ("Answer revised: ", False)):
            if summary.startswith(prefix):
                return {"first": first, "text": summary[len(prefix):]}
        return None
    if kind == "merge":
        if m := MERGED_INTO.match(summary):
            return {"into": int(m[1]), "title": m[2], "moved": int(m[3]), "dropped": int(m[4])}
        if m := MERGED_IN.match(summary):
            return {"from": int(m[1]), "title": m[2], "moved": int(m[3]), "dropped": int(m[4])}
        return None
    if kind == "hide":
        return {"reason": summary}  # the moderator's own words
    if kind == "unhide":
        return {"reason": "" if summary == "Shown again" else summary}
    if kind == "hide_comment":
        if m := COMMENT_SHOWN.match(summary):
            return {"comment": int(m[1]), "hidden": False, "reason": ""}
        if m := COMMENT_HIDDEN.match(summary):
            return {"comment": int(m[1]), "hidden": True, "reason": m[2]}
        return None
    if kind == "link":
        if m := LINKED.match(summary):
            return {"action": None, "title": m[2], "unlink": m[1] == "Unlinked from"}
        return None
    if kind == "report_resolved" and (m := DISMISSED.match(summary)):
        return {"count": int(m[1])}
    return None


def convert(apps, schema_editor):
    ModerationEvent = apps.get_model("engagement", "ModerationEvent")
    labels = _labels()
    changed = []
    for event in ModerationEvent.objects.filter(details={}).iterator(chunk_size=2000):
        details = details_of(event.kind, event.summary, labels)
        if details is not None:
            event.details = details
            changed.append(event)
    ModerationEvent.objects.bulk_update(changed, ["details"], batch_size=1000)


def back(apps, schema_editor):
    # The stored text was kept, so going back only has to forget the details.
    apps.get_model("engagement", "ModerationEvent").objects.update(details={})


class Migration(migrations.Migration):

    dependencies = [
        ('engagement', '0003_process_is_illustrative'),
    ]

    operations = [
        migrations.AddField(
            model_name='moderationevent',
            name='details',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name='moderationevent',
            name='summary',
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.RunPython(convert, back),
    ]
