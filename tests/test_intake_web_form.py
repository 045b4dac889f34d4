"""/r/new/: a resident's request becomes exactly one case; a wrong field is named and the rest is kept."""

import io

import pytest
from PIL import ExifTags, Image

from huying.cases.models import Case, CaseEvent, EventAttachment
from tests.test_intake_web_helpers import (  # noqa: F401 (fixtures)
    DESCRIPTION,
    fresh_cache,
    media,
    photo_upload,
    resident_post,
    upload,
)

pytestmark = pytest.mark.usefixtures("fresh_cache", "media")
URL = "/r/new/"


def test_the_form_offers_categories_grouped_by_first_level_and_complaint_by_default(cast, client):
    page = client.get(URL).content.decode()
    assert '<optgroup label="城乡建设">' in page
    assert "市容环卫 · 垃圾清运" in page
    complaint_radio = page.split('value="complaint"')[1].split(">")[0]
    assert "checked" in complaint_radio
    assert 'name="form_token"' in page and 'name="website"' in page


def test_a_valid_submission_creates_exactly_one_case_with_channel_consent_and_photos(cast, client, clock):
    data = resident_post(clock, cast, photos=[photo_upload("a.jpg"), photo_upload("b.jpg")])
    response = client.post(URL, data)
    assert response.status_code == 302 and response["Location"] == "/r/done/"
    case = Case.objects.get()
    assert (case.channel, case.description, case.category, case.request_type) == (
        "web", DESCRIPTION, cast.sanitation, cast.complaint)
    assert case.consent_at is not None and case.reporter_phone == "13800138000"
    assert case.current_unit == cast.xingfu  # routed as every other channel: A2 sanitation → the community
    photos = EventAttachment.objects.filter(event__case=case, event__action="create")
    assert photos.count() == 2
    stored = Image.open(io.BytesIO(photos[0].file.read()))
    assert stored.format == "JPEG" and stored.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}


def test_the_done_page_shows_the_case_number_and_the_private_tracking_link(cast, client, clock):
    response = client.post(URL, resident_post(clock, cast), follow=True)
    case = Case.objects.get()
    page = response.content.decode()
    assert case.number in page
    assert f"http://testserver/t/{case.tracking_token}/" in page


def test_the_done_page_without_a_submission_leads_back_to_the_form(client, db):
    assert client.get("/r/done/")["Location"] == URL


def test_no_category_is_fine_and_goes_to_the_command_centre(cast, client, clock):
    client.post(URL, resident_post(clock, cast, category=""))
    assert Case.objects.get().current_unit == cast.centre


def test_the_position_from_the_phone_is_kept(cast, client, clock):
    client.post(URL, resident_post(clock, cast, address="", lat="30.605", lon="114.305"))
    case = Case.objects.get()
    assert (case.lat, case.lon, case.grid) == (30.605, 114.305, cast.grid1)


def test_an_anonymous_resident_need_not_give_a_phone_and_leaves_no_name(cast, client, clock):
    client.post(URL, resident_post(clock, cast, anonymous="on", reporter_phone=""))
    case = Case.objects.get()
    assert case.anonymous and case.reporter_name == "" and case.reporter_phone == ""


def errors_of(response) -> str:
    assert response.status_code == 200
    assert not Case.objects.exists() and not CaseEvent.objects.exists()
    return response.content.decode()


@pytest.mark.parametrize("field, value, label, message", [
    ("description", "", "诉求内容", "这个字段是必填项"),
    ("description", "长" * 2001, "诉求内容", "2000"),
    ("reporter_phone", "", "联系电话", "请填写联系电话"),
    ("reporter_phone", "12345", "联系电话", "请填写正确的手机号码"),
    ("consent", None, "我已阅读并同意隐私声明", "请阅读并同意隐私声明后再提交"),
    ("request_type", "nonsense", "诉求类型", "选择一个有效的选项"),
    ("category", "999999", "问题分类", "选择一个有效的选项"),
    ("lat", "123", "纬度", "90"),
])
def test_each_invalid_field_is_named_and_the_rest_of_the_form_is_kept(cast, client, clock, field, value, label,
                                                                       message):
    page = errors_of(client.post(URL, resident_post(clock, cast, **{field: value})))
    summary = page.split('class="card error-summary"')[1].split("</div>")[0]
    assert label in summary and message in summary
    if field != "description":
        assert DESCRIPTION in page  # what was typed is still there
    assert "幸福里3号楼" in page and "李女士" in page


def test_more_than_nine_photos_are_refused_by_name(cast, client, clock):
    page = errors_of(client.post(URL, resident_post(clock, cast, photos=[photo_upload() for _ in range(10)])))
    assert "照片" in page and "最多上传 9 张照片" in page


def test_a_renamed_non_image_among_the_photos_is_refused_by_name(cast, client, clock):
    fake = upload(b"MZ\x90\x00 definitely a program", name="photo.jpg")
    page = errors_of(client.post(URL, resident_post(clock, cast, photos=[photo_upload(), fake])))
    assert "第 2 张" in page and "只能上传照片" in page


def test_errors_are_in_english_when_the_resident_reads_english(cast, client, clock):
    client.cookies["django_language"] = "en"
    page = errors_of(client.post(URL, resident_post(clock, cast, description="")))
    assert "This field is required." in page


def test_a_get_of_the_form_needs_no_database_writes(cast, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert client.get(URL).status_code == 200
