"""Notifications as a code and its values (``code``, ``params``) instead of a sentence in the
language of the person whose act caused them, so that they read in the reader's language.
Stored sentences that are recognisable (in any of the site's languages) are converted; the
others keep their text, which is shown as stored. Reversible: going back words the rows that
have only a code in the site's language."""

import re

from django.conf import settings
from django.db import migrations, models
from django.utils import translation

# The sentences as ``urbis.engagement.notices`` words them (frozen here: a migration must not
# change when the code does). The first group of each is matched as short as possible.
SENTENCES = [
    ("idea_hidden", "Your idea %(title)s was hidden by a moderator: %(reason)s"),
    ("comment_hidden", "Your comment on %(title)s was hidden by a moderator: %(reason)s"),
    ("reply", "Reply to your comment on %(title)s"),
    ("new_comment", "New comment on %(title)s"),
    ("new_idea", "New idea in %(process)s: %(title)s"),
    ("workshop_place", "A place is free for you at %(title)s"),
    ("answered", "The city answered %(title)s"),
    ("merged", "%(title)s was merged into %(target)s"),
    ("status_changed", "%(title)s is now: %(status)s"),
]
SUPPORT = ("%(title)s reached %(n)d vote: the city owes it an answer.",
           "%(title)s reached %(n)d votes: the city owes it an answer.")
STATUS_LABELS = {
    "new": "New", "under_review": "Under review", "accepted": "Accepted",
    "in_progress": "In progress", "implemented": "Implemented", "rejected": "Rejected",
    "duplicate": "Duplicate",
}
PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")


def _pattern(template):
    out, at, first = [], 0, True
    for m in PLACEHOLDER.finditer(template):
        out.append(re.escape(template[at:m.start()]))
        if m[2] == "d":
            out.append(rf"(?P<{m[1]}>\d+)")
        else:
            out.append(rf"(?P<{m[1]}>.*?)" if first else rf"(?P<{m[1]}>.*)")
        first, at = False, m.end()
    out.append(re.escape(template[at:]))
    return re.compile("^" + "".join(out) + "$", re.S)


def patterns():
    """(code, compiled sentence) in every language of the site, and status label → code."""
    found, labels = [], {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, template in SENTENCES:
                found.append((code, _pattern(translation.gettext(template))))
            for n in (1, 2, 5):  # the plural forms of every supported language
                found.append(("support_reached",
                              _pattern(translation.ngettext(SUPPORT[0], SUPPORT[1], n))))
            for code, english in STATUS_LABELS.items():
                labels[translation.gettext(english)] = code
    return found, labels


def read(text, found, labels):
    """(code, params) for a stored sentence, or None when it cannot be read."""
    for code, pattern in found:
        m = pattern.match(text)
        if m is None:
            continue
        params = m.groupdict()
        if code == "status_changed":
            if params["status"] not in labels:
                continue
            params["status"] = labels[params["status"]]
        if code == "support_reached":
            params["n"] = int(params["n"])
        return code, params
    return None


def convert(apps, schema_editor):
    Notification = apps.get_model("engagement", "Notification")
    found, labels = patterns()
    changed = []
    for note in Notification.objects.filter(code="").iterator(chunk_size=2000):
        read_as = read(note.text, found, labels)
        if read_as is not None:
            note.code, note.params = read_as
            changed.append(note)
    Notification.objects.bulk_update(changed, ["code", "params"], batch_size=1000)


def back(apps, schema_editor):
    # Converted rows kept their text; rows written with a code only are worded in the site's
    # language, as the wording stood when this migration was written.
    Notification = apps.get_model("engagement", "Notification")
    wording = dict(SENTENCES)
    changed = []
    with translation.override(settings.LANGUAGE_CODE):
        for note in Notification.objects.filter(text="").exclude(code="").iterator():
            p = note.params
            if note.code == "support_reached":
                text = translation.ngettext(*SUPPORT, int(p["n"])) % p
            elif note.code in wording:
                if note.code == "status_changed":
                    p = {**p, "status": translation.gettext(STATUS_LABELS.get(p["status"],
                                                                              p["status"]))}
                text = translation.gettext(wording[note.code]) % p
            else:
                continue
            note.text = text[:300]
            changed.append(note)
    Notification.objects.bulk_update(changed, ["text"], batch_size=1000)
    Notification.objects.update(code="", params={})


class Migration(migrations.Migration):

    dependencies = [
        ('engagement', '0004_moderation_details'),
    ]

    operations = [
        migrations.AddField(
            model_name='notification',
            name='code',
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AddField(
            model_name='notification',
            name='params',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name='notification',
            name='text',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.RunPython(convert, back),
    ]
