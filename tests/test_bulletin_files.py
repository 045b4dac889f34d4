"""The bulletin's files: an Excel workbook with native charts and a PDF with charts, read back as a reader would."""

from io import BytesIO

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart
from pypdf import PdfReader

from huying.analytics.bulletin.build import bulletin_collect
from huying.analytics.bulletin.store import bulletin_make
from huying.analytics.models import PeriodBasis
from huying.analytics.rates import Period
from huying.org.models import Unit, UnitKind
from tests.test_bulletin_helpers import two_months_make

SEPTEMBER = Period.parse("2026-09")


@pytest.fixture
def two_months(cast, new_case, clock):
    return two_months_make(cast, new_case, clock)


def files(cast, period=SEPTEMBER) -> dict[str, bytes]:
    return bulletin_make(area=cast.district, period=period, basis=PeriodBasis.CREATED)[1]


def workbook(cast, period=SEPTEMBER):
    return load_workbook(BytesIO(files(cast, period)["xlsx"]))


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def rows_from(sheet, first: int) -> list[tuple]:
    return [row for row in sheet.iter_rows(min_row=first, values_only=True) if any(v is not None for v in row)]


def test_the_workbook_has_the_summary_both_rankings_the_lists_and_the_categories(two_months):
    book = workbook(two_months)
    assert book.sheetnames == ["概况", "街道排名", "部门排名", "红黑榜", "分类统计"]
    summary = book["概况"]
    assert summary["A1"].value == "示范区2026年9月接诉即办工作通报"
    totals = {row[0]: row[1:4] for row in rows_from(summary, 5) if row[0]}
    assert totals["计入考核件数"] == (5, 2, 3)
    assert totals["综合得分"] == (pytest.approx(70.0), pytest.approx(55.0), pytest.approx(15.0))
    assert "综合得分 = 响应率 × 10% + 解决率 × 45% + 满意率 × 45%" in totals
    assert "统计口径：按受理时间统计" in totals


def test_the_street_ranking_sheet_has_a_row_per_street_with_its_rates_as_numbers(two_months):
    sheet = workbook(two_months)["街道排名"]
    header, *lines = rows_from(sheet, 4)
    assert header[:4] == ("名次", "单位", "计入考核件数", "评价/回访件数")
    assert header[4:8] == ("响应率（%）", "解决率（%）", "满意率（%）", "综合得分")
    assert header[8:] == ("得分较上月", "上月名次", "名次变化", "红黑榜")
    assert lines[0] == (1, "东湖街道", 2, 2, 100, 50, 50, 55, -45, 1, 0, "黑榜")
    assert lines[1][:4] == (2, "西山街道", 1, 0) and lines[1][4:8] == (None, None, None, None)
    assert sheet["E5"].number_format == "0.0" and sheet["I5"].number_format == "+0.0;-0.0;0.0"


def test_by_the_resolved_basis_the_ranking_counts_the_months_resolved_cases_not_its_intake(two_months):
    made = bulletin_make(area=two_months.district, period=SEPTEMBER, basis=PeriodBasis.RESOLVED)[1]
    header, *lines = rows_from(load_workbook(BytesIO(made["xlsx"]))["街道排名"], 4)
    assert header[2] == "计入考核件数"
    # 东湖街道 received two cases in September; one stays resolved (the other was reopened by its call-back).
    assert {line[1]: line[2] for line in lines} == {"东湖街道": 1, "西山街道": 0}


def test_each_ranking_and_the_categories_carry_a_native_bar_chart_of_their_column(two_months):
    book = workbook(two_months)
    for name, column, last in (("街道排名", "H", 6), ("部门排名", "H", 7), ("分类统计", "B", 6)):
        (chart,) = book[name]._charts
        assert isinstance(chart, BarChart) and chart.type == "col"
        series = chart.series[0]
        assert series.tx.strRef.f == f"'{name}'!{column}4"  # named by its header
        assert series.val.numRef.f == f"'{name}'!${column}$5:${column}${last}"
        assert series.cat is not None
    assert book["分类统计"]["A5"].value == "城乡建设" and book["分类统计"]["B5"].value == 4


def test_the_red_and_black_sheet_lists_the_units_in_each_band(two_months):
    sheet = workbook(two_months)["红黑榜"]
    assert rows_from(sheet, 6) == [("红榜", "部门", "园林局", 1, 100, 100), ("黑榜", "街道", "东湖街道", 1, 50, 55)]


def test_the_pdf_names_the_streets_and_departments_with_their_rates(two_months):
    text = pdf_text(files(two_months)["pdf"])
    assert "示范区2026年9月接诉即办工作通报" in text and "统计口径：按受理时间统计" in text
    for name in ("东湖街道", "西山街道", "园林局", "水务局", "供水公司", "城乡建设", "环境保护"):
        assert name in text
    assert "55.0" in text and "-45.0" in text and "66.7" in text  # 东湖街道's score and change; the district's rates
    assert "红榜" in text and "黑榜" in text and "红榜：满意率 ≥ 85%；黑榜：满意率 < 75%" in text
    assert "二、街道排名" in text and "三、部门排名" in text


def test_the_pdf_headings_are_translated_whole_with_their_numbers(two_months, monkeypatch):
    """An English catalogue gives "2. Street ranking": no "二、" is glued on in the code."""
    from huying.analytics.bulletin import pdf

    english = {"二、街道排名": "2. Street ranking", "三、部门排名": "3. Department ranking"}
    monkeypatch.setattr(pdf, "_", lambda text: english.get(text, text))
    text = pdf_text(pdf.bulletin_pdf(bulletin_collect(area=two_months.district, period=SEPTEMBER,
                                                      basis=PeriodBasis.CREATED)))
    assert "2. Street ranking" in text and "3. Department ranking" in text and "、Street" not in text


def test_the_first_page_is_not_blank(two_months):
    page = pdfium.PdfDocument(files(two_months)["pdf"])[0]
    image = page.render(scale=1).to_pil().convert("L")
    inked = sum(image.histogram()[:200])  # pixels darker than light grey
    assert inked > 0.03 * image.width * image.height  # the totals table and the rates chart


def test_the_pdf_is_a4_landscape_in_the_readers_own_chinese_font(two_months):
    reader = PdfReader(BytesIO(files(two_months)["pdf"]))
    first = reader.pages[0]
    assert (round(first.mediabox.width), round(first.mediabox.height)) == (842, 595)
    fonts = {font["/BaseFont"]: font for font in (ref.get_object() for ref in first["/Resources"]["/Font"].values())}
    descriptor = fonts["/STSong-Light"]["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    assert not {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor)


def test_the_same_figures_give_the_same_pdf(two_months):
    assert files(two_months)["pdf"] == files(two_months)["pdf"]


def test_a_month_without_scores_still_gives_both_files_and_says_so(two_months):
    made = files(two_months, Period.parse("2026-10"))
    text = pdf_text(made["pdf"])
    assert "本月暂无评分" in text and "本月无单位进入红黑榜" in text
    bands = load_workbook(BytesIO(made["xlsx"]))["红黑榜"]
    assert rows_from(bands, 6) == [("本月无单位进入红黑榜", None, None, None, None, None)]


def test_unit_names_with_markup_or_rare_characters_are_printed_safely(two_months):
    Unit.objects.create(code="T310101003", name="A&B<新城>街道𠀀", kind=UnitKind.STREET, parent=two_months.district)
    made = files(two_months)
    assert "A&B<新城>街道?" in pdf_text(made["pdf"])  # beyond the font's plane: a question mark, not a crash
    assert "A&B<新城>街道𠀀" in [row[1] for row in rows_from(load_workbook(BytesIO(made["xlsx"]))["街道排名"], 5)]
