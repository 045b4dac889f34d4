"""One spreadsheet row → a case draft (case_create's arguments), or every reason the row is refused.

Everything case_create would refuse, or the database would cut short, is checked here, so a row that
passes is written whole and a row that fails is reported and never written.
"""

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from django.db.models import CharField
from django.utils.translation import gettext as _

from huying.cases.models import Case, Channel
from huying.catalog.models import Category, RequestType
from huying.intake.importing.mapping import FieldSpec, ImportMapping
from huying.lib.errors import InvalidInput
from huying.lib.tables import Cell


@dataclass(frozen=True)
class Refusal:
    row: int
    column: str
    reason: str


@dataclass(frozen=True)
class CaseDraft:
    row: int
    channel: str
    request_type: RequestType
    description: str
    title: str = ""
    category: Category | None = None
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    reporter_name: str = ""
    reporter_phone: str = ""
    upstream_id: str = ""
    created_at: dt.datetime | None = None

    def case_fields(self) -> dict[str, Any]:
        """The keyword arguments case_create takes from the row."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("row", "created_at")}


class Refused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def case_max_length(name: str) -> int:
    model_field = Case._meta.get_field(name)
    assert isinstance(model_field, CharField) and model_field.max_length is not None
    return model_field.max_length


# Columns the database would cut or refuse (PostgreSQL raises, SQLite stores silently): refused here instead.
LENGTH_LIMITS = {name: case_max_length(name) for name in ("address", "reporter_name", "reporter_phone", "upstream_id")}


def cell_text(cell: Cell | str) -> str:
    """A cell as the text a clerk sees: Excel's whole numbers (ids, phones) without a trailing .0."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.isoformat(sep=" ")
    return str(cell).strip()


@dataclass
class Catalogue:
    """Categories and request types by code and by name, read once per import."""

    categories: dict[str, Category] = field(default_factory=dict)
    category_names: dict[str, list[Category]] = field(default_factory=dict)
    types: dict[str, RequestType] = field(default_factory=dict)
    type_names: dict[str, list[RequestType]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "Catalogue":
        catalogue = cls()
        for category in Category.objects.all():
            catalogue.categories[category.code] = category
            catalogue.category_names.setdefault(category.name, []).append(category)
        for request_type in RequestType.objects.all():
            catalogue.types[request_type.code] = request_type
            catalogue.type_names.setdefault(request_type.name, []).append(request_type)
        return catalogue


T = TypeVar("T", Category, RequestType)


def _looked_up(key: str, spec: FieldSpec, by_code: dict[str, T], by_name: dict[str, list[T]]) -> T | None:
    """The one entry the key names (by code or by name as the spec says); None when there is none."""
    if spec.by == "code":
        return by_code.get(key)
    matches = by_name.get(key, [])
    if len(matches) > 1:
        raise Refused(_("名称“%(name)s”对应多项，请改用编码") % {"name": key})
    return matches[0] if matches else None


class RowReader:
    """Turns the rows of one table into drafts, by the mapping, against the catalogue as it is now."""

    def __init__(self, *, mapping: ImportMapping, header: Sequence[str], catalogue: Catalogue, now: dt.datetime):
        self.specs = mapping.specs()
        self.zone = mapping.zone()
        self.catalogue = catalogue
        self.now = now
        missing = [c for spec in self.specs.values() for c in spec.columns if c not in header]
        if missing:
            raise InvalidInput(_("表头缺少映射中的列：%(columns)s") % {"columns": "、".join(dict.fromkeys(missing))},
                               field="mapping")
        self.positions = {c: header.index(c) for spec in self.specs.values() for c in spec.columns}
        self.parsers: dict[str, Callable[[Cell | str, FieldSpec], Any]] = {
            "description": self._description, "title": self._text, "address": self._bounded("address"),
            "reporter_name": self._bounded("reporter_name"), "reporter_phone": self._bounded("reporter_phone"),
            "upstream_id": self._bounded("upstream_id"), "lat": self._coordinate(90), "lon": self._coordinate(180),
            "category": self._category, "request_type": self._request_type, "channel": self._channel,
            "created_at": self._created_at,
        }

    def convert(self, number: int, cells: Sequence[Cell]) -> CaseDraft | list[Refusal]:
        values: dict[str, Any] = {}
        refusals = []
        for name, spec in self.specs.items():
            try:
                values[name] = self.parsers[name](self._raw(spec, cells), spec)
            except Refused as problem:
                refusals.append(Refusal(number, self.column_label(name), problem.reason))
        for name, other in (("lat", "lon"), ("lon", "lat")):
            if name in values and values[name] is None and values.get(other) is not None:
                refusals.append(Refusal(number, self.column_label(name), _("经纬度须同时填写")))
        return refusals or CaseDraft(row=number, **values)

    def column_label(self, name: str) -> str:
        """How the report names a field: its column(s) in the file, or the case field when it has none."""
        spec = self.specs.get(name)
        return "、".join(spec.columns) if spec and spec.columns else name

    def _raw(self, spec: FieldSpec, cells: Sequence[Cell]) -> Cell | str:
        found = [cells[p] if p < len(cells) else None for p in (self.positions[c] for c in spec.columns)]
        if len(found) == 1 and cell_text(found[0]):
            return found[0]  # kept as is: an Excel date cell is already a datetime
        joined = "\n".join(text for text in map(cell_text, found) if text)
        return joined or (spec.default or "")

    def _text(self, raw: Cell | str, spec: FieldSpec) -> str:
        return cell_text(raw)

    def _description(self, raw: Cell | str, spec: FieldSpec) -> str:
        text = cell_text(raw)
        if not text:
            raise Refused(_("诉求内容不能为空"))
        return text

    def _bounded(self, name: str) -> Callable[[Cell | str, FieldSpec], str]:
        limit = LENGTH_LIMITS[name]

        def parse(raw: Cell | str, spec: FieldSpec) -> str:
            text = cell_text(raw)
            if len(text) > limit:
                raise Refused(_("不能超过 %(limit)d 个字符") % {"limit": limit})
            return text

        return parse

    def _coordinate(self, bound: int) -> Callable[[Cell | str, FieldSpec], float | None]:
        def parse(raw: Cell | str, spec: FieldSpec) -> float | None:
            text = cell_text(raw)
            if not text:
                return None
            try:
                value = float(text)
            except ValueError:
                value = math.nan
            if not -bound <= value <= bound:  # NaN fails every comparison, so it lands here too
                raise Refused(_("应为 -%(bound)d 到 %(bound)d 之间的数字，而不是“%(text)s”") % {
                    "bound": bound, "text": text})
            return value

        return parse

    def _mapped(self, raw: Cell | str, spec: FieldSpec) -> str:
        text = cell_text(raw)
        return (spec.values or {}).get(text, text)

    def _category(self, raw: Cell | str, spec: FieldSpec) -> Category | None:
        key = self._mapped(raw, spec)
        if not key:
            return None
        category = _looked_up(key, spec, self.catalogue.categories, self.catalogue.category_names)
        if category is None:
            if spec.unknown == "blank":
                return None
            unknown = _("未知的分类编码“%(key)s”") if spec.by == "code" else _("未知的分类名称“%(key)s”")
            raise Refused(unknown % {"key": key})
        if not category.active:
            raise Refused(_("分类“%(name)s”已停用") % {"name": category.name})
        return category

    def _request_type(self, raw: Cell | str, spec: FieldSpec) -> RequestType:
        key = self._mapped(raw, spec)
        if not key:
            raise Refused(_("诉求类型不能为空"))
        request_type = _looked_up(key, spec, self.catalogue.types, self.catalogue.type_names)
        if request_type is None:
            raise Refused(_("未知的诉求类型“%(key)s”") % {"key": key})
        return request_type

    def _channel(self, raw: Cell | str, spec: FieldSpec) -> str:
        key = self._mapped(raw, spec) or Channel.IMPORT
        if key not in Channel.values:
            raise Refused(_("未知的来源渠道“%(code)s”") % {"code": key})
        return key

    def _created_at(self, raw: Cell | str, spec: FieldSpec) -> dt.datetime | None:
        when = self._when(raw, spec)
        if when is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=self.zone)
        if when > self.now:  # history cannot come from the future: most likely day and month swapped
            raise Refused(_("时间晚于当前时间"))
        return when

    def _when(self, raw: Cell | str, spec: FieldSpec) -> dt.datetime | None:
        if isinstance(raw, dt.datetime):
            return raw
        if isinstance(raw, dt.date):
            return dt.datetime.combine(raw, dt.time())
        text = cell_text(raw)
        if not text:
            return None
        try:
            return dt.datetime.strptime(text, spec.format) if spec.format else dt.datetime.fromisoformat(text)
        except ValueError as error:
            wanted = spec.format or "ISO 8601"
            raise Refused(_("时间“%(text)s”不符合格式 %(format)s") % {"text": text, "format": wanted}) from error
