"""The errors every input path reports: which file, which row, which field, and why."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class RowError:
    """One reason a row (a feature, a CSV line) was refused."""

    file: str
    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        return _("%(file)s, row %(row)s, field '%(field)s': %(reason)s") % {
            "file": self.file, "row": self.row, "field": self.field, "reason": self.reason}


class ImportRefused(Exception):
    """The input had errors; nothing of it was stored."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        shown = "\n".join(f"  - {error}" for error in errors[:50])
        more = "\n  " + _("… and %(n)d more") % {"n": len(errors) - 50} if len(errors) > 50 else ""
        head = ngettext("%(n)d error; nothing was stored:", "%(n)d errors; nothing was stored:",
                        len(errors)) % {"n": len(errors)}
        super().__init__(f"{head}\n{shown}{more}")
