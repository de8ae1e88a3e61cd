"""Checks on uploaded files: the type is decided by the content, never by the name or the
browser's Content-Type, and images must decode with Pillow."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError

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
            {field: f"{original}: larger than {MAX_BYTES // (1024 * 1024)} MB."}
        )
    if not data:
        raise ValidationError({field: f"{original}: the file is empty."})
    token = secrets.token_hex(12)
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError({field: f"{original}: not a complete PDF document."})
        return CheckedFile(ContentFile(data, name=f"{token}.pdf"), "pdf", "application/pdf",
                           original, len(data))
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format or ""
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            {field: f"{original}: only images (PNG, JPEG, GIF, WebP) and PDF documents are "
                    "accepted, and this file is neither."}
        ) from None
    if image_format not in IMAGE_FORMATS:
        raise ValidationError({field: f"{original}: image format {image_format} not accepted."})
    if width * height > MAX_PIXELS:
        raise ValidationError({field: f"{original}: the image is too large ({width}×{height})."})
    extension, content_type = IMAGE_FORMATS[image_format]
    return CheckedFile(ContentFile(data, name=f"{token}.{extension}"), "image", content_type,
                       original, len(data))
