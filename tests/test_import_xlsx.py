"""`huying cases_import` on Excel workbooks: typed cells (dates, numbers), sheets, refusals, streamed reading."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError
from openpyxl import Workbook

from huying.cases.models import Case
from tests.test_import_helpers import GOOD_ROWS, HEADER, mapping_file, report_lines, run_import

BEIJING = dt.timezone(dt.timedelta(hours=8))


def typed(cells: list[str]) -> list:
    """A row as Excel keeps it: the id a number, coordinates numbers, the time a date cell, empty cells None."""
    values: list = [cell or None for cell in cells]
    values[0] = int(cells[0].removeprefix("GD-")) if cells[0].startswith("GD-") else cells[0]
    values[6], values[7] = (float(cells[6]), float(cells[7])) if cells[6] else (None, None)
    values[9] = int(cells[9]) if cells[9] else None  # a phone typed in as a number
    values[10] = dt.datetime.strptime(cells[10], "%Y/%m/%d %H:%M")
    return values


def workbook(folder: Path, sheets: dict[str, list[list]], name: str = "history.xlsx") -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append(HEADER)
        for cells in rows:
            sheet.append(cells)
    path = folder / name
    book.save(path)
    return path


def test_typed_cells_become_cases_with_their_dates_ids_and_phones(cast, tmp_path):
    path = workbook(tmp_path, {"工单": [typed(r) for r in GOOD_ROWS]})
    out, _err = run_import(path, mapping_file(tmp_path))
    cases = {c.upstream_id: c for c in Case.objects.all()}
    assert set(cases) == {"1", "2", "3"}  # 1.0 in Excel's storage is the id "1", not "1.0"
    assert cases["1"].created_at == dt.datetime(2026, 3, 1, 9, 30, tzinfo=BEIJING)  # a date cell needs no format
    assert cases["1"].reporter_phone == "13800138000" and cases["1"].current_unit == cast.xingfu
    assert cases["2"].current_unit == cast.parks and cases["2"].lat == 30.705
    assert {c.channel for c in cases.values()} == {"import"} and "新建工单 3 件" in out


def test_text_dates_in_a_workbook_are_read_by_the_format(cast, tmp_path):
    path = workbook(tmp_path, {"工单": [GOOD_ROWS[0]]})  # every cell typed as text
    run_import(path, mapping_file(tmp_path))
    assert Case.objects.get().created_at == dt.datetime(2026, 3, 1, 9, 30, tzinfo=BEIJING)


def test_the_named_sheet_is_read_and_others_left_alone(cast, tmp_path):
    path = workbook(tmp_path, {"说明": [], "2026年3月": [typed(GOOD_ROWS[0])]})
    run_import(path, mapping_file(tmp_path), "--sheet", "2026年3月")
    assert list(Case.objects.values_list("upstream_id", flat=True)) == ["1"]


def test_the_first_sheet_is_read_when_none_is_named(cast, tmp_path):
    path = workbook(tmp_path, {"一月": [typed(GOOD_ROWS[0])], "二月": [typed(GOOD_ROWS[1])]})
    run_import(path, mapping_file(tmp_path))
    assert list(Case.objects.values_list("upstream_id", flat=True)) == ["1"]


def test_an_unknown_sheet_is_refused_naming_the_sheets_there_are(cast, tmp_path):
    path = workbook(tmp_path, {"一月": [typed(GOOD_ROWS[0])]})
    with pytest.raises(CommandError, match="找不到工作表“三月”，文件中有：一月"):
        run_import(path, mapping_file(tmp_path), "--sheet", "三月")


def test_bad_rows_in_a_workbook_are_reported_by_spreadsheet_row_and_not_written(cast, tmp_path):
    bad_date, bad_lat, no_text = typed(GOOD_ROWS[0]), typed(GOOD_ROWS[1]), typed(GOOD_ROWS[2])
    bad_date[0], bad_date[10] = "X-1", "三月一日"
    bad_lat[0], bad_lat[6] = "X-2", 300.0
    no_text[0], no_text[2] = "X-3", None
    path = workbook(tmp_path, {"工单": [typed(GOOD_ROWS[0]), bad_date, [None] * 11, bad_lat, no_text]})
    run_import(path, mapping_file(tmp_path))
    assert list(Case.objects.values_list("upstream_id", flat=True)) == ["1"]
    lines = report_lines(tmp_path / "history.xlsx.refused.csv")
    assert [line[:2] for line in lines] == [["3", "来电时间"], ["5", "纬度"], ["6", "诉求内容"]]  # row 4 is blank
    assert lines[1][2] == "应为 -90 到 90 之间的数字，而不是“300”"


def test_a_file_that_is_not_a_workbook_is_refused(cast, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip at all")
    with pytest.raises(CommandError, match="无法打开 Excel 文件"):
        run_import(path, mapping_file(tmp_path))
