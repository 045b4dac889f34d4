"""The resident form in a real browser on a phone (390×844): fill, attach a photo, locate, submit, see the case."""

import pytest
from PIL import Image

from huying.cases.models import Case, EventAttachment
from tests.cast import build_cast


@pytest.fixture
def live_cast(transactional_db, settings, tmp_path):
    """The cast on a database the live server's thread can see; photos into a temporary folder.

    The form's challenge wants a form to be at least FORM_MIN_SECONDS old; a browser test should not wait.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HUYING = {**settings.HUYING, "FORM_MIN_SECONDS": 0}
    return build_cast()


@pytest.fixture
def phone_photo(tmp_path):
    path = tmp_path / "IMG_0042.jpg"
    Image.new("RGB", (1200, 900), (90, 140, 60)).save(path, format="JPEG")
    return path


def test_a_resident_reports_with_a_photo_and_the_phones_position_and_gets_the_tracking_link(
        phone_page, live_cast, phone_photo):
    page = phone_page
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 30.605, "longitude": 114.305, "accuracy": 12})
    page.goto("/r/new/")
    page.get_by_label("求助").check()
    page.select_option("#id_category", value=str(live_cast.sanitation.pk))
    page.get_by_label("诉求内容").fill("幸福里3号楼门口垃圾两天没人清运")
    page.set_input_files("#id_photos", str(phone_photo))
    page.get_by_role("button", name="使用我的位置").click()
    page.get_by_text("已获取您的位置").wait_for()
    page.get_by_label("联系电话").fill("138 0013 8000")
    page.get_by_label("我已阅读并同意隐私声明").check()
    page.get_by_role("button", name="提交").click()

    page.wait_for_url("**/r/done/")
    case = Case.objects.get()
    assert page.locator(".case-number").inner_text() == case.number
    assert page.locator(".tracking-link").inner_text().endswith(f"/t/{case.tracking_token}/")
    assert (case.channel, case.request_type.code, case.reporter_phone) == ("web", "help", "13800138000")
    assert (case.lat, case.lon, case.grid) == (30.605, 114.305, live_cast.grid1)
    assert EventAttachment.objects.filter(event__case=case).count() == 1
    # Nothing on the phone's screen runs off to the side.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_validation_error_is_named_and_keeps_what_was_typed(phone_page, live_cast):
    page = phone_page
    page.goto("/r/new/")
    page.get_by_label("诉求内容").fill("小区东门路灯坏了一个星期")
    page.get_by_label("地点", exact=True).fill("幸福里小区东门")
    page.get_by_label("我已阅读并同意隐私声明").check()
    page.get_by_role("button", name="提交").click()

    summary = page.locator(".error-summary")
    summary.wait_for()
    assert "联系电话" in summary.inner_text()
    assert page.get_by_label("诉求内容").input_value() == "小区东门路灯坏了一个星期"
    assert page.get_by_label("地点", exact=True).input_value() == "幸福里小区东门"
    assert page.get_by_label("我已阅读并同意隐私声明").is_checked()
    assert not Case.objects.exists()
