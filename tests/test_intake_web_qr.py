"""扫码报事: a building's signed code pre-fills the form; a tampered code is refused; staff print the sheets."""

from io import BytesIO

import pypdfium2 as pdfium
import pytest
import zxingcpp
from pypdf import PdfReader

from huying.cases.models import Case
from huying.geo.models import Building
from huying.intake.web.qr import place_token, place_url
from huying.intake.web.qr_pdf import SheetItem, sheet_pdf
from tests.cast import PASSWORD
from tests.test_intake_web_helpers import fresh_cache, media, resident_post  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("fresh_cache", "media")


def test_a_scanned_code_prefills_the_place_and_names_the_building(cast, client):
    page = client.get(f"/r/new/?place={place_token(cast.building3)}").content.decode()
    assert "您扫码所在的位置" in page and "幸福里小区3栋" in page
    assert 'name="address" value="幸福里小区3栋"' in page
    assert 'name="lat" value="30.605"' in page and 'name="lon" value="114.305"' in page
    assert f'name="place" value="{place_token(cast.building3)}"' in page


def test_a_case_filed_from_a_code_is_a_qr_case_at_that_building(cast, client, clock):
    token = place_token(cast.building3)
    response = client.post("/r/new/", resident_post(clock, cast, place=token, address="幸福里小区3栋",
                                                    lat="30.605", lon="114.305"))
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.channel, case.grid, case.community) == ("qr", cast.grid1, cast.xingfu)


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # the signature altered
    lambda t: str(int(t.split(":")[0]) + 1) + t[t.index(":"):],  # another id under this building's signature
    lambda t: "garbage",
])
def test_a_tampered_code_is_refused_with_a_clear_message(cast, client, mangle):
    response = client.get(f"/r/new/?place={mangle(place_token(cast.building3))}")
    assert response.status_code == 400
    assert "二维码无效或已被改动" in response.content.decode()


def test_a_tampered_code_in_a_post_creates_nothing(cast, client, clock):
    response = client.post("/r/new/", resident_post(clock, cast, place=place_token(cast.building3) + "x"))
    assert response.status_code == 400 and not Case.objects.exists()


def test_a_code_for_a_building_since_removed_is_refused(cast, client):
    gone = Building.objects.create(name="拆迁楼", grid=cast.grid1)
    token = place_token(gone)
    gone.delete()
    assert client.get(f"/r/new/?place={token}").status_code == 400


def test_a_building_always_prints_the_same_code(cast, clock):
    first = place_token(cast.building3)
    clock.shift(86400 * 365)
    assert place_token(cast.building3) == first


def test_a_code_opens_the_public_address_with_the_token(cast, settings):
    settings.HUYING = {**settings.HUYING, "PUBLIC_BASE_URL": "https://huying.example.gov.cn/"}
    assert place_url(cast.building3) == f"https://huying.example.gov.cn/r/new/?place={place_token(cast.building3)}"


def login(client, user) -> None:
    assert client.login(username=user.username, password=PASSWORD)


def test_community_staff_print_an_svg_sheet_with_one_code_per_building(cast, client):
    Building.objects.create(name="幸福里小区5栋", address="幸福路5号", grid=cast.grid2)
    login(client, cast.community_staff)
    page = client.get(f"/r/qr/sheet/?community={cast.xingfu.code}").content.decode()
    assert page.count('<svg viewBox="') == 2
    assert "幸福里小区3栋" in page and "幸福里小区5栋" in page and "幸福路5号" in page


def test_the_sheet_costs_the_same_queries_however_many_buildings(cast, client, django_assert_num_queries):
    login(client, cast.community_staff)
    url = f"/r/qr/sheet/?community={cast.xingfu.code}"
    client.get(url)  # warm the session and the user
    with django_assert_num_queries(5) as few:  # session, user, community, user.unit, buildings
        client.get(url)
    Building.objects.bulk_create([Building(name=f"新楼{n}栋", grid=cast.grid2) for n in range(5)])
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).content.decode().count("<svg") == 6


def test_the_sheet_without_a_community_lists_those_in_scope(cast, client):
    login(client, cast.street_dispatcher)
    page = client.get("/r/qr/sheet/").content.decode()
    assert "幸福里社区" in page and "桃园社区" not in page


def test_a_sheet_outside_ones_scope_is_not_found(cast, client):
    login(client, cast.outsider)
    assert client.get(f"/r/qr/sheet/?community={cast.xingfu.code}").status_code == 404
    assert client.get(f"/r/qr/sheet.pdf?community={cast.xingfu.code}").status_code == 404


def test_the_sheet_needs_a_login(cast, client):
    response = client.get(f"/r/qr/sheet/?community={cast.xingfu.code}")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_command_centre_downloads_the_sheet_as_pdf(cast, client):
    login(client, cast.command)
    response = client.get(f"/r/qr/sheet.pdf?community={cast.xingfu.code}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "幸福里小区3栋" in PdfReader(BytesIO(response.content)).pages[0].extract_text()


HEADING = "幸福里社区 · 扫码反映问题"


def buildings(count: int) -> list[SheetItem]:
    # URLs as long as real ones (id, colon, signature), so the codes reach the versions printed in practice.
    return [SheetItem(f"幸福里小区{n}栋", f"幸福路{n}号", f"https://huying.example.gov.cn/r/new/?place={n}:{n:043d}")
            for n in range(count)]


@pytest.mark.parametrize(("count", "pages"), [(0, 1), (6, 1), (7, 2), (13, 3)])
def test_the_pdf_holds_six_codes_an_a4_page_each_under_the_heading(count, pages):
    reader = PdfReader(BytesIO(sheet_pdf(buildings(count), heading=HEADING)))
    assert len(reader.pages) == pages
    assert all((round(page.mediabox.width), round(page.mediabox.height)) == (595, 842) for page in reader.pages)
    texts = [page.extract_text() for page in reader.pages]
    assert all(HEADING in text for text in texts)
    for n, item in enumerate(buildings(count)):
        assert item.title in texts[n // 6] and item.subtitle in texts[n // 6]


def test_the_labels_use_the_readers_own_chinese_font_not_an_embedded_one():
    page = PdfReader(BytesIO(sheet_pdf(buildings(1), heading=HEADING))).pages[0]
    fonts = {font["/BaseFont"]: font for font in (ref.get_object() for ref in page["/Resources"]["/Font"].values())}
    song = fonts["/STSong-Light"]
    assert song["/Encoding"] == "/UniGB-UCS2-H"
    descriptor = song["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    assert not {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor)


def test_a_label_too_long_for_its_cell_is_cut_with_an_ellipsis():
    item = SheetItem("幸福里小区" * 10, "幸福路1号", "https://h.example/r/new/?place=1")
    _, title, subtitle = PdfReader(BytesIO(sheet_pdf([item], heading=HEADING))).pages[0].extract_text().splitlines()
    assert title.endswith("…") and item.title.startswith(title[:-1]) and len(title) < len(item.title)
    assert subtitle == item.subtitle


def test_every_printed_code_scans_to_its_buildings_address():
    items = buildings(7)
    scanned = [sorted(code.text for code in zxingcpp.read_barcodes(page.render(scale=3).to_pil()))
               for page in pdfium.PdfDocument(sheet_pdf(items, heading=HEADING))]
    assert scanned == [sorted(item.url for item in items[:6]), [items[6].url]]
