"""Photos from residents (随手拍) and staff: checked by content, re-encoded, stripped of EXIF and GPS before storing.

Only the re-encoded JPEG is kept. A phone photo's EXIF block carries the camera owner's position and
device; the re-encode writes pixels only, so no metadata survives (PIPL: collect no more than needed).
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
# A 50-megapixel phone photo is about 8160×6120; anything far larger is a decompression bomb, not a photo.
MAX_PIXELS = 64_000_000
JPEG_QUALITY = 85
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO", "TIFF"}


def photo_clean(upload: UploadedFile, *, max_bytes: int = MAX_BYTES, max_side: int = MAX_SIDE) -> ContentFile:
    """The upload re-encoded as an EXIF-free JPEG no larger than `max_side`; ValidationError if it is no photo."""
    if upload.size is None or upload.size > max_bytes:
        raise ValidationError(_("照片不能超过 %(mb)d MB") % {"mb": max_bytes // (1024 * 1024)}, code="too_big")
    data = upload.read()
    image = _open_verified(data)
    # Turn the pixels the way the camera meant before the orientation tag is dropped with the rest of EXIF.
    image = ImageOps.exif_transpose(image)
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # Only the colour profile is carried over (it is no personal data and keeps phone colours true).
    _flatten(image).save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True,
                         icc_profile=image.info.get("icc_profile"))
    # A fresh random name: the resident's own file name may carry their name or the place.
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def _open_verified(data: bytes) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()  # checks the file's structure without decoding the pixels
        image = Image.open(io.BytesIO(data))  # verify() leaves its image unusable: open again to decode
        if image.format not in ACCEPTED_FORMATS:
            raise ValidationError(_("只能上传照片（JPEG、PNG、WebP 等图片格式）"), code="not_image")
        if image.width * image.height > MAX_PIXELS:
            raise ValidationError(_("照片像素过大"), code="too_many_pixels")
        image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG only: decode at a reduced scale, saving memory
        image.load()
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as exc:
        # Not an image, a truncated one, or a format trick: Pillow says so in one of these.
        raise ValidationError(_("只能上传照片（JPEG、PNG、WebP 等图片格式）"), code="not_image") from exc
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """RGB pixels only; transparency is laid on white (JPEG has no alpha)."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
