"""The moderation record in the reader's language.

A moderator's act is stored as its kind and ``details`` (status codes, counts, the action's
name, the moderator's own words), never as an English sentence, and worded here when it is
shown, as strategy's change history is (``urbis.web.templatetags.history``): a status code is
shown by the same ``field_value`` helper that shows a strategy field's choice. The services
build ``details`` with the functions below, so the stored keys and the wording stay together.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from urbis.web.templatetags.history import field_value

STATUS, ANSWER, MERGE, HIDE, UNHIDE = "status", "answer", "merge", "hide", "unhide"
HIDE_COMMENT, LINK, REPORT_RESOLVED = "hide_comment", "link", "report_resolved"

#: How much of an official answer the record keeps (the answer itself is on the idea).
ANSWER_EXCERPT = 200


def status_changed(old: str, new: str, reason: str = "") -> dict[str, Any]:
    return {"old": old, "new": new, "reason": reason}


def answered(text: str, *, first: bool) -> dict[str, Any]:
    return {"first": first, "text": text[:ANSWER_EXCERPT]}


def merged_into(target_pk: int, target_title: str, moved: int, dropped: int) -> dict[str, Any]:
    """On the duplicate: it went into ``target``."""
    return {"into": target_pk, "title": target_title, "moved": moved, "dropped": dropped}


def merged_in(duplicate_pk: int, duplicate_title: str, moved: int, dropped: int) -> dict[str, Any]:
    """On the original: ``duplicate`` came in."""
    return {"from": duplicate_pk, "title": duplicate_title, "moved": moved, "dropped": dropped}


def hidden(reason: str) -> dict[str, Any]:
    return {"reason": reason}


def comment_hidden(comment_pk: int, reason: str, *, hidden: bool) -> dict[str, Any]:
    return {"comment": comment_pk, "hidden": hidden, "reason": reason}


def linked(action_pk: int, action_title: str, *, unlink: bool) -> dict[str, Any]:
    return {"action": action_pk, "title": action_title, "unlink": unlink}


def reports_dismissed(count: int) -> dict[str, Any]:
    return {"count": count}


def _status(code: str) -> str:
    return field_value("engagement", "idea", "status", code)


def describe(kind: str, details: dict[str, Any], summary: str = "") -> str:
    """What happened, in the active language; a record without details (written before they
    existed, in words the migration could not read) is shown as it was stored."""
    if not details:
        return summary
    d = details
    if kind == STATUS:
        text = _("%(old)s → %(new)s") % {"old": _status(d["old"]), "new": _status(d["new"])}
        return _("%(change)s: %(reason)s") % {"change": text, "reason": d["reason"]} if d.get(
            "reason") else text
    if kind == ANSWER:
        if d.get("first"):
            return _("Answered: %(text)s") % {"text": d["text"]}
        return _("Answer revised: %(text)s") % {"text": d["text"]}
    if kind == MERGE:
        values = {"title": d["title"], "moved": d["moved"], "dropped": d["dropped"]}
        if "into" in d:
            return ngettext(
                "Merged into #%(pk)s “%(title)s”: %(moved)d vote carried over, %(dropped)d "
                "already counted there.",
                "Merged into #%(pk)s “%(title)s”: %(moved)d votes carried over, %(dropped)d "
                "already counted there.",
                d["moved"],
            ) % {"pk": d["into"], **values}
        return ngettext(
            "#%(pk)s “%(title)s” merged in: %(moved)d vote carried over, %(dropped)d already "
            "counted.",
            "#%(pk)s “%(title)s” merged in: %(moved)d votes carried over, %(dropped)d already "
            "counted.",
            d["moved"],
        ) % {"pk": d["from"], **values}
    if kind in (HIDE, UNHIDE):
        return str(d.get("reason", ""))
    if kind == HIDE_COMMENT:
        if d.get("hidden"):
            return _("Comment #%(pk)s: %(reason)s") % {"pk": d["comment"], "reason": d["reason"]}
        return _("Comment #%(pk)s shown") % {"pk": d["comment"]}
    if kind == LINK:
        if d.get("unlink"):
            return _("Unlinked from action “%(action)s”") % {"action": d["title"]}
        return _("Linked to action “%(action)s”") % {"action": d["title"]}
    if kind == REPORT_RESOLVED:
        return ngettext("%(n)d report dismissed", "%(n)d reports dismissed", d["count"]) % {
            "n": d["count"]}
    return summary
