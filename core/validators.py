"""Validators shared by patient, clinic and catalogue forms and models."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError


def validate_not_future(value):
    if value and value > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future")


def validate_file_size(upload):
    if upload and upload.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB."),
            params={
                "size": round(upload.size / 1_048_576, 1),
                "limit": settings.MAX_UPLOAD_BYTES // 1_048_576,
            },
            code="too_large",
        )


IMAGE_EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}


def validate_image_upload(upload):
    """Accept only PNG, JPEG or WebP files that really decode as such, within limits.

    The extension and the browser's content type are ignored: a renamed
    executable fails to decode and is refused.
    """
    if not upload:
        return
    validate_file_size(upload)
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind = image.format
            width, height = image.size
            if width * height > settings.MAX_IMAGE_PIXELS:
                raise ValidationError(
                    _("The image is too large (%(w)s×%(h)s pixels)."),
                    params={"w": width, "h": height},
                    code="too_many_pixels",
                )
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            _("Upload a PNG, JPEG or WebP picture; this file is not one."), code="not_image"
        ) from None
    finally:
        upload.seek(0)
    if kind not in IMAGE_EXTENSIONS:
        raise ValidationError(_("Upload a PNG, JPEG or WebP picture; this file is not one."), code="not_image")
    name_by_content(upload, IMAGE_EXTENSIONS[kind])


def name_by_content(upload, extension: str) -> None:
    """Store the file under the extension of what it is, never of what it was called.

    The served content type follows the extension: a PNG with HTML appended, uploaded as
    ``x.html``, is stored and served as ``….png``, an image.
    """
    stem = Path(upload.name or "").stem
    stem = "".join(char for char in stem if char.isalnum() or char in "-_")[:40] or "upload"
    upload.name = f"{stem}.{extension}"


def validate_pdf_upload(upload) -> None:
    """A PDF that says so in its first bytes; stored as ``.pdf`` whatever its name."""
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise ValidationError(_("This file is not a PDF."), code="not_pdf")
    name_by_content(upload, "pdf")
