"""The mapping file: what it may say, and how a wrong one is refused before any row is read."""

import pytest
from django.core.management import CommandError
from django.utils import translation

from huying.cases.models import Case
from huying.intake.importing.mapping import mapping_parse
from huying.lib.errors import InvalidInput
from tests.test_import_helpers import GOOD_ROWS, MAPPING, csv_file, mapping_file, run_import


def refusal(data: dict) -> str:
    with pytest.raises(InvalidInput) as caught, translation.override("zh-hans"):
        mapping_parse(data)
    return str(caught.value.message)


def test_a_column_name_or_a_list_of_them_is_shorthand_for_a_field():
    mapping = mapping_parse({"description": ["标题", "内容"], "request_type": {"default": "complaint"}})
    assert mapping.description.columns == ("标题", "内容") and mapping.request_type.columns == ()
    assert mapping.channel.default == "import" and mapping.timezone == "Asia/Shanghai"


def test_description_and_request_type_must_be_mapped():
    message = refusal({"title": "标题"})
    assert "description" in message and "request_type" in message


def test_a_field_needs_a_column_or_a_default():
    assert "须指定 column（列名）或 default（默认值）" in refusal({"description": {}, "request_type": "类型"})


@pytest.mark.parametrize(("field", "option", "message"), [
    ("title", {"format": "%Y"}, "title：只有 created_at 可以指定 format"),
    ("address", {"values": {"a": "b"}}, "address：只有分类、诉求类型和渠道可以指定 values"),
    ("channel", {"by": "name"}, "channel：只有分类和诉求类型可以指定 by"),
    ("request_type", {"unknown": "blank"}, "request_type：只有分类可以指定 unknown"),
    ("lat", {"column": ["a", "b"]}, "lat：只能对应一列"),
])
def test_options_are_refused_on_fields_they_do_not_apply_to(field, option, message):
    base = {"description": "内容", "request_type": {"default": "complaint"}, "lat": "纬度", "lon": "经度"}
    spec = {"column": "某列", **option} if field != "request_type" else {"default": "complaint", **option}
    assert message in refusal({**base, field: spec})


def test_lat_and_lon_come_together():
    assert "lat 与 lon 须同时映射" in refusal({"description": "内容", "request_type": "类型", "lat": "纬度"})


def test_an_unknown_channel_or_timezone_or_key_is_refused():
    base = {"description": "内容", "request_type": "类型"}
    assert "未知的来源渠道“fax”" in refusal({**base, "channel": {"default": "fax"}})
    assert "未知的时区“Mars/Olympus”" in refusal({**base, "timezone": "Mars/Olympus"})
    assert "descripton" in refusal({**base, "descripton": "内容"})  # a typo is not silently ignored


def test_a_mapping_that_is_not_json_stops_the_command(cast, tmp_path):
    broken = tmp_path / "mapping.json"
    broken.write_text("{description: 内容", encoding="utf-8")
    with pytest.raises(CommandError, match="映射文件不是有效的 JSON"):
        run_import(csv_file(tmp_path, GOOD_ROWS), broken)
    assert not Case.objects.exists()


def test_channel_can_be_mapped_from_a_column(cast, tmp_path):
    mapping = mapping_file(tmp_path, channel={"column": "类型", "values": {"投诉": "hotline", "咨询": "web"}})
    run_import(csv_file(tmp_path, GOOD_ROWS), mapping)
    assert dict(Case.objects.values_list("upstream_id", "channel")) == {"GD-001": "hotline", "GD-002": "hotline",
                                                                        "GD-003": "web"}
    assert MAPPING["request_type"]  # the same column still feeds the request type
