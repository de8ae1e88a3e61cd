"""Notifications in the reader's language.

A notification is stored as a code and its values (``Notification.code``, ``.params``: titles,
a status code, a count, the moderator's own words), never as a sentence in the language of the
person whose act caused it, and worded here when it is shown or e-mailed. The services pass one
of the codes below to ``services.notify``; the wording of each code lives only here.
Rows written before codes existed keep their stored ``text`` (see migration 0005).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from urbis.engagement.models.ideas import IdeaStatus

NEW_IDEA = "new_idea"                  # process, title
SUPPORT_REACHED = "support_reached"    # title, n
WORKSHOP_PLACE = "workshop_place"      # title
STATUS_CHANGED = "status_changed"      # title, status (a code)
ANSWERED = "answered"                  # title
MERGED = "merged"                      # title, target
IDEA_HIDDEN = "idea_hidden"            # title, reason
COMMENT_HIDDEN = "comment_hidden"      # title, reason
NEW_COMMENT = "new_comment"            # title
REPLY = "reply"                        # title


def _status(code: Any) -> str:
    return str(IdeaStatus(code).label) if code in IdeaStatus.values else str(code)


_WORDING: dict[str, Callable[[Mapping[str, Any]], str]] = {
    NEW_IDEA: lambda p: _("New idea in %(process)s: %(title)s") % {
        "process": p["process"], "title": p["title"]},
    SUPPORT_REACHED: lambda p: ngettext(
        "%(title)s reached %(n)d vote: the city owes it an answer.",
        "%(title)s reached %(n)d votes: the city owes it an answer.",
        int(p["n"])) % {"title": p["title"], "n": int(p["n"])},
    WORKSHOP_PLACE: lambda p: _("A place is free for you at %(title)s") % {"title": p["title"]},
    STATUS_CHANGED: lambda p: _("%(title)s is now: %(status)s") % {
        "title": p["title"], "status": _status(p["status"])},
    ANSWERED: lambda p: _("The city answered %(title)s") % {"title": p["title"]},
    MERGED: lambda p: _("%(title)s was merged into %(target)s") % {
        "title": p["title"], "target": p["target"]},
    IDEA_HIDDEN: lambda p: _("Your idea %(title)s was hidden by a moderator: %(reason)s") % {
        "title": p["title"], "reason": p["reason"]},
    COMMENT_HIDDEN: lambda p: _(
        "Your comment on %(title)s was hidden by a moderator: %(reason)s") % {
        "title": p["title"], "reason": p["reason"]},
    NEW_COMMENT: lambda p: _("New comment on %(title)s") % {"title": p["title"]},
    REPLY: lambda p: _("Reply to your comment on %(title)s") % {"title": p["title"]},
}

CODES = frozenset(_WORDING)


def check(code: str, params: Mapping[str, Any]) -> None:
    """A wrong code or missing value is a programming error: refused when the notification is
    written, not when someone reads it."""
    _WORDING[code](params)  # KeyError names the unknown code or the missing value


def wording(code: str, params: Mapping[str, Any], text: str = "") -> str:
    """The notification in the active language; a row from before codes keeps its text."""
    if code not in _WORDING:
        return text
    try:
        return _WORDING[code](params)
    except (KeyError, TypeError, ValueError):
        return text
