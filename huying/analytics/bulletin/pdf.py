"""The bulletin as a PDF (A4 landscape): the area's totals with a chart of the three rates, both rankings with a
chart of their scores, the red and black lists, the categories and the definitions in use.

reportlab lays it out (platypus) and draws the charts (reportlab.graphics). Chinese text uses the built-in
CID font STSong-Light, as the QR sheets do (huying/intake/web/qr_pdf.py): nothing is fetched or embedded,
every mainstream viewer supplies the font.
"""

from collections.abc import Callable
from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.pdfmetrics import registerFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from huying.analytics.bulletin.build import (
    POINTS,
    RATE,
    SIGNED,
    BulletinData,
    Line,
    band_label,
    charted,
    rank_columns,
    total_figures,
)

FONT = "STSong-Light"
PAGE = landscape(A4)
MARGIN = 36.0
WIDTH = PAGE[0] - 2 * MARGIN
NOW_COLOUR, BEFORE_COLOUR = colors.HexColor("#2F6DB5"), colors.HexColor("#A9C4E4")
BAND_COLOURS = {"good": colors.HexColor("#C0392B"), "failing": colors.HexColor("#555555")}
BAND_BACKGROUNDS = {"good": colors.HexColor("#F8D7D7"), "failing": colors.HexColor("#D9D9D9")}
HEADER_BACKGROUND = colors.HexColor("#DDE6F0")

registerFont(UnicodeCIDFont(FONT))

TITLE = ParagraphStyle("title", fontName=FONT, fontSize=18, leading=24, alignment=1, wordWrap="CJK")
HEADING = ParagraphStyle("heading", fontName=FONT, fontSize=13, leading=18, spaceBefore=10, spaceAfter=6,
                         wordWrap="CJK")
BODY = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=13, wordWrap="CJK")
CELL_HEAD = ParagraphStyle("cell_head", fontName=FONT, fontSize=8, leading=10, alignment=1, wordWrap="CJK")


def bulletin_pdf(data: BulletinData) -> bytes:
    """The document's bytes (the same figures give the same bytes: no timestamp or random id inside)."""
    buffer = BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                                 bottomMargin=MARGIN, title=_bmp(data.title), invariant=1, pageCompression=1)
    footer = _footer(data)
    document.build(_story(data), onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _story(data: BulletinData) -> list[Flowable]:
    generated = timezone.localtime(data.generated_at).strftime("%Y-%m-%d %H:%M")
    story: list[Flowable] = [
        Paragraph(_text(data.title), TITLE),
        Paragraph(_text(_("统计口径：%(basis)s；数据截至 %(at)s") % {"basis": data.basis_label, "at": generated}),
                  ParagraphStyle("sub", parent=BODY, alignment=1)),
        Spacer(1, 8),
        Paragraph(_text(_("一、%(area)s总体情况") % {"area": data.area.local_name}), HEADING),
        Table([[_totals_table(data), _rates_chart(data)]], colWidths=[WIDTH * 0.45, WIDTH * 0.55],
              style=[("VALIGN", (0, 0), (-1, -1), "TOP")]),
    ]
    # The numbering is part of each heading's msgid: "二、" has no place in an English heading.
    for heading_text, title, lines in ((_("二、街道排名"), _("街道排名"), data.streets),
                                       (_("三、部门排名"), _("部门排名"), data.departments)):
        heading = Paragraph(_text(heading_text), HEADING)
        if not lines:
            story += [heading, Paragraph(_text(_("本范围内没有需要排名的单位")), BODY)]
            continue
        chart = _score_chart(lines, _("%(title)s · 综合得分") % {"title": title})
        story += [KeepTogether([heading, chart]), Spacer(1, 6), _rank_table(lines)]
    story += [KeepTogether([Paragraph(_text(_("四、红黑榜")), HEADING), Paragraph(_text(data.formula["bands"]), BODY),
                            Spacer(1, 4), _bands_table(data)])]
    story.append(KeepTogether([Paragraph(_text(_("五、按一级分类统计")), HEADING), *_categories(data)]))
    story.append(KeepTogether([Paragraph(_text(_("六、统计口径")), HEADING),
                               *(Paragraph(_text(text), BODY) for text in data.definitions())]))
    return story


def _footer(data: BulletinData) -> Callable[[Canvas, SimpleDocTemplate], None]:
    def draw(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawString(MARGIN, MARGIN / 2, _bmp(data.title))
        canvas.drawRightString(PAGE[0] - MARGIN, MARGIN / 2, _("第 %(n)d 页") % {"n": document.page})
        canvas.restoreState()

    return draw


def formatted(value: object, kind: str) -> str:
    """A figure as printed: "—" where there is none (nothing was due)."""
    if value is None:
        return "—"
    if isinstance(value, int | float) and kind in (RATE, POINTS, SIGNED):
        if kind == RATE:
            return f"{value:.1f}"
        if kind == POINTS:
            return f"{value:+.1f}" if round(value, 1) else "0.0"
        return f"{int(value):+d}" if value else "0"
    return _bmp(str(value))


def _table(rows: list[list], widths: list[float], *, numbers_from: int = 1,
           extra: list[tuple] | None = None) -> Table:
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (numbers_from, 1), (-1, -1), "RIGHT"),
        *(extra or []),
    ]
    header = [Paragraph(_text(str(cell)), CELL_HEAD) for cell in rows[0]]
    return Table([header, *rows[1:]], colWidths=widths, repeatRows=1, style=TableStyle(style), hAlign="LEFT")


def _totals_table(data: BulletinData) -> Table:
    rows: list[list] = [[_("指标"), _("本月"), _("上月"), _("变化")]]
    for figure in total_figures(data):
        change_kind = POINTS if figure.kind == RATE else SIGNED
        rows.append([_bmp(figure.label), formatted(figure.now, figure.kind), formatted(figure.before, figure.kind),
                     formatted(figure.change, change_kind)])
    return _table(rows, [130, 55, 55, 55])


def _rank_table(lines: list[Line]) -> Table:
    columns = rank_columns()
    rows: list[list] = [[c.header for c in columns]]
    extra = []
    for index, line in enumerate(lines, start=1):
        rows.append([formatted(c.value(line), c.kind) for c in columns])
        if line.row.band in BAND_BACKGROUNDS:
            extra.append(("BACKGROUND", (len(columns) - 1, index), (len(columns) - 1, index),
                          BAND_BACKGROUNDS[line.row.band]))
    name_width = 130.0
    other = (WIDTH - name_width) / (len(columns) - 1)
    widths = [other, name_width] + [other] * (len(columns) - 2)
    return _table(rows, widths, numbers_from=2, extra=[("ALIGN", (-1, 1), (-1, -1), "CENTER"), *extra])


def _bands_table(data: BulletinData) -> Flowable:
    rows: list[list] = [[_("榜单"), _("类别"), _("单位"), _("名次"), _("满意率（%）"), _("综合得分")]]
    extra = []
    for line in data.good + data.failing:
        kind = _("街道") if line in data.streets else _("部门")
        rows.append([band_label(line.row.band), kind, _bmp(line.name), str(line.row.rank),
                     formatted(line.row.rates.satisfied, RATE), formatted(line.row.rates.composite, RATE)])
        extra.append(("BACKGROUND", (0, len(rows) - 1), (0, len(rows) - 1), BAND_BACKGROUNDS[line.row.band]))
    if len(rows) == 1:
        return Paragraph(_text(_("本月无单位进入红黑榜")), BODY)
    return _table(rows, [60, 60, 180, 60, 80, 80], numbers_from=3, extra=extra)


def _categories(data: BulletinData) -> list[Flowable]:
    if not data.categories:
        return [Paragraph(_text(_("本月没有计入考核的诉求")), BODY)]
    total = sum(line.cases for line in data.categories)
    rows: list[list] = [[_("一级分类"), _("本月件数"), _("占比（%）"), _("上月件数"), _("变化")]]
    for line in data.categories:
        rows.append([_bmp(line.name), str(line.cases), formatted(100.0 * line.cases / total if total else None, RATE),
                     str(line.previous), formatted(line.change, SIGNED)])
    rows.append([_("合计"), str(total), "", "", ""])
    table = _table(rows, [120, 60, 60, 60, 60])
    return [Table([[table, _category_chart(data)]], colWidths=[WIDTH * 0.5, WIDTH * 0.5],
                  style=[("VALIGN", (0, 0), (-1, -1), "TOP")])]


def _rates_chart(data: BulletinData) -> Drawing:
    """The area's three rates and composite score, this month beside the month before."""
    names = ["response", "solved", "satisfied", "composite"]
    drawing = Drawing(WIDTH * 0.55 - 12, 210)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 40, drawing.width - 60, 140
    chart.data = [[_value(getattr(data.rates, n)) for n in names],
                  [_value(getattr(data.previous_rates, n)) for n in names]]
    chart.categoryAxis.categoryNames = [_("响应率"), _("解决率"), _("满意率"), _("综合得分")]
    _axes(chart)
    chart.bars[0].fillColor, chart.bars[1].fillColor = NOW_COLOUR, BEFORE_COLOUR
    chart.barLabelFormat, chart.barLabels.fontName, chart.barLabels.fontSize = "%.1f", FONT, 7
    chart.barLabels.nudge = 6
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.fontSize = 40, 200, FONT, 8
    legend.alignment, legend.columnMaximum, legend.deltax = "right", 1, 60
    legend.colorNamePairs = [(NOW_COLOUR, _("本月")), (BEFORE_COLOUR, _("上月"))]
    drawing.add(legend)
    return drawing


def _score_chart(lines: list[Line], title: str) -> Drawing:
    """Each unit's composite score, coloured by its band (red list red, black list dark grey)."""
    shown, caption = charted(lines)
    drawing = Drawing(WIDTH, 200)
    drawing.add(String(0, 188, _bmp(title + caption), fontName=FONT, fontSize=10))
    if not shown:
        drawing.add(String(0, 160, _("本月暂无评分"), fontName=FONT, fontSize=9))
        return drawing
    chart = VerticalBarChart()
    # A few units get bars of a readable width, not the whole page each.
    chart.x, chart.y, chart.width, chart.height = 40, 50, min(WIDTH - 60, max(200, 48 * len(shown))), 125
    chart.data = [[_value(line.row.rates.composite) for line in shown]]
    chart.barLabelFormat, chart.barLabels.fontName, chart.barLabels.fontSize = "%.1f", FONT, 7
    chart.barLabels.nudge = 6
    chart.categoryAxis.categoryNames = [_bmp(line.name) for line in shown]
    _axes(chart)
    chart.bars[0].fillColor = NOW_COLOUR
    for index, line in enumerate(shown):
        if line.row.band in BAND_COLOURS:
            chart.bars[(0, index)].fillColor = BAND_COLOURS[line.row.band]
    if len(shown) > 8:  # many names: slant them so they do not run into each other
        chart.categoryAxis.labels.angle, chart.categoryAxis.labels.boxAnchor = 35, "ne"
    drawing.add(chart)
    return drawing


def _category_chart(data: BulletinData) -> Drawing:
    shown = data.categories[:12]
    drawing = Drawing(WIDTH * 0.5 - 12, 40 + 18 * len(shown))
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 90, 20, drawing.width - 110, 18 * len(shown)
    chart.data = [[line.cases for line in reversed(shown)]]
    chart.categoryAxis.categoryNames = [_bmp(line.name) for line in reversed(shown)]
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = NOW_COLOUR
    drawing.add(chart)
    return drawing


def _axes(chart: VerticalBarChart) -> None:
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = chart.valueAxis.labels.fontSize = 8


def _value(rate: float | None) -> float | None:
    return None if rate is None else round(rate, 1)


def _text(text: str) -> str:
    """Text for a Paragraph: XML-escaped (a unit may be called "A&B"), within the font's characters."""
    return escape(_bmp(text))


def _bmp(text: str) -> str:
    """UniGB-UCS2-H maps UTF-16 code units one by one, so characters beyond the BMP have no glyph."""
    return "".join(char if ord(char) <= 0xFFFF else "?" for char in text)
