"""Shared steps for the public-form tests: photos made with Pillow, a form token old enough, a valid post."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from huying.intake.web.abuse import challenge_issue

DESCRIPTION = "幸福里3号楼门口垃圾两天没人清运"
PHONE = "13800138000"


def jpeg_with_gps(size: tuple[int, int] = (64, 48)) -> bytes:
    """A JPEG whose EXIF carries a camera make and a GPS position, as a phone writes it."""
    image = Image.new("RGB", size, (30, 120, 200))
    exif = image.getexif()
    exif[ExifTags.Base.Make] = "HuyingPhone"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (30.0, 36.0, 18.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (114.0, 18.0, 5.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def upload(data: bytes, name: str = "IMG_0001.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def photo_upload(name: str = "IMG_0001.jpg") -> SimpleUploadedFile:
    return upload(jpeg_with_gps(), name)


def aged_token(clock, seconds: float = 5) -> str:
    """A form token as served by a GET `seconds` ago (the frozen clock moves on by that much)."""
    token = challenge_issue()
    clock.shift(seconds)
    return token


def resident_post(clock, cast, **overrides) -> dict:
    """What a resident posts when everything is right: a sanitation complaint at 幸福里3号楼."""
    # Only when the test brings no token of its own: making one moves the clock on.
    token = overrides["form_token"] if "form_token" in overrides else aged_token(clock)
    data = {
        "form_token": token, "website": "", "request_type": "complaint",
        "category": str(cast.sanitation.pk), "description": DESCRIPTION, "address": "幸福里3号楼",
        "lat": "", "lon": "", "place": "", "reporter_name": "李女士", "reporter_phone": PHONE, "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded photos go to a temporary folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def fresh_cache():
    """Rate-limit counters and spent tokens live in the process cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()
