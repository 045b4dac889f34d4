"""Patrol photos: checked as images, re-encoded as EXIF-free JPEGs before they are stored.

A phone photo's EXIF block carries the device and its position; only the pixels are kept (PIPL: collect no
more than needed). The place of a finding is recorded on purpose, in the case's own fields.
"""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 2560
MAX_PIXELS = 64_000_000  # a 50-megapixel camera makes ~8160×6120; far larger is a decompression bomb
JPEG_QUALITY = 85


def photo_check(upload: UploadedFile) -> None:
    """Refuse what no phone camera makes: a file too big, or an image of absurd size."""
    if upload.size is None or upload.size > MAX_BYTES:
        raise ValidationError(_("每张照片不能超过 %(mb)d MB") % {"mb": MAX_BYTES // (1024 * 1024)}, code="too_big")
    upload.seek(0)
    with Image.open(upload) as probe:  # reads the header only: the size, not the pixels
        width, height = probe.size
    if width * height > MAX_PIXELS:
        raise ValidationError(_("照片像素过大"), code="too_many_pixels")


def photo_reencode(upload: UploadedFile) -> ContentFile:
    """The upload (already verified by forms.ImageField and photo_check) as a JPEG without any metadata."""
    upload.seek(0)
    with Image.open(upload) as original:
        image = ImageOps.exif_transpose(original)  # keep the camera's orientation before EXIF is dropped
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    # A fresh name: the phone's file name may carry a date, a place or the owner's name.
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
