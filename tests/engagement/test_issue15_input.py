"""Issue 15, security 7: lengths are checked on the text left after sanitising, and a PDF that
carries JavaScript, launch or automatic actions is refused (a clean PDF is still accepted)."""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from fpdf import FPDF

from urbis.engagement import services, uploads
from urbis.engagement.models import Attachment, Idea, Process

BODY = "Put photovoltaic panels on the roofs of public schools in the district."

# ---------------------------------------------------------------- titles and bodies


@pytest.mark.parametrize("title", [
    "<b></b><i></i><u></u>",  # 21 characters typed, nothing left
    "<script>alert('a long script')</script>",
    "<img src=x onerror=alert(1)>ab",  # two characters left
])
def test_a_title_of_tags_is_refused(
    title: str, process: Process, make_user: Callable[..., Any]
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.submit_idea(by=make_user(), process=process, title=title, body=BODY,
                             category="energy")
    assert "At least 5 characters" in caught.value.message_dict["title"][0]
    assert Idea.objects.count() == 0


def test_an_edit_to_a_title_of_tags_is_refused(
    idea: Idea, make_user: Callable[..., Any]
) -> None:
    with pytest.raises(ValidationError, match="At least 5 characters"):
        services.edit_idea(by=idea.author, idea=idea, title="<em></em><strong></strong>",
                           body=BODY, category="energy")
    idea.refresh_from_db()
    assert idea.title == "Solar roofs on every school"


def test_a_body_of_tags_is_refused(process: Process, make_user: Callable[..., Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        services.submit_idea(by=make_user(), process=process, title="Solar schools",
                             body="<script>document.write('x')</script><iframe></iframe>",
                             category="energy")
    assert "At least 20 characters" in caught.value.message_dict["body"][0]
    assert Idea.objects.count() == 0


def test_the_length_counts_what_readers_see(
    process: Process, make_user: Callable[..., Any]
) -> None:
    # "&" is one character for the reader although it is stored escaped.
    idea = services.submit_idea(by=make_user(), process=process, title="<b>A & B</b>",
                                body=BODY, category="energy")
    assert idea.title == "A &amp; B"
    with pytest.raises(ValidationError, match="At most 150 characters"):
        services.submit_idea(by=make_user(), process=process, title="x" * 151, body=BODY,
                             category="energy")
    with pytest.raises(ValidationError, match="At most 150 characters"):
        # 150 seen, but stored as "&amp;" the column could not hold it.
        services.submit_idea(by=make_user(), process=process, title="&" * 150, body=BODY,
                             category="energy")
    long_with_tags = "<b>" + "y" * 150 + "</b>"  # 157 typed, 150 seen
    assert services.submit_idea(by=make_user(), process=process, title=long_with_tags,
                                body=BODY, category="energy").title == "y" * 150


# ---------------------------------------------------------------- PDF attachments


def clean_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Plànol del barri")
    return bytes(pdf.output())


PAGES = {
    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
}


def build_pdf(objects: dict[int, bytes], packed: frozenset[int] = frozenset()) -> bytes:
    """A small PDF written byte by byte; the objects numbered in ``packed`` go into a
    compressed object stream (then the cross-reference table is a stream too)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number, body in sorted(objects.items()):
        if number not in packed:
            offsets[number] = len(out)
            out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    size = max(objects) + 1
    if not packed:
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % size
        for number in range(1, size):
            out += b"%010d 00000 n \n" % offsets[number]
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
        return bytes(out)
    stream_number, xref_number = size, size + 1
    members = sorted(packed)
    bodies, index = b"", []
    for number in members:
        index.append(b"%d %d" % (number, len(bodies)))
        bodies += objects[number] + b"\n"
    head = b" ".join(index) + b"\n"
    data = zlib.compress(head + bodies)
    offsets[stream_number] = len(out)
    out += (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n"
            b"stream\n%s\nendstream\nendobj\n"
            % (stream_number, len(members), len(head), len(data), data))
    offsets[xref_number] = len(out)
    rows = b"\x00\x00\x00\x00\x00\xff\xff"
    for number in range(1, xref_number + 1):
        if number in packed:
            position = members.index(number)
            rows += b"\x02" + stream_number.to_bytes(4, "big") + position.to_bytes(2, "big")
        else:
            rows += b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00\x00"
    out += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\n"
            b"stream\n%s\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n"
            % (xref_number, xref_number + 1, len(rows), rows, offsets[xref_number]))
    return bytes(out)


def with_catalog(extra: bytes, **more: bytes) -> dict[int, bytes]:
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R " + extra + b" >>", **PAGES}
    objects.update({int(k[1:]): v for k, v in more.items()})
    return objects


JS_OPEN = with_catalog(b"/OpenAction 4 0 R", o4=b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>")


@pytest.mark.parametrize(("objects", "packed", "what"), [
    (JS_OPEN, frozenset(), "JavaScript"),
    # Hidden in a compressed object stream: no byte of "/JS" is in the file.
    (JS_OPEN, frozenset({1, 4}), "JavaScript"),
    # The name spelt with #xx escapes: /J#53 is /JS, /#4Aava#53cript is /JavaScript.
    (with_catalog(b"/OpenAction << /S /#4Aava#53cript /J#53 (app.alert\\(1\\)) >>"), frozenset(),
     "JavaScript"),
    (with_catalog(b"/Names << /JavaScript 4 0 R >>", o4=b"<< /Names [(a) 5 0 R] >>",
                  o5=b"<< /S /JavaScript /JS (this.print\\(\\)) >>"), frozenset(), "JavaScript"),
    (with_catalog(b"/OpenAction << /S /Launch /F (calc.exe) >>"), frozenset(), "launch"),
    (with_catalog(b"", o3=b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] "
                          b"/AA << /O << /S /GoTo /D [3 0 R /Fit] >> >> >>"),
     frozenset(), "automatic actions"),
])
def test_a_pdf_with_active_content_is_refused(
    objects: dict[int, bytes], packed: frozenset[int], what: str
) -> None:
    data = build_pdf(objects, packed)
    with pytest.raises(ValidationError) as caught:
        uploads.check(io.BytesIO(data), "plan-del-barri.pdf")
    message = caught.value.message_dict["attachments"][0]
    assert message.startswith("plan-del-barri.pdf: the PDF contains")
    assert what in message


@pytest.mark.parametrize("data", [
    clean_pdf(),
    build_pdf(with_catalog(b"")),
    build_pdf(with_catalog(b""), frozenset({1, 3})),
    # Opening at the first page is an ordinary action, not active content.
    build_pdf(with_catalog(b"/OpenAction [3 0 R /Fit]")),
    build_pdf(with_catalog(b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >>")),
])
def test_a_clean_pdf_is_accepted(data: bytes) -> None:
    checked = uploads.check(io.BytesIO(data), "plan.pdf")
    assert (checked.kind, checked.content_type, checked.size) == ("pdf", "application/pdf",
                                                                   len(data))


def test_an_unreadable_pdf_is_refused() -> None:
    with pytest.raises(ValidationError, match="broken.pdf: the PDF contains structures that "
                                              "cannot be read"):
        uploads.check(io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"), "broken.pdf")


def test_an_idea_with_a_scripted_pdf_stores_nothing(
    process: Process, make_user: Callable[..., Any]
) -> None:
    with pytest.raises(ValidationError, match="evil.pdf: the PDF contains JavaScript"):
        services.submit_idea(
            by=make_user(), process=process, title="Solar schools", body=BODY,
            category="energy",
            files=[(io.BytesIO(clean_pdf()), "plan.pdf"),
                   (io.BytesIO(build_pdf(JS_OPEN, frozenset({1, 4}))), "evil.pdf")],
        )
    assert (Idea.objects.count(), Attachment.objects.count()) == (0, 0)
    idea = services.submit_idea(
        by=make_user(), process=process, title="Solar schools", body=BODY, category="energy",
        files=[(io.BytesIO(clean_pdf()), "plan.pdf")],
    )
    assert list(idea.attachments.values_list("original_name", "kind")) == [("plan.pdf", "pdf")]
