"""`huying bulletin --month 2026-09 --out DIR`: writes the Excel and PDF files and prints their paths; bad options
are refused with a message naming the option."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from huying.analytics.models import MeasureSettings
from huying.analytics.models_bulletin import Bulletin
from tests.test_bulletin_helpers import two_months_make


@pytest.fixture
def two_months(cast, new_case, clock):
    return two_months_make(cast, new_case, clock)


def bulletin(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("bulletin", *args, stdout=out)
    return out.getvalue().splitlines()


def test_the_command_writes_both_files_and_prints_their_paths(two_months, tmp_path):
    target = tmp_path / "out"
    printed = bulletin("--month", "2026-09", "--out", str(target))
    assert printed == [str(target / "bulletin-T310101-2026-09-created.xlsx"),
                       str(target / "bulletin-T310101-2026-09-created.pdf")]
    book = load_workbook(printed[0])
    assert book["街道排名"]["B5"].value == "东湖街道"
    assert "西山街道" in "".join(page.extract_text() for page in PdfReader(printed[1]).pages)
    assert not Bulletin.objects.exists()  # the command only writes files


def test_the_period_rule_comes_from_the_option_or_else_the_settings(two_months, tmp_path):
    (xlsx, _pdf) = bulletin("--month", "2026-09", "--out", str(tmp_path), "--basis", "resolved")
    assert xlsx.endswith("-resolved.xlsx") and load_workbook(xlsx)["概况"]["B5"].value == 2
    settings = MeasureSettings.current()
    settings.period_basis = "resolved"
    settings.save()
    assert bulletin("--month", "2026-09", "--out", str(tmp_path))[0].endswith("-resolved.xlsx")


def test_another_area_is_chosen_by_its_code(two_months, tmp_path):
    (xlsx, _pdf) = bulletin("--month", "2026-09", "--out", str(tmp_path), "--area", "T310101001")
    assert Path(xlsx).name == "bulletin-T310101001-2026-09-created.xlsx"
    assert load_workbook(xlsx)["概况"]["B5"].value == 2  # 东湖街道's two September cases


@pytest.mark.parametrize(("args", "message"), [
    (["--month", "2026-13"], "--month: 须为月份，如 2026-10"),
    (["--month", "2026-Q3"], "--month: 须为月份，如 2026-10"),
    (["--month", "2026-10"], "--month: 2026-10 尚未到来，不能生成通报"),  # the clock stands in September
    (["--month", "2026-09", "--area", "NOPE"], "--area: 没有编码为 NOPE 的单位"),
])
def test_bad_options_are_refused_by_name(cast, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        bulletin(*args, "--out", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_an_out_path_that_is_a_file_is_refused(cast, tmp_path):
    target = tmp_path / "taken"
    target.write_text("")
    with pytest.raises(CommandError, match="--out: .* 不是目录"):
        bulletin("--month", "2026-09", "--out", str(target))


@pytest.mark.parametrize("out", ["/proc/huying-bulletin", "/dev/null/huying-bulletin"])
def test_an_out_directory_that_cannot_be_written_is_refused_by_name_without_a_traceback(cast, out):
    with pytest.raises(CommandError, match=f"^--out: 无法写入 {out}"):
        bulletin("--month", "2026-09", "--out", out)


def test_a_file_that_cannot_be_written_is_refused_by_name(cast, tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "bulletin-T310101-2026-09-created.xlsx").mkdir()  # a directory where the file should go
    with pytest.raises(CommandError, match="^--out: 无法写入 .*bulletin-T310101-2026-09-created.xlsx"):
        bulletin("--month", "2026-09", "--out", str(target))


def test_the_messages_go_through_the_translation_catalogue(cast, tmp_path, monkeypatch):
    from huying.analytics.management.commands import bulletin as command

    english = {"没有编码为 %(code)s 的单位": "no unit has the code %(code)s"}
    monkeypatch.setattr(command, "_", lambda text: english.get(text, text))
    with pytest.raises(CommandError, match="^--area: no unit has the code NOPE$"):
        bulletin("--month", "2026-09", "--out", str(tmp_path), "--area", "NOPE")


def test_an_unknown_basis_is_refused_by_the_parser(cast, tmp_path):
    with pytest.raises(CommandError, match="argument --basis: invalid choice"):
        bulletin("--month", "2026-09", "--out", str(tmp_path), "--basis", "weekly")
