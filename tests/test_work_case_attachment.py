"""Case photos are served only through work:attachment, to those who may see the case (there is no /media/)."""

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from huying.cases import services as svc
from huying.cases.models import EventAttachment


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 128, 0)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def photo(cast, new_case) -> EventAttachment:
    case = new_case()
    event = svc.case_add_note(case=case, by=cast.community_staff, note="现场照片",
                              attachments=[ContentFile(jpeg(), name="a1b2.jpg")])
    return event.attachments.get()


def url(attachment: EventAttachment) -> str:
    return f"/work/cases/attachments/{attachment.pk}/"


def test_the_handling_unit_gets_the_photo_inline_with_its_type(cast, photo, client):
    client.force_login(cast.community_staff)
    response = client.get(url(photo))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == jpeg()
    assert "attachment" not in response.get("Content-Disposition", "")
    assert "private" in response["Cache-Control"]


def test_the_command_centre_sees_it_too(cast, photo, client):
    client.force_login(cast.command)
    assert client.get(url(photo)).status_code == 200


def test_an_outsider_gets_404_as_if_there_were_no_such_photo(cast, photo, client):
    client.force_login(cast.outsider)
    assert client.get(url(photo)).status_code == 404
    assert client.get(f"/work/cases/attachments/{photo.pk + 1000}/").status_code == 404


def test_a_signed_out_visitor_is_sent_to_log_in(photo, client):
    response = client.get(url(photo))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_there_is_no_public_media_route(cast, photo, client):
    client.force_login(cast.community_staff)
    assert client.get(f"/media/{photo.file.name}").status_code == 404


def test_a_file_that_is_not_a_picture_is_only_offered_as_a_download(cast, new_case, client):
    event = svc.case_add_note(case=new_case(), by=cast.operator, note="来电录音记录",
                              attachments=[ContentFile(b"<svg onload='alert(1)'/>", name="drawing.svg")])
    client.force_login(cast.community_staff)
    response = client.get(url(event.attachments.get()))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")


def test_a_photo_missing_from_the_disk_is_404_not_500(cast, photo, client):
    photo.file.storage.delete(photo.file.name)
    client.force_login(cast.community_staff)
    assert client.get(url(photo)).status_code == 404
