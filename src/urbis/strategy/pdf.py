"""A published progress report as a printable PDF (fpdf2: pure Python, no system packages)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from fpdf import FPDF

# The PDF core fonts cover Latin-1 only; these are the characters outside it that reports use.
_REPLACE = {
    "–": "-", "—": "-", "“": '"', "”": '"', "‘": "'", "’": "'", "…": "...", "€": "EUR",
    "→": "->", "≥": ">=", "≤": "<=", "−": "-", "₂": "2", "•": "*", "\u202f": " ", "\u00a0": " ",
}


def _text(value: Any) -> str:
    text = "" if value is None else str(value)
    for old, new in _REPLACE.items():
        text = text.replace(old, new)
    return text.encode("latin-1", "replace").decode("latin-1")


def _number(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, float):
        return f"{value:,.4g}"
    return str(value)


STATUS = {
    "on_track": "on track", "at_risk": "at risk", "off_track": "off track",
    "achieved": "achieved", "no_data": "no data",
}


def render(report: Any) -> bytes:
    content = report.content
    pdf = FPDF(format="A4")
    pdf.set_title(_text(report.title))
    pdf.set_author(_text(content["strategy"]["city"]))
    pdf.set_creator("Urbis")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def heading(text: str, size: int = 13) -> None:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", size)
        pdf.multi_cell(width, 7, _text(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)

    def line(text: str) -> None:
        pdf.multi_cell(width, 5, _text(text), new_x="LMARGIN", new_y="NEXT")

    heading(report.title, 16)
    period = content["period"]
    line(f"{content['strategy']['city']} - period {period['start']} to {period['end']}")
    # The date by the city's clock (its zone is active on the city's pages), not UTC's.
    line(f"Published {timezone.localtime(report.published_at):%Y-%m-%d}; figures as computed on "
         f"{content['computed_on']} and frozen at publication.")
    summary = content["summary"]
    heading("Summary")
    line(f"Actions with work planned in the period: {summary['actions_planned']}")
    line(f"Actions with milestones done: {summary['actions_with_progress']} "
         f"({summary['milestones_done']} milestones)")
    line(f"Targets whose indicator moved: {summary['targets_moved']}")
    by_status = ", ".join(
        f"{STATUS.get(k, k)}: {v}" for k, v in sorted(summary["targets_by_status"].items())
    )
    line(f"Targets by status: {by_status or 'none'}")

    heading("What was planned")
    if not content["planned"]:
        line("Nothing was due in this period.")
    for item in content["planned"]:
        pdf.set_font("Helvetica", "B", 10)
        line(f"{item['action']} ({item['status'].replace('_', ' ')})")
        pdf.set_font("Helvetica", "", 10)
        for milestone in item["milestones_due"]:
            done = f"done {milestone['done_on']}" if milestone["done_on"] else "not done"
            line(f"  - {milestone['title']}: due {milestone['due']}, {done}")

    heading("What was done")
    if not content["done"]:
        line("No milestone was completed in this period.")
    for item in content["done"]:
        pdf.set_font("Helvetica", "B", 10)
        line(item["action"])
        pdf.set_font("Helvetica", "", 10)
        for milestone in item["milestones_done"]:
            line(f"  - {milestone['title']} (due {milestone['due']}, done {milestone['done_on']})")

    heading("Targets")
    for item in content["targets"]:
        pdf.set_font("Helvetica", "B", 10)
        line(f"{item['target']} - {STATUS.get(item['status'], item['status'])}")
        pdf.set_font("Helvetica", "", 10)
        if item["change"] is not None:
            line(f"  Moved from {_number(item['from']['value'])} ({item['from']['date'][:4]}) to "
                 f"{_number(item['to']['value'])} ({item['to']['date'][:4]}) {item['unit']}")
        line(f"  {item['reason']}")
    return bytes(pdf.output())
