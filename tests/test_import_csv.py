"""`huying cases_import` on CSV files: good rows become routed cases on the import channel, bad rows a report."""

import datetime as dt
import gzip

import pytest
from django.core.management import CommandError

from huying.cases.models import Case, CaseEvent
from huying.catalog.models import Category
from tests.cast import FROZEN_NOW
from tests.test_import_helpers import GOOD_ROWS, csv_file, mapping_file, report_lines, row, run_import

BEIJING = dt.timezone(dt.timedelta(hours=8))


def test_good_rows_become_routed_cases_on_the_import_channel(cast, tmp_path):
    out, _err = run_import(csv_file(tmp_path, GOOD_ROWS), mapping_file(tmp_path))
    cases = {c.upstream_id: c for c in Case.objects.all()}
    assert set(cases) == {"GD-001", "GD-002", "GD-003"}
    assert {c.channel for c in cases.values()} == {"import"}
    assert {c.upstream_source for c in cases.values()} == {"import:cases"}
    assert cases["GD-001"].current_unit == cast.xingfu and cases["GD-001"].category == cast.sanitation
    assert cases["GD-002"].current_unit == cast.parks and (cases["GD-002"].lat, cases["GD-002"].lon) == (30.705,
                                                                                                        114.405)
    assert cases["GD-003"].current_unit == cast.centre and cases["GD-003"].request_type == cast.consult
    assert cases["GD-001"].reporter_phone == "13800138000" and cases["GD-001"].title == "垃圾未清运"
    assert cases["GD-003"].title == "楼下商铺夜里音响很吵"  # no title in the file: the description's start
    assert {c.status for c in cases.values()} == {"dispatched"}
    assert "新建工单 3 件" in out and not (tmp_path / "cases.csv.refused.csv").exists()


def test_created_at_comes_from_the_file_and_events_keep_the_time_of_intake(cast, tmp_path):
    run_import(csv_file(tmp_path, GOOD_ROWS[:1]), mapping_file(tmp_path))
    case = Case.objects.get()
    assert case.created_at == dt.datetime(2026, 3, 1, 9, 30, tzinfo=BEIJING)
    assert {e.created_at for e in CaseEvent.objects.filter(case=case)} == {FROZEN_NOW}


def test_naive_times_are_read_in_the_mappings_timezone(cast, tmp_path):
    run_import(csv_file(tmp_path, GOOD_ROWS[:1]), mapping_file(tmp_path, timezone="America/New_York"))
    assert Case.objects.get().created_at == dt.datetime(2026, 3, 1, 14, 30, tzinfo=dt.UTC)  # EST is UTC-5


def test_bad_rows_are_reported_by_row_and_column_and_not_written(cast, tmp_path):
    rows = [
        GOOD_ROWS[0],
        row("BAD-1", 诉求内容="  "),
        row("BAD-2", 分类编码="T9999"),
        row("BAD-3", 来电时间="2026-13-45"),
        row("BAD-4", 纬度="北纬30度", 经度="114.3"),
        row("BAD-5", 纬度="", 经度="114.3"),
        row("BAD-6", 类型="表扬信"),
    ]
    _out, err = run_import(csv_file(tmp_path, rows), mapping_file(tmp_path))
    assert list(Case.objects.values_list("upstream_id", flat=True)) == ["GD-001"]
    lines = report_lines(tmp_path / "cases.csv.refused.csv")
    assert [line[:2] for line in lines] == [["3", "诉求内容"], ["4", "分类编码"], ["5", "来电时间"], ["6", "纬度"],
                                            ["7", "纬度"], ["8", "类型"]]
    reasons = [line[2] for line in lines]
    assert reasons[0] == "诉求内容不能为空" and reasons[1] == "未知的分类编码“T9999”"
    assert "不符合格式 %Y/%m/%d %H:%M" in reasons[2] and "北纬30度" in reasons[3]
    assert reasons[4] == "经纬度须同时填写" and reasons[5] == "未知的诉求类型“表扬信”"
    assert "6 行未通过检查" in err and "第 3 行“诉求内容”：诉求内容不能为空" in err


def test_a_row_with_several_problems_reports_each_of_them(cast, tmp_path):
    run_import(csv_file(tmp_path, [row("BAD", 诉求内容="", 分类编码="T9999")]), mapping_file(tmp_path))
    assert [line[1] for line in report_lines(tmp_path / "cases.csv.refused.csv")] == ["诉求内容", "分类编码"]
    assert not Case.objects.exists()


def test_the_report_goes_where_it_is_asked_to(cast, tmp_path):
    wanted = tmp_path / "out" / "拒绝.csv"
    wanted.parent.mkdir()
    run_import(csv_file(tmp_path, [row("BAD", 诉求内容="")]), mapping_file(tmp_path), "--report", str(wanted))
    assert report_lines(wanted) == [["2", "诉求内容", "诉求内容不能为空"]]


def test_dry_run_writes_no_case_but_reports_the_refusals(cast, tmp_path):
    out, _err = run_import(csv_file(tmp_path, [*GOOD_ROWS, row("BAD", 分类编码="T9999")]), mapping_file(tmp_path),
                           "--dry-run")
    assert not Case.objects.exists() and not CaseEvent.objects.exists()
    assert "共 4 行，3 行可导入" in out and "1 行被拒" in out and "未写入任何工单" in out
    assert len(report_lines(tmp_path / "cases.csv.refused.csv")) == 1


def test_strict_writes_nothing_when_any_row_is_refused(cast, tmp_path):
    with pytest.raises(CommandError, match="按 --strict 未写入任何工单"):
        run_import(csv_file(tmp_path, [*GOOD_ROWS, row("BAD", 诉求内容="")]), mapping_file(tmp_path), "--strict")
    assert not Case.objects.exists()


def test_strict_imports_a_clean_file(cast, tmp_path):
    run_import(csv_file(tmp_path, GOOD_ROWS), mapping_file(tmp_path), "--strict")
    assert Case.objects.count() == 3


def test_without_routing_the_cases_wait_at_intake(cast, tmp_path):
    run_import(csv_file(tmp_path, GOOD_ROWS), mapping_file(tmp_path), "--no-route")
    assert set(Case.objects.values_list("status", "current_unit")) == {("received", None)}


def test_a_file_saved_by_excel_on_chinese_windows_is_read_as_gb18030(cast, tmp_path):
    run_import(csv_file(tmp_path, GOOD_ROWS, encoding="gb18030"), mapping_file(tmp_path))
    assert Case.objects.get(upstream_id="GD-001").description == "幸福里3号楼门口垃圾两天没人清运"


def test_utf8_with_bom_is_read(cast, tmp_path):
    run_import(csv_file(tmp_path, GOOD_ROWS, encoding="utf-8-sig"), mapping_file(tmp_path))
    assert Case.objects.count() == 3  # the BOM is not part of the first column's name


def test_gzipped_csv_is_read(cast, tmp_path):
    plain = csv_file(tmp_path, GOOD_ROWS)
    packed = tmp_path / "history.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    run_import(packed, mapping_file(tmp_path))
    assert set(Case.objects.values_list("upstream_source", flat=True)) == {"import:history"}


def test_a_missing_column_refuses_the_whole_file(cast, tmp_path):
    with pytest.raises(CommandError, match="表头缺少映射中的列：受理时间"):
        run_import(csv_file(tmp_path, GOOD_ROWS), mapping_file(tmp_path, created_at="受理时间"))
    assert not Case.objects.exists()


def test_a_future_date_is_refused_as_history_cannot_come_from_it(cast, tmp_path):
    run_import(csv_file(tmp_path, [row("F", 来电时间="2026/10/01 09:00")]), mapping_file(tmp_path))
    assert report_lines(tmp_path / "cases.csv.refused.csv") == [["2", "来电时间", "时间晚于当前时间"]]
    assert FROZEN_NOW < dt.datetime(2026, 10, 1, 9, 0, tzinfo=BEIJING)


def test_categories_can_be_named_through_a_value_map_and_unknown_ones_left_blank(cast, tmp_path):
    bikes = Category.objects.create(code="T0202", name="共享单车乱停", parent=cast.noise.parent)
    mapping = mapping_file(tmp_path, category={"column": "分类编码", "by": "name", "unknown": "blank",
                                               "values": {"单车": "共享单车乱停"}})
    rows = [row("N-1", 分类编码="单车"), row("N-2", 分类编码="共享单车乱停"), row("N-3", 分类编码="不在目录里")]
    run_import(csv_file(tmp_path, rows), mapping)
    assert dict(Case.objects.values_list("upstream_id", "category")) == {"N-1": bikes.pk, "N-2": bikes.pk, "N-3": None}


def test_a_category_name_used_twice_in_the_tree_is_refused_as_ambiguous(cast, tmp_path):
    Category.objects.create(code="T0203", name="垃圾清运", parent=cast.noise.parent)  # beside T010101 垃圾清运
    run_import(csv_file(tmp_path, [row("A", 分类编码="垃圾清运")]), mapping_file(tmp_path, category={
        "column": "分类编码", "by": "name"}))
    assert report_lines(tmp_path / "cases.csv.refused.csv") == [["2", "分类编码", "名称“垃圾清运”对应多项，请改用编码"]]


def test_a_retired_category_is_refused(cast, tmp_path):
    cast.sanitation.active = False
    cast.sanitation.save()
    run_import(csv_file(tmp_path, GOOD_ROWS[:1]), mapping_file(tmp_path))
    assert report_lines(tmp_path / "cases.csv.refused.csv") == [["2", "分类编码", "分类“垃圾清运”已停用"]]


def test_too_long_a_phone_is_refused_rather_than_cut(cast, tmp_path):
    run_import(csv_file(tmp_path, [row("L", 电话="1" * 31)]), mapping_file(tmp_path))
    assert report_lines(tmp_path / "cases.csv.refused.csv") == [["2", "电话", "不能超过 30 个字符"]]


def test_several_columns_make_one_description(cast, tmp_path):
    run_import(csv_file(tmp_path, GOOD_ROWS[:1]), mapping_file(tmp_path, description=["标题", "诉求内容", "地址"]))
    assert Case.objects.get().description == "垃圾未清运\n幸福里3号楼门口垃圾两天没人清运\n幸福里3号楼"


def test_blank_lines_are_not_rows(cast, tmp_path):
    path = csv_file(tmp_path, [GOOD_ROWS[0], [""] * 11, GOOD_ROWS[1]])
    out, _err = run_import(path, mapping_file(tmp_path))
    assert "共 2 行" in out and Case.objects.count() == 2
