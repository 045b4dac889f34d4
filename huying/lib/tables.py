"""Spreadsheets as numbered rows of cells, streamed: CSV (UTF-8 with or without BOM, else GB18030), .csv.gz, .xlsx.

Rows are numbered as a spreadsheet shows them (the header is row 1), so a refusal report points at the line
a clerk sees. Nothing is held in memory beyond one row: files of millions of rows are read twice (check,
then write) at a constant footprint.
"""

import codecs
import csv
import datetime as dt
import gzip
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from huying.lib.errors import InvalidInput

Cell = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None
Row = tuple[int, Sequence[Cell]]
SNIFF_CHUNK = 1 << 20
CSV_SUFFIXES = (".csv", ".txt", ".csv.gz", ".txt.gz", ".gz")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: Iterator[Row]  # data rows only, blank ones left out


@dataclass(frozen=True)
class TableSource:
    """A file to import, its format and text encoding found once, openable for each pass."""

    path: Path
    kind: Literal["csv", "xlsx"]
    encoding: str = "utf-8-sig"
    sheet: str | None = None

    @contextmanager
    def open(self) -> Iterator[Table]:
        opener = _xlsx_open if self.kind == "xlsx" else _csv_open
        with opener(self) as table:
            yield table


def table_source(path: Path, *, sheet: str | None = None) -> TableSource:
    """Recognise the file by its name and, for CSV, its encoding; InvalidInput when it cannot be read."""
    name = path.name.lower()
    if not path.is_file():
        raise InvalidInput(_("找不到文件 %(path)s") % {"path": path}, field="path")
    if name.endswith(XLSX_SUFFIXES):
        return TableSource(path=path, kind="xlsx", sheet=sheet)
    if name.endswith(".xls"):
        raise InvalidInput(_("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV"), field="path")
    if not name.endswith(CSV_SUFFIXES):
        raise InvalidInput(_("不支持的文件格式，请使用 CSV、CSV.GZ 或 XLSX 文件"), field="path")
    if sheet:
        raise InvalidInput(_("只有 Excel 文件才能指定工作表"), field="sheet")
    return TableSource(path=path, kind="csv", encoding=_csv_encoding(path))


def _gzipped(path: Path) -> bool:
    return path.name.lower().endswith(".gz")


def _text(path: Path, encoding: str) -> IO[str]:
    # newline="" hands line ends to the csv module, which keeps those inside quoted cells.
    if _gzipped(path):
        return gzip.open(path, "rt", encoding=encoding, newline="")
    return path.open(encoding=encoding, newline="")


def _csv_encoding(path: Path) -> str:
    """UTF-8 (BOM or not) when the whole file decodes as such, else GB18030 (Excel's CSV on Chinese Windows)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with gzip.open(path, "rb") if _gzipped(path) else path.open("rb") as stream:
            while chunk := stream.read(SNIFF_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "gb18030"
    except (OSError, EOFError) as error:  # a truncated or corrupt .gz
        raise InvalidInput(_("无法读取文件：%(error)s") % {"error": error}, field="path") from error
    return "utf-8-sig"


def _header(cells: Sequence[Cell]) -> list[str]:
    return [str(cell).strip().lstrip("\ufeff") if cell is not None else "" for cell in cells]


def _blank(cells: Sequence[Cell]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _numbered(rows: Iterator[Sequence[Cell]]) -> Iterator[Row]:
    for number, cells in enumerate(rows, start=2):
        if not _blank(cells):  # empty lines at the end of an export are not rows to refuse
            yield number, cells


@contextmanager
def _csv_open(source: TableSource) -> Iterator[Table]:
    with _text(source.path, source.encoding) as text:
        reader = csv.reader(_lines_checked(text))
        try:
            header = _header(next(reader, []))
        except csv.Error as error:
            raise InvalidInput(_("文件不是有效的 CSV：%(error)s") % {"error": error}, field="path") from error
        yield Table(header=header, rows=_csv_rows(reader))


def _lines_checked(text: IO[str]) -> Iterator[str]:
    try:
        yield from text
    except UnicodeDecodeError as error:  # GB18030 was the guess and this byte sequence is not GB18030 either
        raise InvalidInput(_("无法识别文件编码，请另存为 UTF-8 编码的 CSV 文件"), field="path") from error
    except (OSError, EOFError) as error:
        raise InvalidInput(_("无法读取文件：%(error)s") % {"error": error}, field="path") from error


def _csv_rows(reader: Iterator[list[str]]) -> Iterator[Row]:
    try:
        yield from _numbered(reader)
    except csv.Error as error:  # e.g. a cell longer than the csv module's field limit
        raise InvalidInput(_("文件不是有效的 CSV：%(error)s") % {"error": error}, field="path") from error


@contextmanager
def _xlsx_open(source: TableSource) -> Iterator[Table]:
    try:
        # read_only streams the sheet's XML row by row; data_only gives formulas' cached values, not the formulas.
        book = load_workbook(source.path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise InvalidInput(_("无法打开 Excel 文件：%(error)s") % {"error": error}, field="path") from error
    try:
        if source.sheet and source.sheet not in book.sheetnames:
            raise InvalidInput(_("找不到工作表“%(sheet)s”，文件中有：%(names)s") % {
                "sheet": source.sheet, "names": "、".join(book.sheetnames)}, field="sheet")
        sheet = book[source.sheet] if source.sheet else book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        yield Table(header=_header(next(rows, ())), rows=_numbered(rows))
    finally:
        book.close()  # read-only workbooks keep the zip open until closed
