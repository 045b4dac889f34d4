"""The bulletin as an Excel workbook: a summary sheet, the two rankings, the red and black lists and the
categories, each ranking and the categories with a native Excel bar chart (openpyxl), so the figures stay
numbers a reader can sort and sum."""

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from huying.analytics.bulletin.build import (
    INT,
    POINTS,
    RATE,
    SIGNED,
    BulletinData,
    Figure,
    Line,
    band_label,
    rank_columns,
    total_figures,
)

FORMATS = {INT: "0", SIGNED: "+0;-0;0", RATE: "0.0", POINTS: "+0.0;-0.0;0.0"}
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
BAND_FILLS = {"good": PatternFill("solid", fgColor="F8D7D7"), "failing": PatternFill("solid", fgColor="D9D9D9")}


def bulletin_xlsx(data: BulletinData) -> bytes:
    """The workbook's bytes."""
    book = Workbook()
    summary = book.active
    assert summary is not None  # a new workbook always has its first sheet
    _summary(summary, data)
    _ranking(book.create_sheet(_("街道排名")), data, data.streets, _("街道综合得分"))
    _ranking(book.create_sheet(_("部门排名")), data, data.departments, _("部门综合得分"))
    _bands(book.create_sheet(_("红黑榜")), data)
    _categories(book.create_sheet(_("分类统计")), data)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _heading(sheet: Worksheet, data: BulletinData, subtitle: str) -> None:
    sheet["A1"] = data.title
    sheet["A1"].font = Font(bold=True, size=14)
    generated = timezone.localtime(data.generated_at).strftime("%Y-%m-%d %H:%M")
    sheet["A2"] = _("%(what)s · %(basis)s · 数据截至 %(at)s") % {"what": subtitle, "basis": data.basis_label,
                                                                  "at": generated}


def _header_row(sheet: Worksheet, row: int, headers: list[str], widths: list[int] | None = None) -> None:
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=column, value=header)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        width = widths[column - 1] if widths else max(10, 2 * len(header) + 2)  # a CJK character is two wide
        sheet.column_dimensions[get_column_letter(column)].width = width


def _put(sheet: Worksheet, row: int, column: int, value: object, kind: str) -> None:
    cell = sheet.cell(row=row, column=column, value=value)  # type: ignore[arg-type]
    if kind in FORMATS and value is not None:
        cell.number_format = FORMATS[kind]


def _summary(sheet: Worksheet, data: BulletinData) -> None:
    sheet.title = _("概况")
    _heading(sheet, data, _("%(area)s合计") % {"area": data.area.local_name})
    _header_row(sheet, 4, [_("指标"), _("本月"), _("上月"), _("变化")], [28, 12, 12, 12])
    figures: list[Figure] = total_figures(data)
    for offset, figure in enumerate(figures):
        row = 5 + offset
        sheet.cell(row=row, column=1, value=figure.label)
        _put(sheet, row, 2, figure.now, figure.kind)
        _put(sheet, row, 3, figure.before, figure.kind)
        _put(sheet, row, 4, figure.change, POINTS if figure.kind == RATE else SIGNED)
    row = 6 + len(figures)
    sheet.cell(row=row, column=1, value=_("统计口径")).font = BOLD
    for offset, text in enumerate(data.definitions(), start=1):
        sheet.cell(row=row + offset, column=1, value=text)


def _ranking(sheet: Worksheet, data: BulletinData, lines: list[Line], chart_title: str) -> None:
    _heading(sheet, data, sheet.title)
    columns = rank_columns()
    _header_row(sheet, 4, [c.header for c in columns])
    sheet.column_dimensions["B"].width = 24
    sheet.freeze_panes = "C5"
    for offset, line in enumerate(lines):
        row = 5 + offset
        for number, column in enumerate(columns, start=1):
            _put(sheet, row, number, column.value(line), column.kind)
        if line.row.band in BAND_FILLS:
            sheet.cell(row=row, column=len(columns)).fill = BAND_FILLS[line.row.band]
    if lines:
        score = 1 + next(i for i, c in enumerate(columns) if c.header == _("综合得分"))
        _bar_chart(sheet, chart_title, names=(2, 5, 4 + len(lines)), values=(score, 4, 4 + len(lines)),
                   anchor=f"{get_column_letter(len(columns) + 2)}4", y_title=_("得分"))


def _bar_chart(sheet: Worksheet, title: str, *, names: tuple[int, int, int], values: tuple[int, int, int],
               anchor: str, y_title: str) -> None:
    """A column chart of one column (`values`: column, header row, last row) against the names column."""
    chart = BarChart()
    chart.type, chart.style, chart.title = "col", 10, title
    chart.y_axis.title = y_title
    chart.legend = None
    chart.height, chart.width = 9, max(16, 0.8 * (values[2] - values[1]))
    column, first, last = values
    chart.add_data(Reference(sheet, min_col=column, min_row=first, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=names[0], min_row=names[1], max_row=names[2]))
    sheet.add_chart(chart, anchor)


def _bands(sheet: Worksheet, data: BulletinData) -> None:
    _heading(sheet, data, _("红黑榜"))
    sheet["A3"] = data.formula["bands"]
    headers = [_("榜单"), _("类别"), _("单位"), _("名次"), _("满意率（%）"), _("综合得分")]
    _header_row(sheet, 5, headers, [8, 10, 24, 8, 12, 12])
    row = 6
    for band_lines in (data.good, data.failing):
        for line in band_lines:
            is_street = line in data.streets
            values = [band_label(line.row.band), _("街道") if is_street else _("部门"), line.name, line.row.rank,
                      line.row.rates.satisfied, line.row.rates.composite]
            for number, (value, kind) in enumerate(zip(values, ["", "", "", INT, RATE, RATE], strict=True), 1):
                _put(sheet, row, number, value, kind)
            sheet.cell(row=row, column=1).fill = BAND_FILLS[line.row.band]
            row += 1
    if row == 6:
        sheet.cell(row=row, column=1, value=_("本月无单位进入红黑榜"))


def _categories(sheet: Worksheet, data: BulletinData) -> None:
    _heading(sheet, data, _("按一级分类统计"))
    headers = [_("一级分类"), _("本月件数"), _("占比（%）"), _("上月件数"), _("变化")]
    _header_row(sheet, 4, headers, [20, 12, 12, 12, 10])
    total = sum(line.cases for line in data.categories)
    for offset, line in enumerate(data.categories):
        row = 5 + offset
        sheet.cell(row=row, column=1, value=line.name)
        _put(sheet, row, 2, line.cases, INT)
        _put(sheet, row, 3, 100.0 * line.cases / total if total else None, RATE)
        _put(sheet, row, 4, line.previous, INT)
        _put(sheet, row, 5, line.change, SIGNED)
    if data.categories:
        sheet.cell(row=5 + len(data.categories), column=1, value=_("合计")).font = BOLD
        _put(sheet, 5 + len(data.categories), 2, total, INT)
        last = 4 + len(data.categories)
        _bar_chart(sheet, _("各类诉求件数"), names=(1, 5, last), values=(2, 4, last), anchor="G4",
                   y_title=_("件数"))
