"""/work/rates/bulletins/: supervising staff generate a month's bulletin and download it; nobody else opens it."""

from io import BytesIO

import pytest
from django.contrib.admin.sites import AdminSite
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from huying.analytics.admin_bulletin import BulletinAdmin, BulletinScheduleAdmin
from huying.analytics.bulletin.store import bulletin_generate
from huying.analytics.models_bulletin import Bulletin, BulletinSchedule
from huying.analytics.rates import Period
from huying.org.models import Role, Unit, UnitKind, User
from tests.cast import PASSWORD
from tests.test_bulletin_helpers import two_months_make

LIST = "/work/rates/bulletins/"
GENERATE = "/work/rates/bulletins/generate/"
SEPTEMBER = Period.parse("2026-09")


@pytest.fixture
def two_months(cast, new_case, clock):
    return two_months_make(cast, new_case, clock)


def login(client, user) -> None:
    assert client.login(username=user.username, password=PASSWORD)


def generate(client, month="2026-09", basis="created"):
    return client.post(GENERATE, {"month": month, "basis": basis})


def test_the_url_names_are_those_of_the_analytics_namespace():
    assert reverse("analytics:bulletins") == LIST and reverse("analytics:bulletin_generate") == GENERATE
    assert reverse("analytics:bulletin_file", args=[7, "pdf"]) == "/work/rates/bulletins/7.pdf"


def test_the_bulletins_need_a_login(cast, client):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["operator", "parks_handler", "street_dispatcher", "community_staff", "outsider"])
def test_handlers_and_dispatchers_may_not_open_or_make_bulletins(cast, client, who):
    made, _data = bulletin_generate(area=cast.district, period=SEPTEMBER, basis="created", by=None)
    login(client, getattr(cast, who))
    assert client.get(LIST).status_code == 403
    assert generate(client).status_code == 403
    assert client.get(f"/work/rates/bulletins/{made.pk}.pdf").status_code == 403


def test_the_command_centre_generates_a_month_and_downloads_both_files(two_months, client):
    login(client, two_months.command)
    response = generate(client)
    assert response.status_code == 302 and response["Location"] == LIST
    made = Bulletin.objects.get()
    assert (made.area, made.month, made.basis, made.created_by) == (two_months.district, 202609, "created",
                                                                   two_months.command)
    page = client.get(LIST).content.decode()
    assert "已生成示范区 2026-09 的月度通报" in page and f'data-bulletin="{made.pk}"' in page
    xlsx = client.get(f"/work/rates/bulletins/{made.pk}.xlsx")
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx["Content-Disposition"] == 'attachment; filename="bulletin-T310101-2026-09-created.xlsx"'
    assert "no-cache" in xlsx["Cache-Control"] and "private" in xlsx["Cache-Control"]
    assert load_workbook(BytesIO(xlsx.content))["街道排名"]["B5"].value == "东湖街道"
    pdf = client.get(f"/work/rates/bulletins/{made.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert "西山街道" in "".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages)


def test_generating_the_same_month_again_replaces_its_files(two_months, client, clock):
    login(client, two_months.leader)
    generate(client)
    first = Bulletin.objects.get()
    clock.shift(60)
    assert generate(client).status_code == 302
    again = Bulletin.objects.get()
    assert again.pk == first.pk and again.created_at > first.created_at
    generate(client, basis="resolved")
    assert Bulletin.objects.count() == 2


@pytest.mark.parametrize(("data", "message"), [
    ({"month": "2026-13", "basis": "created"}, "月份：请按 2026-10 的格式填写"),
    ({"month": "2026-Q3", "basis": "created"}, "月份：请按 2026-10 的格式填写"),
    ({"month": "2026-10", "basis": "created"}, "月份：2026-10 尚未到来，不能生成通报"),
    ({"month": "", "basis": "created"}, "月份："),
    ({"month": "2026-09", "basis": "weekly"}, "统计口径："),
])
def test_a_bad_form_is_refused_naming_the_field(cast, client, data, message):
    login(client, cast.command)
    response = client.post(GENERATE, data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Bulletin.objects.exists()


def test_another_districts_bulletin_is_neither_listed_nor_downloadable(cast, client):
    other = Unit.objects.create(code="T310102", name="邻区", kind=UnitKind.DISTRICT, parent=cast.city)
    theirs, _data = bulletin_generate(area=other, period=SEPTEMBER, basis="created", by=None)
    ours, _data = bulletin_generate(area=cast.district, period=SEPTEMBER, basis="created", by=None)
    login(client, cast.command)
    page = client.get(LIST).content.decode()
    assert f'data-bulletin="{ours.pk}"' in page and f'data-bulletin="{theirs.pk}"' not in page
    assert client.get(f"/work/rates/bulletins/{theirs.pk}.pdf").status_code == 404
    assert client.get(f"/work/rates/bulletins/{ours.pk}.docx").status_code == 404


def test_a_street_leader_reads_the_district_bulletin_that_ranks_their_street_but_does_not_generate_it(cast, client):
    ours, _data = bulletin_generate(area=cast.district, period=SEPTEMBER, basis="created", by=None)
    leader = User.objects.create_user(username="east_leader", password=PASSWORD, unit=cast.east, role=Role.LEADER)
    login(client, leader)
    page = client.get(LIST).content.decode()
    assert f'data-bulletin="{ours.pk}"' in page and GENERATE not in page  # reads it; does not make it
    assert client.get(f"/work/rates/bulletins/{ours.pk}.xlsx").status_code == 200
    assert generate(client).status_code == 403


def test_the_list_costs_the_same_queries_however_many_bulletins(cast, client, django_assert_num_queries):
    login(client, cast.command)
    bulletin_generate(area=cast.district, period=SEPTEMBER, basis="created", by=cast.command)
    client.get(LIST)  # warm the session
    with django_assert_num_queries(9) as few:
        client.get(LIST)
    for month in ("2026-06", "2026-07", "2026-08"):
        bulletin_generate(area=cast.district, period=Period.parse(month), basis="resolved", by=cast.leader)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(LIST).content.decode().count("data-bulletin=") == 4


def test_the_administrator_sees_the_state_of_the_schedule_and_others_do_not(cast, client):
    BulletinSchedule.objects.create(enabled=True, day_of_month=3, hour=8, recipients="a@gov.example",
                                    last_run_month=202608, last_error="SMTPRecipientsRefused: …")
    login(client, cast.admin)
    page = client.get(LIST).content.decode()
    assert "自动发送：每月 3 日 8 时生成上月通报并发送邮件。" in page and "最近发送的月份：2026-08" in page
    assert "最近一次发送失败：SMTPRecipientsRefused" in page
    BulletinSchedule.objects.all().delete()
    assert "自动发送未启用" in client.get(LIST).content.decode()  # never saved: its defaults
    login(client, cast.command)
    assert "自动发送" not in client.get(LIST).content.decode()


def test_in_the_admin_bulletins_are_read_only_and_the_schedule_is_a_single_row(cast):
    request = RequestFactory().get("/admin/")
    request.user = cast.admin
    bulletins, schedules = BulletinAdmin(Bulletin, AdminSite()), BulletinScheduleAdmin(BulletinSchedule, AdminSite())
    assert not bulletins.has_add_permission(request) and not bulletins.has_change_permission(request)
    assert schedules.has_add_permission(request)
    BulletinSchedule.current()
    assert not schedules.has_add_permission(request) and not schedules.has_delete_permission(request)


def test_a_superuser_without_a_unit_generates_for_the_district_and_sees_every_bulletin(cast, client):
    other = Unit.objects.create(code="T310102", name="邻区", kind=UnitKind.DISTRICT, parent=cast.city)
    theirs, _data = bulletin_generate(area=other, period=SEPTEMBER, basis="created", by=None)
    root = User.objects.create_superuser(username="root", password=PASSWORD)
    login(client, root)
    assert generate(client).status_code == 302
    assert Bulletin.objects.get(created_by=root).area == cast.city  # two districts now: the top of the tree
    assert f'data-bulletin="{theirs.pk}"' in client.get(LIST).content.decode()
