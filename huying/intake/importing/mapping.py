"""The import mapping: which column of the spreadsheet feeds which case field (a JSON file, one per source).

    {"description": ["标题", "诉求内容"], "title": "标题",
     "category": {"column": "分类", "by": "name", "values": {"环卫": "垃圾清运"}},
     "request_type": {"column": "类型", "values": {"投诉": "complaint"}, "default": "complaint"},
     "lat": "纬度", "lon": "经度", "created_at": {"column": "来电时间", "format": "%Y/%m/%d %H:%M"},
     "upstream_id": "工单编号", "timezone": "Asia/Shanghai"}

A field written as a string (or a list of strings) names its column(s). As an object it may also give a
`default` for empty cells, a `values` map from the cell's text to our code or name, `by` ("code" or
"name") for category and request type, `unknown` ("error" or "blank") for a category the catalogue lacks,
and a strptime `format` for created_at (ISO 8601 when left out). Several columns (text fields only) are
joined line by line.
"""

import json
import zoneinfo
from pathlib import Path
from typing import Annotated, Any, Literal

from django.conf import settings
from django.utils.translation import gettext as _
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, model_validator

from huying.cases.models import Channel
from huying.lib.errors import InvalidInput

LOOKUP_FIELDS = ("category", "request_type")
MULTI_COLUMN_FIELDS = ("description", "title", "address")


def _column_shorthand(value: Any) -> Any:
    return {"column": value} if isinstance(value, str | list) else value


class FieldSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str | list[str] | None = None
    default: str | None = None
    values: dict[str, str] | None = None
    by: Literal["code", "name"] = "code"
    unknown: Literal["error", "blank"] = "error"
    format: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        if self.column is None:
            return ()
        return (self.column,) if isinstance(self.column, str) else tuple(self.column)

    @model_validator(mode="after")
    def _has_a_source(self) -> "FieldSpec":
        if not self.columns and self.default is None:
            raise ValueError(_("须指定 column（列名）或 default（默认值）"))
        return self


Spec = Annotated[FieldSpec, BeforeValidator(_column_shorthand)]


class ImportMapping(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    description: Spec
    request_type: Spec
    title: Spec | None = None
    category: Spec | None = None
    channel: Spec = FieldSpec(default=Channel.IMPORT.value)
    address: Spec | None = None
    lat: Spec | None = None
    lon: Spec | None = None
    reporter_name: Spec | None = None
    reporter_phone: Spec | None = None
    created_at: Spec | None = None
    upstream_id: Spec | None = None
    # Naive times in the file are read in this zone (the city the history comes from).
    timezone: str = settings.TIME_ZONE

    def specs(self) -> dict[str, FieldSpec]:
        """The mapped case fields and their specs."""
        return {name: spec for name in type(self).model_fields
                if isinstance(spec := getattr(self, name), FieldSpec)}

    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @model_validator(mode="after")
    def _fits_together(self) -> "ImportMapping":
        for name, spec in self.specs().items():
            _check_spec(name, spec)
        if (self.lat is None) != (self.lon is None):
            raise ValueError(_("lat 与 lon 须同时映射"))
        try:
            self.zone()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(_("未知的时区“%(zone)s”") % {"zone": self.timezone}) from error
        return self


def _check_spec(name: str, spec: FieldSpec) -> None:
    """Options that only make sense on some fields are refused elsewhere, so a typo cannot pass unnoticed."""
    if spec.format is not None and name != "created_at":
        raise ValueError(_("%(field)s：只有 created_at 可以指定 format") % {"field": name})
    if spec.values is not None and name not in (*LOOKUP_FIELDS, "channel"):
        raise ValueError(_("%(field)s：只有分类、诉求类型和渠道可以指定 values") % {"field": name})
    if spec.by != "code" and name not in LOOKUP_FIELDS:
        raise ValueError(_("%(field)s：只有分类和诉求类型可以指定 by") % {"field": name})
    if spec.unknown != "error" and name != "category":
        raise ValueError(_("%(field)s：只有分类可以指定 unknown") % {"field": name})
    if len(spec.columns) > 1 and name not in MULTI_COLUMN_FIELDS:
        raise ValueError(_("%(field)s：只能对应一列") % {"field": name})
    if name == "channel":
        for code in (spec.default, *(spec.values or {}).values()):
            if code is not None and code not in Channel.values:
                raise ValueError(_("未知的来源渠道“%(code)s”") % {"code": code})


def mapping_load(path: Path) -> ImportMapping:
    """Read and check a mapping file; InvalidInput names what is wrong in it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise InvalidInput(_("无法读取映射文件：%(error)s") % {"error": error}, field="mapping") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidInput(_("映射文件不是有效的 JSON：%(error)s") % {"error": error}, field="mapping") from error
    return mapping_parse(data)


def mapping_parse(data: Any) -> ImportMapping:
    try:
        return ImportMapping.model_validate(data)
    except ValidationError as error:
        problems = "；".join(_problem(e) for e in error.errors(include_url=False))
        raise InvalidInput(_("映射文件有误：%(problems)s") % {"problems": problems}, field="mapping") from error


def _problem(error: Any) -> str:
    where = ".".join(str(part) for part in error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message
