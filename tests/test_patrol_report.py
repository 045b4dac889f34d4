"""What a grid worker finds on patrol becomes a proactive case (无呼也应), with photos stripped of metadata."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from huying.cases.models import Case, EventAttachment


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def worker(cast) -> Client:
    client = Client()
    client.force_login(cast.grid_worker)
    return client


def photo(name: str = "IMG_0001.jpg", size=(64, 48)) -> SimpleUploadedFile:
    """A JPEG as a phone makes it, GPS position in its EXIF."""
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (30.0, 36.0, 18.0), 3: "E", 4: (114.0, 18.0, 18.0)}  # GPSInfo
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def report(client: Client, cast, **changes):
    data = {"description": "幸福里3号楼门口垃圾堆积", "category": cast.sanitation.pk, "request_type": cast.help.pk,
            "address": "幸福里3号楼", "lat": "", "lon": "", "result": "", **changes}
    return client.post("/patrol/report/", data)


def attachments(case: Case, action: str) -> list[EventAttachment]:
    return list(EventAttachment.objects.filter(event__case=case, event__action=action))


def test_a_report_becomes_a_routed_proactive_patrol_case_with_its_photos(cast, worker):
    response = report(worker, cast, photos=[photo(), photo("IMG_0002.jpg")])
    assert response.status_code == 302 and response.url == "/patrol/"
    case = Case.objects.get()
    assert (case.channel, case.proactive, case.created_by) == ("patrol", True, cast.grid_worker)
    assert (case.status, case.current_unit) == ("dispatched", cast.xingfu)
    assert len(attachments(case, "create")) == 2
    assert case.number in worker.get("/patrol/").content.decode()


def test_photos_are_kept_without_their_gps_and_under_a_fresh_name(cast, worker):
    report(worker, cast, photos=[photo("张三家门口.jpg")])
    stored = attachments(Case.objects.get(), "create")[0]
    assert "张三" not in stored.file.name and stored.file.name.endswith(".jpg")
    with Image.open(stored.file.path) as kept:
        assert kept.format == "JPEG" and kept.size == (64, 48)
        assert 0x8825 not in kept.getexif()


def test_a_position_from_the_phone_places_the_case_without_an_address(cast, worker):
    report(worker, cast, address="", lat="30.705", lon="114.405")
    case = Case.objects.get()
    assert (case.lat, case.lon, case.grid) == (30.705, 114.405, cast.grid3)


def test_a_report_needs_an_address_or_a_position(cast, worker):
    response = report(worker, cast, address="")
    assert not Case.objects.exists() and "请填写地点，或获取当前位置" in response.content.decode()
    response = report(worker, cast, address="", lat="30.705")
    assert not Case.objects.exists() and "定位不完整" in response.content.decode()


def test_a_file_that_is_no_photo_is_refused(cast, worker):
    fake = SimpleUploadedFile("photo.jpg", b"<html>not a photo</html>", content_type="image/jpeg")
    response = report(worker, cast, photos=[fake])
    assert response.status_code == 200 and not Case.objects.exists()
    assert "photos" in response.context["form"].errors


def test_more_than_six_photos_are_refused(cast, worker):
    response = report(worker, cast, photos=[photo(f"{i}.jpg") for i in range(7)])
    assert not Case.objects.exists() and "最多上传 6 张照片" in response.content.decode()


def test_solved_on_the_spot_keeps_before_and_after_photos_and_the_result(cast, worker):
    response = report(worker, cast, solved="on", result="已联系保洁清运完毕", photos=[photo()],
                      after_photos=[photo("after.jpg"), photo("after2.jpg")])
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.channel, case.proactive) == ("patrol", True)
    assert len(attachments(case, "create")) == 1 and len(attachments(case, "resolve")) == 2
    assert list(case.events.values_list("action", flat=True)) == ["create", "dispatch", "accept", "resolve"]
    assert {e.actor for e in case.events.all()} == {cast.grid_worker}
    # Dispatched to the finder's own grid and resolved by them, with the result on the case.
    assert (case.status, case.current_unit, case.result) == ("resolved", cast.grid1, "已联系保洁清运完毕")


def test_solved_on_the_spot_needs_a_result_and_an_after_photo(cast, worker):
    response = report(worker, cast, solved="on", photos=[photo()])
    page = response.content.decode()
    assert not Case.objects.exists()
    assert "当场解决须填写处置情况" in page and "当场解决须上传处置后照片" in page


def test_the_report_form_offers_location_and_camera_inputs(cast, worker):
    page = worker.get("/patrol/report/").content.decode()
    assert 'name="lat"' in page and 'id="locate"' in page
    assert 'type="file" name="photos"' in page and 'accept="image/*"' in page and "multiple" in page
