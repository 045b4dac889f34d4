"""A grid worker's patrol on a phone: start, walk, stop, and see today's time."""

import datetime as dt
import io

from PIL import Image

from huying.cases.models import Case
from huying.proactive.models import Patrol
from tests.cast import PASSWORD


def test_a_grid_worker_starts_and_stops_a_patrol_on_a_phone(phone_page, cast, clock):
    page = phone_page
    page.goto("/accounts/login/?next=/patrol/")
    page.fill("#id_username", "gridworker")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").tap()
    page.get_by_role("button", name="开始巡查").tap()
    page.get_by_text("巡查中：幸福里网格1").wait_for()
    assert Patrol.objects.get().ended_at is None

    for minutes in (25, 25, 15):  # the phone is used on the way: a session idle for 30 minutes signs out
        clock.shift(dt.timedelta(minutes=minutes))
        page.reload()
    assert "今日巡查 1 小时 5 分钟" in page.locator("#patrol-today").inner_text()
    page.get_by_role("button", name="结束巡查").tap()
    page.get_by_text("巡查已结束").wait_for()
    assert page.get_by_role("button", name="开始巡查").is_visible()
    assert Patrol.objects.get().ended_at is not None


def test_a_grid_worker_reports_a_finding_with_the_phones_position_and_a_photo(phone_page, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page = phone_page
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 30.605, "longitude": 114.305, "accuracy": 12})
    page.goto("/accounts/login/?next=/patrol/report/")
    page.fill("#id_username", "gridworker")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").tap()
    page.get_by_role("button", name="获取当前位置").tap()
    page.get_by_text("已定位（精度约 12 米）").wait_for()
    page.fill("#id_description", "3栋门口井盖松动")
    page.set_input_files("#id_photos", files=[{"name": "a.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}])
    assert not page.locator("#id_result").is_visible()  # only for 当场解决
    page.get_by_role("button", name="上报", exact=True).tap()
    page.locator(".messages").get_by_text("已上报").wait_for()
    case = Case.objects.get()
    assert (case.channel, case.proactive, case.grid) == ("patrol", True, cast.grid1)
    assert (round(case.lat, 3), round(case.lon, 3)) == (30.605, 114.305)
    assert case.events.get(action="create").attachments.count() == 1


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 120, 10)).save(out, format="JPEG")
    return out.getvalue()
