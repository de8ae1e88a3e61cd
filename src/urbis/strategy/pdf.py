"""A published progress report as a PDF document (fpdf2: pure Python, no system packages).

Text is set in DejaVu Sans, shipped in ``strategy/fonts/`` under its free licence, so that
Polish, Czech, Greek or any other language of a city prints as written. Labels are in the
reader's language and numbers in its format; the charts are drawn from the report's figures with
fpdf2's own shapes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from urbis.strategy.models import ActionStatus, TargetStatus
from urbis.web.templatetags.figures import figure

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVuSans"
INK = (31, 41, 55)
MUTED = (107, 114, 128)
# One colour per target status (colour-blind-safe; the bars also carry their counts as text).
STATUS_COLOURS = {
    TargetStatus.ACHIEVED: (26, 152, 80),
    TargetStatus.ON_TRACK: (145, 207, 96),
    TargetStatus.AT_RISK: (254, 224, 139),
    TargetStatus.OFF_TRACK: (215, 48, 39),
    TargetStatus.NO_DATA: (189, 189, 189),
}


def file_name(report: Any) -> str:
    """The download's name: the strategy's and the report's, e.g. ``pla-clima-2024.pdf``."""
    return f"{report.strategy.slug}-{slugify(report.title) or report.pk}.pdf"


def _status_label(value: str) -> str:
    try:
        return str(TargetStatus(value).label)
    except ValueError:
        return value


def _action_status(value: str) -> str:
    try:
        return str(ActionStatus(value).label)
    except ValueError:
        return value.replace("_", " ")


def _number(value: Any) -> str:
    """A figure in the reader's format with sensible precision: 14,413 and 3.6, not 14413.0."""
    if value is None or value == "":
        return "–"
    return str(figure(value))


def _date(value: str | None) -> str:
    if not value:
        return "–"
    try:
        return date_format(dt.date.fromisoformat(value[:10]), "SHORT_DATE_FORMAT")
    except ValueError:
        return value


class _Report(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 6, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(*INK)


def render(report: Any) -> bytes:
    content = report.content
    pdf = _Report(format="A4")
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(report.title)
    pdf.set_author(content["strategy"]["city"])
    pdf.set_creator("Urbis")
    pdf.set_lang(get_language() or "en")
    pdf.footer_text = f"{content['strategy']['title']} — {report.title}"
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_text_color(*INK)
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def heading(text: str, size: int = 13) -> None:
        pdf.ln(4)
        pdf.set_font(FAMILY, "B", size)
        pdf.multi_cell(width, size * 0.55, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        pdf.set_font(FAMILY, "", 10)

    def line(text: str, *, bold: bool = False, muted: bool = False) -> None:
        pdf.set_font(FAMILY, "B" if bold else "", 10)
        if muted:
            pdf.set_text_color(*MUTED)
        pdf.multi_cell(width, 5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*INK)
        pdf.set_font(FAMILY, "", 10)

    # Title block.
    pdf.set_font(FAMILY, "B", 20)
    pdf.multi_cell(width, 10, report.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 12)
    pdf.multi_cell(width, 6, f"{content['strategy']['title']} · {content['strategy']['city']}",
                   new_x="LMARGIN", new_y="NEXT")
    period = content["period"]
    line(_("Period: %(start)s to %(end)s") % {
        "start": _date(period["start"]), "end": _date(period["end"])}, muted=True)
    # The date by the city's clock (its zone is active on the city's pages), not UTC's.
    line(_("Published %(published)s; figures as computed on %(computed)s and frozen at "
           "publication.") % {
        "published": date_format(timezone.localtime(report.published_at), "SHORT_DATE_FORMAT"),
        "computed": _date(content["computed_on"]),
    }, muted=True)

    summary = content["summary"]
    heading(_("Summary"))
    rows = [
        (_("Actions with work planned in the period"), summary["actions_planned"]),
        (_("Actions with milestones done"), summary["actions_with_progress"]),
        (_("Milestones done"), summary["milestones_done"]),
        (_("Targets whose indicator moved"), summary["targets_moved"]),
    ]
    with pdf.table(col_widths=(4, 1), text_align=("LEFT", "RIGHT"), line_height=6,
                   headings_style=FontFace(emphasis="BOLD", fill_color=(229, 231, 235))) as table:
        head = table.row()
        head.cell(_("Figure"))
        head.cell(_("Count"))
        for label, value in rows:
            row = table.row()
            row.cell(label)
            row.cell(_number(value))

    by_status = summary.get("targets_by_status") or {}
    heading(_("Targets by status"))
    _status_chart(pdf, by_status, width)

    heading(_("What was planned"))
    if not content["planned"]:
        line(_("Nothing was due in this period."))
    for item in content["planned"]:
        line(f"{item['action']} ({_action_status(item['status'])})", bold=True)
        for milestone in item["milestones_due"]:
            state = (_("done %(date)s") % {"date": _date(milestone["done_on"])}
                     if milestone["done_on"] else _("not done"))
            line("  • " + _("%(title)s: due %(due)s, %(state)s") % {
                "title": milestone["title"], "due": _date(milestone["due"]), "state": state})

    heading(_("What was done"))
    if not content["done"]:
        line(_("No milestone was completed in this period."))
    for item in content["done"]:
        line(item["action"], bold=True)
        for milestone in item["milestones_done"]:
            line("  • " + _("%(title)s (due %(due)s, done %(done)s)") % {
                "title": milestone["title"], "due": _date(milestone["due"]),
                "done": _date(milestone["done_on"])})

    heading(_("Targets"))
    for item in content["targets"]:
        line(f"{item['target']} — {_status_label(item['status'])}", bold=True)
        if item.get("change") is not None:
            moved = _("Moved from %(from)s (%(from_year)s) to %(to)s (%(to_year)s) %(unit)s")
            line("  " + moved % {
                "from": _number(item["from"]["value"]), "from_year": item["from"]["date"][:4],
                "to": _number(item["to"]["value"]), "to_year": item["to"]["date"][:4],
                "unit": item.get("unit") or ""})
            _change_chart(pdf, item, width)
        if item.get("reason"):
            line("  " + str(item["reason"]), muted=True)
    pdf.alias_nb_pages()
    return bytes(pdf.output())


def _status_chart(pdf: FPDF, counts: dict[str, int], width: float) -> None:
    """One bar per status, its length the number of targets, the count written beside it."""
    if not counts:
        pdf.multi_cell(width, 5, _("No target."), new_x="LMARGIN", new_y="NEXT")
        return
    largest = max(counts.values()) or 1
    label_width, bar_room = 45.0, width - 45.0 - 15.0
    for status in TargetStatus:
        if status.value not in counts:
            continue
        count = counts[status.value]
        y = pdf.get_y()
        pdf.set_font(FAMILY, "", 9)
        pdf.cell(label_width, 6, str(status.label))
        pdf.set_fill_color(*STATUS_COLOURS[status])
        pdf.set_draw_color(*MUTED)
        pdf.rect(pdf.l_margin + label_width, y + 1, max(bar_room * count / largest, 0.8), 4,
                 style="DF")
        pdf.set_xy(pdf.l_margin + label_width + bar_room * count / largest + 2, y)
        pdf.cell(15, 6, _number(count))
        pdf.ln(6)
    pdf.set_font(FAMILY, "", 10)


def _change_chart(pdf: FPDF, item: dict[str, Any], width: float) -> None:
    """Two bars, the indicator at the start and at the end of the period, on one scale."""
    start, end = item["from"]["value"], item["to"]["value"]
    if not isinstance(start, int | float) or not isinstance(end, int | float):
        return
    largest = max(abs(start), abs(end)) or 1
    room = min(width - 40.0, 110.0)
    pdf.set_font(FAMILY, "", 8)
    for year, value, colour in ((item["from"]["date"][:4], start, (158, 202, 225)),
                                (item["to"]["date"][:4], end, (49, 130, 189))):
        y = pdf.get_y()
        pdf.set_x(pdf.l_margin + 6)
        pdf.cell(14, 4.5, year)
        pdf.set_fill_color(*colour)
        pdf.rect(pdf.l_margin + 20, y + 0.7, max(room * abs(value) / largest, 0.8), 3.2, style="F")
        pdf.set_xy(pdf.l_margin + 22 + room * abs(value) / largest, y)
        pdf.cell(25, 4.5, _number(value))
        pdf.ln(4.5)
    pdf.set_font(FAMILY, "", 10)
