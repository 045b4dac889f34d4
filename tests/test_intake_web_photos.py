"""Photos are checked by content, re-encoded as JPEG and stripped of EXIF/GPS before they are stored."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import ExifTags, Image

from huying.lib.photos import MAX_SIDE, photo_clean
from tests.test_intake_web_helpers import jpeg_with_gps, upload


def reopen(cleaned) -> Image.Image:
    cleaned.seek(0)
    return Image.open(io.BytesIO(cleaned.read()))


def test_the_helper_photo_really_carries_a_gps_position():
    exif = Image.open(io.BytesIO(jpeg_with_gps())).getexif()
    assert exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"


def test_a_gps_exif_tag_is_gone_after_cleaning():
    stored = reopen(photo_clean(upload(jpeg_with_gps())))
    assert stored.format == "JPEG"
    assert "exif" not in stored.info
    assert dict(stored.getexif()) == {}
    assert stored.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}


def test_a_renamed_non_image_is_refused():
    with pytest.raises(ValidationError) as refused:
        photo_clean(upload(b"%PDF-1.4 not a photo at all", name="holiday.jpg"))
    assert refused.value.code == "not_image"


def test_a_truncated_jpeg_is_refused():
    with pytest.raises(ValidationError) as refused:
        photo_clean(upload(jpeg_with_gps()[:200]))
    assert refused.value.code == "not_image"


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    with pytest.raises(ValidationError) as refused:
        photo_clean(upload(jpeg_with_gps()), max_bytes=100)
    assert refused.value.code == "too_big"


def test_a_large_photo_is_scaled_down_to_the_longest_side():
    big = io.BytesIO()
    Image.new("RGB", (MAX_SIDE * 2, 1000), (0, 0, 0)).save(big, format="PNG")
    stored = reopen(photo_clean(upload(big.getvalue(), name="big.png", content_type="image/png")))
    assert stored.size == (MAX_SIDE, 500)


def test_a_transparent_png_becomes_a_jpeg_on_white():
    png = io.BytesIO()
    Image.new("RGBA", (10, 10), (255, 0, 0, 0)).save(png, format="PNG")
    stored = reopen(photo_clean(upload(png.getvalue(), name="a.png", content_type="image/png")))
    assert stored.format == "JPEG" and stored.mode == "RGB"
    assert stored.getpixel((5, 5)) == pytest.approx((255, 255, 255), abs=3)


def test_the_camera_orientation_is_applied_before_exif_is_dropped():
    image = Image.new("RGB", (40, 20), (0, 0, 0))
    exif = image.getexif()
    exif[ExifTags.Base.Orientation] = 6  # "rotate 90° clockwise to display"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    assert reopen(photo_clean(upload(buffer.getvalue()))).size == (20, 40)


def test_the_stored_name_does_not_keep_the_residents_file_name():
    cleaned = photo_clean(upload(jpeg_with_gps(), name="张三家门口.jpg"))
    assert cleaned.name.endswith(".jpg") and "张三" not in cleaned.name
