"""Checks on uploaded files: the type is decided by the content, never by the name or the
browser's Content-Type, images must decode with Pillow, and a PDF must parse with pypdf and
carry no active content (JavaScript, launch or automatic actions)."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # refuse decompression bombs well before Pillow's own warning
IMAGE_FORMATS = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg"),
                 "GIF": ("gif", "image/gif"), "WEBP": ("webp", "image/webp")}
MAX_FILES_PER_IDEA = 5


@dataclass(frozen=True)
class CheckedFile:
    content: ContentFile[bytes]
    kind: str  # "image" | "pdf"
    content_type: str
    original_name: str
    size: int


def check(upload: IO[bytes], name: str, field: str = "attachments") -> CheckedFile:
    data = upload.read(MAX_BYTES + 1)
    original = (name or "file").replace("/", "_").replace("\\", "_")[-200:]
    if len(data) > MAX_BYTES:
        raise ValidationError(
            {field: _("%(original)s: larger than %(mb)s MB.")
                    % {"original": original, "mb": MAX_BYTES // (1024 * 1024)}}
        )
    if not data:
        raise ValidationError({field: _("%(original)s: the file is empty.")
                                      % {"original": original}})
    token = secrets.token_hex(12)
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError({field: _("%(original)s: not a complete PDF document.")
                                          % {"original": original}})
        active = pdf_active_content(data)
        if active:
            raise ValidationError({field: _(
                "%(original)s: the PDF contains %(active)s, which could run when it is opened; "
                "save or print it to a plain PDF without scripts or actions and upload that."
            ) % {"original": original, "active": active}})
        return CheckedFile(ContentFile(data, name=f"{token}.pdf"), "pdf", "application/pdf",
                           original, len(data))
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format or ""
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            {field: _("%(original)s: only images (PNG, JPEG, GIF, WebP) and PDF documents are "
                      "accepted, and this file is neither.") % {"original": original}}
        ) from None
    if image_format not in IMAGE_FORMATS:
        raise ValidationError({field: _("%(original)s: image format %(image_format)s not accepted.")
                                      % {"original": original, "image_format": image_format}})
    if width * height > MAX_PIXELS:
        raise ValidationError({field: _("%(original)s: the image is too large "
                                        "(%(width)s×%(height)s).")
                                      % {"original": original, "width": width, "height": height}})
    extension, content_type = IMAGE_FORMATS[image_format]
    return CheckedFile(ContentFile(data, name=f"{token}.{extension}"), "image", content_type,
                       original, len(data))


#: Dictionary keys that hold scripts or actions a reader may run by itself: ``/JS`` (the
#: script of a JavaScript action), ``/JavaScript`` (the document's script name tree), ``/AA``
#: (actions triggered by opening, closing, pages or fields).
_ACTIVE_KEYS = {"/JS": "JavaScript", "/JavaScript": "JavaScript", "/AA": "automatic actions"}
#: Action types (the ``/S`` of an action) that run code or other programs.
_ACTIVE_ACTIONS = {"/JavaScript": "JavaScript", "/Launch": "a launch action",
                   "/Rendition": "JavaScript", "/RichMediaExecute": "a media script"}


def pdf_active_content(data: bytes) -> str | None:
    """What active content a PDF carries (e.g. ``"JavaScript"``), or ``None`` if it has none.

    Every object is visited, including those inside compressed object streams, where a byte
    search would not see them; names are compared after pypdf has decoded ``#xx`` escapes
    (``/J#53`` is ``/JS``). A PDF pypdf cannot read, or an encrypted one, cannot be checked
    and counts as active."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return "encryption (it cannot be checked)"
        numbers = {number for table in reader.xref.values() for number in table}
        numbers |= set(reader.xref_objStm)
        for number in sorted(numbers):
            generation = next(
                (g for g, table in reader.xref.items() if number in table), 0
            )
            found = _active(reader.get_object(IndirectObject(number, generation, reader)))
            if found:
                return found
        return _active(reader.trailer)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError,
            OSError):
        return "structures that cannot be read (it cannot be checked)"


def _active(obj: PdfObject | None, depth: int = 0) -> str | None:
    # Indirect references are not followed: each indirect object is visited on its own.
    if obj is None or depth > 64:
        return None
    if isinstance(obj, DictionaryObject):
        for key, value in obj.items():
            if key in _ACTIVE_KEYS:
                return _ACTIVE_KEYS[key]
            if key == "/S" and value in _ACTIVE_ACTIONS:
                return _ACTIVE_ACTIONS[value]
            found = _active(value, depth + 1)
            if found:
                return found
    elif isinstance(obj, ArrayObject):
        for item in obj:
            found = _active(item, depth + 1)
            if found:
                return found
    return None
