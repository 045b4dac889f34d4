"""Cases exported for analysis (分析导出): the command and the queue's 导出 link, with nobody named in them.

Reporter names and phones are never written; a caller key counts repeat callers; phones, ID numbers and plates
in the texts are masked; the web export is the list the user sees; every export leaves an audit line.
"""

import csv
import datetime as dt
import io
import logging

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from huying.cases.exporting import export_headings
from huying.cases.services import case_accept
from huying.lib.pii import caller_key
from huying.workbench.queues import export as export_view
from tests.cast import FROZEN_NOW

PHONE = "13912345678"
ID = "420102198501011238"  # made up, valid check digit
TEXT = f"楼下车鄂A12345天天堵门，我电话{PHONE}，身份证{ID}"


@pytest.fixture
def audited():
    """The audit lines written while the test runs (the audit logger does not propagate to caplog)."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    handler = Keep()
    logging.getLogger("huying.audit").addHandler(handler)
    yield lines
    logging.getLogger("huying.audit").removeHandler(handler)


@pytest.fixture
def three(cast, new_case, clock):
    """Three cases on three days: two from one caller (written two ways), one from another; one in the west."""
    cases = []
    for day, phone, extra in ((0, PHONE, {}), (1, "+86 139-1234-5678", {"description": "路灯不亮，黑灯瞎火"}),
                              (2, "13800000000", {"description": "桃园路口积水", "address": "",
                                                  "lat": 30.705, "lon": 114.405})):
        clock.move_to(FROZEN_NOW + dt.timedelta(days=day))
        fields = {"description": TEXT, "reporter_name": "王小明", "reporter_phone": phone, "triage": False, **extra}
        cases.append(new_case(**fields))
    return cases


def _sheet(path) -> list[list]:
    return [list(row) for row in load_workbook(path, read_only=True).active.iter_rows(values_only=True)]


def _csv(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")  # Excel reads the Chinese as UTF-8 only with the mark
    return list(csv.reader(io.StringIO(text[1:])))


def _column(rows: list[list], heading: str) -> list:
    at = rows[0].index(heading)
    return [row[at] for row in rows[1:]]


def test_the_command_writes_every_case_without_the_reporters_name_or_phone(three, tmp_path, audited):
    out = tmp_path / "cases.xlsx"
    call_command("cases_export", out=str(out), stdout=io.StringIO())
    rows = _sheet(out)
    assert rows[0] == export_headings() and len(rows) == 4
    assert _column(rows, "工单编号") == [c.number for c in three]  # oldest first
    flat = " ".join(str(v) for row in rows for v in row if v is not None)
    assert "王小明" not in flat and PHONE not in flat and "13800000000" not in flat and ID not in flat
    assert "诉求人" not in rows[0] and "联系电话" not in rows[0]
    description = _column(rows, "诉求内容")[0]
    assert description == "楼下车鄂A*****天天堵门，我电话139****5678，身份证420102********1238"
    assert isinstance(_column(rows, "创建时间")[0], dt.datetime)
    assert audited and "format=xlsx rows=3" in audited[-1] and "actor=command:" in audited[-1]


def test_the_same_caller_gets_the_same_key_however_the_number_was_written(three, tmp_path):
    out = tmp_path / "cases.csv"
    call_command("cases_export", out=str(out), stdout=io.StringIO())
    keys = _column(_csv(out.read_text(encoding="utf-8")), "来电人标识")
    assert keys[0] == keys[1] == caller_key(PHONE, secret=settings.SECRET_KEY)
    assert keys[2] != keys[0] and len(keys[2]) == 12


def test_the_command_takes_a_range_of_creation_days_both_ends_included(three, tmp_path):
    out = tmp_path / "range.csv"
    day = FROZEN_NOW.date()
    call_command("cases_export", "--out", str(out), "--from", str(day + dt.timedelta(days=1)),
                 "--to", str(day + dt.timedelta(days=2)), "--format", "csv", stdout=io.StringIO())
    assert _column(_csv(out.read_text(encoding="utf-8")), "工单编号") == [three[1].number, three[2].number]


def test_a_text_that_looks_like_a_formula_stays_text_in_both_formats(cast, new_case, tmp_path):
    new_case(title="=HYPERLINK(\"http://evil.example\",\"点我\")", description="+1 路灯坏了", triage=False)
    call_command("cases_export", out=str(tmp_path / "f.csv"), stdout=io.StringIO())
    call_command("cases_export", out=str(tmp_path / "f.xlsx"), stdout=io.StringIO())
    rows = _csv((tmp_path / "f.csv").read_text(encoding="utf-8"))
    assert _column(rows, "标题") == ["'=HYPERLINK(\"http://evil.example\",\"点我\")"]
    assert _column(rows, "诉求内容") == ["'+1 路灯坏了"]
    cell = load_workbook(tmp_path / "f.xlsx").active.cell(row=2, column=export_headings().index("标题") + 1)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_late_response_is_flagged_for_a_case_still_not_accepted_past_its_deadline(cast, new_case, clock, tmp_path):
    late, prompt = new_case(triage=False), new_case(description="公园长椅坏了", triage=False)
    case_accept(case=prompt, by=cast.community_staff)
    clock.shift(dt.timedelta(days=2))
    call_command("cases_export", out=str(tmp_path / "late.csv"), stdout=io.StringIO())
    rows = _csv((tmp_path / "late.csv").read_text(encoding="utf-8"))
    flags = dict(zip(_column(rows, "工单编号"), _column(rows, "响应超时"), strict=True))
    assert flags == {late.number: "是", prompt.number: "否"}


# --- the queue's 导出 link ---

def _download(client, user, **params):
    client.force_login(user)
    return client.get("/work/queues/export/", params)


def test_the_queue_offers_the_export_of_the_list_as_filtered(three, cast, client):
    client.force_login(cast.command)
    page = client.get("/work/queues/", {"tab": "all", "status": "dispatched"}).content.decode()
    assert "/work/queues/export/?tab=all&amp;status=dispatched&amp;format=xlsx" in page
    assert "/work/queues/export/?tab=all&amp;status=dispatched&amp;format=csv" in page


def test_the_web_export_holds_only_the_cases_the_user_may_see(three, cast, client, audited):
    response = _download(client, cast.outsider, tab="all", format="csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(b"".join(response.streaming_content).decode())
    assert _column(rows, "工单编号") == [three[2].number]  # the west street's case only
    assert f"user:{cast.outsider.pk}:outsider" in audited[-1] and "rows=1" in audited[-1]


def test_the_web_export_applies_the_filters_and_the_search_of_the_list(three, cast, client, audited):
    response = _download(client, cast.command, tab="all", q="路灯", created_from=str(FROZEN_NOW.date()))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    body = b"".join(response.streaming_content)
    path = io.BytesIO(body)
    assert _column(_sheet(path), "工单编号") == [three[1].number]
    assert '"q": "路灯"' in audited[-1] and '"tab": "all"' in audited[-1]


def test_a_search_for_a_phone_number_is_masked_in_the_audit_line(three, cast, client, audited):
    _download(client, cast.command, tab="all", q=PHONE, format="csv")
    # The configured audit handler masked the record before this test's handler, added after it, saw it.
    assert '"q": "139****5678"' in audited[-1] and PHONE not in audited[-1]


def test_too_many_rows_are_refused_with_a_message_instead_of_a_file(three, cast, client, monkeypatch, audited):
    monkeypatch.setattr(export_view, "EXPORT_MAX_ROWS", 2)
    response = _download(client, cast.command, tab="all", format="csv")
    assert response.status_code == 302 and response["Location"] == "/work/queues/?tab=all"
    page = client.get(response["Location"]).content.decode()
    assert "超过 2 条" in page and "cases_export" in page
    assert audited == []


def test_signed_out_visitors_and_users_without_a_staff_role_get_no_export(three, cast, client):
    assert client.get("/work/queues/export/", {"tab": "all"}).status_code == 302  # to the login page
    cast.outsider.role = ""
    cast.outsider.save()
    assert _download(client, cast.outsider, tab="all").status_code == 403


def test_the_export_costs_the_same_queries_for_three_cases_as_for_one(three, cast, client, new_case):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            b"".join(_download(client, cast.command, tab="all", format="csv").streaming_content)
        return len(captured)

    queries()  # the first request of a session also loads what later ones find cached
    few = queries()
    for n in range(3):
        new_case(description=f"第{n}处井盖松动", triage=False)
    assert queries() == few
