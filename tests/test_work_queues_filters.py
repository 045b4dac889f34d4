"""Queue filters (筛选): each one narrows the list, they combine, and a bad value is named and dropped."""

import datetime as dt

import pytest

from huying.cases.models import Channel
from huying.cases.services import case_accept
from tests.test_work_queues import WEST_POINT, listed, numbers, queue


@pytest.fixture
def spread(cast, new_case, clock):
    """Cases of every kind the filters tell apart, created a day apart, all visible to the command centre."""
    made = {}
    made["sanitation"] = new_case()
    clock.shift(dt.timedelta(days=1))
    made["trees"] = new_case(category=cast.trees, description="幸福里3号楼门前树枝挡路", channel=Channel.WEB,
                             request_type=cast.help)
    clock.shift(dt.timedelta(days=1))
    made["noise"] = new_case(category=cast.noise, description="夜间施工噪音扰民", address="")
    clock.shift(dt.timedelta(days=1))
    made["west"] = new_case(address="", description="桃园小区垃圾满溢", **WEST_POINT)
    return made


def test_a_category_filter_includes_its_subcategories(cast, spread, client):
    urban = cast.sanitation.parent.parent  # 城乡建设 › 市容环卫 › 垃圾清运
    assert set(listed(client, cast.command, "all", category=urban.pk)) == {
        spread["sanitation"].number, spread["trees"].number, spread["west"].number}
    assert listed(client, cast.command, "all", category=cast.noise.parent.pk) == [spread["noise"].number]
    assert listed(client, cast.command, "all", category=cast.trees.pk) == [spread["trees"].number]


def test_type_channel_and_tier_filters(cast, spread, client):
    assert listed(client, cast.command, "all", request_type=cast.help.pk) == [spread["trees"].number]
    assert listed(client, cast.command, "all", channel="web") == [spread["trees"].number]
    assert set(listed(client, cast.command, "all", tier=cast.tier_a2.pk)) == {
        spread["sanitation"].number, spread["west"].number}


def test_place_filters_by_street_community_and_grid(cast, spread, client):
    east = {spread["sanitation"].number, spread["trees"].number}
    assert set(listed(client, cast.command, "all", street=cast.east.pk)) == east
    assert set(listed(client, cast.command, "all", community=cast.xingfu.pk)) == east
    assert set(listed(client, cast.command, "all", grid=cast.grid1.pk)) == east
    assert listed(client, cast.command, "all", grid=cast.grid3.pk) == [spread["west"].number]
    assert listed(client, cast.command, "all", street=cast.west.pk, grid=cast.grid1.pk) == []


def test_choosing_a_street_narrows_the_community_and_grid_choices(cast, spread, client):
    page = queue(client, cast.command, street=cast.west.pk).content.decode()
    assert "桃园社区" in page and "幸福里社区" not in page and "幸福里网格1" not in page


def test_a_date_range_counts_whole_days_in_the_citys_time_zone(cast, spread, client):
    # Created 2026-09-30, 10-01, 10-02 and 10-03 at 10:00 Shanghai time.
    assert set(listed(client, cast.command, "all", created_from="2026-10-01", created_to="2026-10-02")) == {
        spread["trees"].number, spread["noise"].number}
    assert listed(client, cast.command, "all", created_from="2026-10-03") == [spread["west"].number]
    assert listed(client, cast.command, "all", created_to="2026-09-30") == [spread["sanitation"].number]


def test_status_and_overdue_filters(cast, spread, client, clock):
    case_accept(case=spread["sanitation"], by=cast.community_staff)
    assert listed(client, cast.command, "all", status="accepted") == [spread["sanitation"].number]
    clock.shift(dt.timedelta(hours=3))  # the last A2 case misses its 2-hour response; the others run on
    assert listed(client, cast.command, "all", overdue="1") == [spread["west"].number]


def test_filters_combine_with_the_tab(cast, spread, client):
    assert listed(client, cast.command, "to_accept", street=cast.east.pk, channel="hotline") == [
        spread["sanitation"].number]


@pytest.mark.parametrize(("params", "field"), [
    ({"created_from": "2026-13-40"}, "创建日期（起）"),
    ({"created_to": "yesterday"}, "创建日期（止）"),
    ({"category": "999999"}, "诉求分类"),
    ({"category": "abc"}, "诉求分类"),
    ({"street": "999999"}, "街道"),
    ({"channel": "pigeon"}, "来源渠道"),
    ({"status": "lost"}, "状态"),
    ({"sort": "random"}, "排序"),
    ({"tab": "nonsense"}, "队列"),
    ({"after": "12_abc"}, "分页位置"),
])
def test_a_bad_value_is_named_and_the_other_filters_still_apply(cast, spread, client, params, field):
    response = queue(client, cast.command, **{"tab": "all", "request_type": cast.help.pk, **params})
    assert f"{field}：" in response.content.decode()
    assert numbers(response) == [spread["trees"].number]  # the good filter (求助) still applies


def test_the_typed_values_are_kept_even_when_wrong(cast, spread, client):
    page = queue(client, cast.command, created_from="2026-13-40", q="噪音").content.decode()
    assert 'value="2026-13-40"' in page and 'value="噪音"' in page


def test_an_end_date_before_the_start_is_refused(cast, spread, client):
    response = queue(client, cast.command, tab="all", created_from="2026-10-03", created_to="2026-10-01")
    assert "创建日期（止）：截止日期不能早于起始日期" in response.content.decode()
    assert len(numbers(response)) == 1  # the start date alone still applies
