"""The category tree to and from CSV, in the columns of data/default_categories.csv.

An import creates or updates categories by code and never deletes one: cases keep pointing at their
category, so an administrator retires a category by setting active to 0.
"""

import csv
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol, TextIO

from django.db import transaction
from django.db.models import CharField, QuerySet
from django.utils.translation import gettext as _

from huying.catalog.models import Category
from huying.lib.errors import InvalidInput

COLUMNS = ("code", "parent_code", "name", "name_en", "keywords", "active")
REQUIRED_COLUMNS = ("code", "parent_code", "name")
MAX_DEPTH = 3
MAX_ERRORS_SHOWN = 20
_FALSE = frozenset({"0", "false", "no", "n", "否", "停用"})
_ACTIVE_WORDS = _FALSE | {"1", "true", "yes", "y", "是", "启用", ""}  # an empty cell means active, the default


def _max_length(field_name: str) -> int:
    field = Category._meta.get_field(field_name)
    if not isinstance(field, CharField) or field.max_length is None:
        raise TypeError(f"Category.{field_name} is not a CharField with a max_length")
    return field.max_length


_LENGTH_LIMITS = tuple((f, _max_length(f)) for f in ("code", "name", "name_en"))


class Writable(Protocol):
    """Where an export goes: a text file, or an HttpResponse to download."""

    def write(self, text: str, /) -> object: ...


@dataclass(frozen=True)
class CategoryRow:
    number: int  # as a spreadsheet numbers it: the header is row 1
    code: str
    parent_code: str
    name: str
    name_en: str
    keywords: str
    active: str  # the cell's text, checked by _row_errors


@dataclass(frozen=True)
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        return _("新建 %(created)d 个分类，更新 %(updated)d 个，%(unchanged)d 个未变") % {
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
        }


def categories_export(stream: Writable, *, queryset: QuerySet[Category] | None = None) -> int:
    """Write the categories (all by default) ordered by code; returns how many rows were written."""
    nodes = (Category.objects.all() if queryset is None else queryset).select_related("parent").order_by("code")
    stream.write("\ufeff")  # the BOM is how Excel knows the file is UTF-8 and not the locale's GBK
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    count = 0
    for node in nodes:
        parent_code = node.parent.code if node.parent else ""
        writer.writerow([node.code, parent_code, node.name, node.name_en, node.keywords, int(node.active)])
        count += 1
    return count


def csv_text(data: bytes) -> io.StringIO:
    """Decode an uploaded file: UTF-8 with or without BOM, else GB18030 (what Excel saves on Chinese Windows)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return io.StringIO(data.decode(encoding), newline="")
        except UnicodeDecodeError:
            continue
    raise InvalidInput(_("无法识别文件编码，请另存为 UTF-8 编码的 CSV 文件"), field="file")


def categories_import(stream: TextIO) -> ImportReport:
    """Create or update every row by code; if any row is bad, raise InvalidInput and write nothing."""
    with transaction.atomic():
        try:
            rows = _read(csv.reader(stream))
        except csv.Error as error:  # e.g. a cell over the reader's size limit: not a category table
            raise InvalidInput(_("文件不是有效的 CSV：%(error)s") % {"error": error}, field="file") from error
        parents = _tree_after(rows)
        depths = _depths(parents)
        _refuse(_row_errors(rows) + _tree_errors(rows, parents, depths))
        return _write(rows, depths)


def _tree_after(rows: list[CategoryRow]) -> dict[str, str]:
    """code → parent code ("" for a root) of the tree as the import would leave it."""
    parents = {code: parent or "" for code, parent in Category.objects.values_list("code", "parent__code")}
    parents.update({row.code: row.parent_code for row in rows if row.code})
    return parents


def _read(reader: Iterator[list[str]]) -> list[CategoryRow]:
    header = [cell.strip().lstrip("\ufeff").lower() for cell in next(reader, [])]
    for column in REQUIRED_COLUMNS:
        if column not in header:
            raise InvalidInput(_("第 1 行（表头）缺少“%(column)s”列") % {"column": column}, field=column)
    rows = []
    for number, cells in enumerate(reader, start=2):
        values = dict(zip(header, (cell.strip() for cell in cells), strict=False))
        if any(values.values()):  # blank lines at the end of a spreadsheet export are not rows
            rows.append(CategoryRow(number=number, **{column: values.get(column, "") for column in COLUMNS}))
    return rows


def _at(row: CategoryRow, column: str, problem: str) -> str:
    return _("第 %(row)d 行“%(column)s”列：%(problem)s") % {"row": row.number, "column": column, "problem": problem}


def _refuse(errors: list[str]) -> None:
    if not errors:
        return
    shown = "；".join(errors[:MAX_ERRORS_SHOWN])
    if len(errors) > MAX_ERRORS_SHOWN:
        shown += _("……共 %(count)d 处错误") % {"count": len(errors)}
    raise InvalidInput(_("文件未导入，请改正后重试：%(errors)s") % {"errors": shown}, field="file")


def _row_errors(rows: list[CategoryRow]) -> list[str]:
    errors: list[str] = []
    first_seen: dict[str, int] = {}
    for row in rows:
        errors += [_at(row, column, _("不能为空")) for column in ("code", "name") if not getattr(row, column)]
        errors += [_at(row, column, _("不能超过 %(limit)d 个字符") % {"limit": limit})
                   for column, limit in _LENGTH_LIMITS if len(getattr(row, column)) > limit]
        if row.active.lower() not in _ACTIVE_WORDS:
            errors.append(_at(row, "active", _("应填 1（启用）或 0（停用）")))
        if row.code in first_seen:
            errors.append(_at(row, "code", _("编码 %(code)s 与第 %(first)d 行重复") % {
                "code": row.code, "first": first_seen[row.code]}))
        elif row.code:
            first_seen[row.code] = row.number
    return errors


def _depths(parents: dict[str, str]) -> dict[str, int | None]:
    """The level of every code in the tree-to-be; None where a chain of parents loops back on itself."""
    depths: dict[str, int | None] = {}
    for code in parents:
        chain, node = [], code
        while node and node in parents and node not in depths and node not in chain:
            chain.append(node)
            node = parents[node]
        # An unknown parent counts as the root here; _tree_errors reports it on its own.
        base = depths[node] if node in depths else (None if node in chain else 0)
        for offset, link in enumerate(reversed(chain), start=1):
            depths[link] = None if base is None else base + offset
    return depths


def _tree_errors(rows: list[CategoryRow], parents: dict[str, str], depths: dict[str, int | None]) -> list[str]:
    errors = []
    for row in (row for row in rows if row.code):
        depth = depths[row.code]
        if row.parent_code and row.parent_code not in parents:
            errors.append(_at(row, "parent_code", _("上级分类 %(code)s 不存在") % {"code": row.parent_code}))
        elif depth is None:
            errors.append(_at(row, "parent_code", _("上级关系形成循环")))
        elif depth > MAX_DEPTH:
            errors.append(_at(row, "parent_code", _("分类最多三级，此行将是第 %(depth)d 级") % {"depth": depth}))
    return errors + _moved_subtree_errors(rows, parents, depths)


def _moved_subtree_errors(rows: list[CategoryRow], parents: dict[str, str], depths: dict[str, int | None]) -> list[str]:
    """A moved category takes its children along: refuse the move if they would sink below level three."""
    in_file = {row.code: row for row in rows if row.code}
    blamed: dict[str, str] = {}
    for code, depth in depths.items():
        if code in in_file or depth is None or depth <= MAX_DEPTH:
            continue
        ancestor = parents[code]
        while ancestor and ancestor not in in_file:
            ancestor = parents[ancestor]
        if ancestor and (depths[ancestor] or 0) <= MAX_DEPTH:
            blamed.setdefault(ancestor, code)
    return [_at(in_file[ancestor], "parent_code", _("移动后其下级分类 %(code)s 将超过三级") % {"code": code})
            for ancestor, code in blamed.items()]


def _write(rows: list[CategoryRow], depths: dict[str, int | None]) -> ImportReport:
    nodes = {node.code: node for node in Category.objects.all()}
    # Shallowest first, so a parent is saved before its children wherever they sit in the file.
    outcomes = Counter(_save(row, nodes) for row in sorted(rows, key=lambda row: depths[row.code] or 0))
    _relevel(nodes.values(), depths)
    return ImportReport(**outcomes)


def _save(row: CategoryRow, nodes: dict[str, Category]) -> str:
    node = nodes.get(row.code) or Category(code=row.code)
    parent = nodes.get(row.parent_code)
    values = {"name": row.name, "name_en": row.name_en, "keywords": row.keywords,
              "active": row.active.lower() not in _FALSE}
    parent_id = parent.pk if parent else None
    if node.pk and node.parent_id == parent_id and all(getattr(node, f) == v for f, v in values.items()):
        return "unchanged"
    outcome = "updated" if node.pk else "created"
    for field, value in values.items():
        setattr(node, field, value)
    node.parent = parent
    node.save()
    nodes[row.code] = node
    return outcome


def _relevel(nodes: Iterable[Category], depths: dict[str, int | None]) -> None:
    """Children left out of the file keep their parent; when that parent moved, their level follows it."""
    for node in nodes:
        if depths[node.code] is not None and node.level != depths[node.code]:
            Category.objects.filter(pk=node.pk).update(level=depths[node.code])
