"""Labelled texts from a spreadsheet (CSV, CSV.GZ or XLSX): the training and evaluation data of the classifier."""

from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from huying.lib.errors import InvalidInput
from huying.lib.tables import table_source


@dataclass(frozen=True)
class Labelled:
    texts: list[str]
    labels: list[str]


def labelled_read(path: Path, *, text_col: str, label_col: str) -> Labelled:
    """The rows with both a text and a label; InvalidInput naming the column that is not in the file."""
    texts: list[str] = []
    labels: list[str] = []
    with table_source(path).open() as table:
        where = {name: i for i, name in enumerate(table.header)}
        for option, column in (("--text-col", text_col), ("--label-col", label_col)):
            if column not in where:
                raise InvalidInput(_("文件中没有列“%(column)s”，现有的列：%(names)s") % {
                    "column": column, "names": "、".join(table.header)}, field=option)
        for _number, cells in table.rows:
            text = _cell(cells, where[text_col])
            label = _cell(cells, where[label_col])
            if text and label:
                texts.append(text)
                labels.append(label)
    if not texts:
        raise InvalidInput(_("文件中没有同时填写了文本和标签的行"), field="--data")
    return Labelled(texts, labels)


def _cell(cells, index: int) -> str:
    value = cells[index] if index < len(cells) else None
    return str(value).strip() if value is not None else ""
