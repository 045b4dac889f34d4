"""The default catalogue a fresh database gets from the data migration."""

import datetime as dt
import importlib

from django.apps import apps

from huying.catalog.models import Category, RequestType, Tier, WorkingPeriod

FIRST_LEVEL = """城乡建设 环境保护 交通运输 市场监管 劳动和社会保障 教育文体
    卫生健康 住房保障 公共安全 民政服务 商贸旅游 其他""".split()
COMMON_MATTERS = """市容环卫 垃圾清运 园林绿化 树木修剪 市政设施 道路破损 井盖 供水 停水 供电 停电
    燃气 供暖 噪声污染 违章建筑 占道经营 物业管理 停车管理 公交 食品安全 价格 欠薪
    社保 学校 入学 医疗 养老 低保 消防 安全隐患 治安""".split()


def defaults_migration():
    return importlib.import_module("huying.catalog.migrations.0002_default_catalogue")


def test_the_default_tree_has_twelve_first_level_classes_coded_01_to_12(db):
    roots = Category.objects.filter(parent=None).exclude(code__startswith="T").order_by("code")
    assert [c.name for c in roots] == FIRST_LEVEL
    assert [c.code for c in roots] == [f"{n:02d}" for n in range(1, 13)]


def test_every_first_level_class_has_three_to_eight_second_level_items(db):
    for root in Category.objects.filter(level=1):
        assert 3 <= root.children.count() <= 8, root


def test_every_default_category_has_an_english_name(db):
    assert not Category.objects.filter(name_en="").exists()


def test_levels_follow_parents_and_codes_grow_two_digits_a_level(db):
    for node in Category.objects.select_related("parent"):
        expected = node.parent.level + 1 if node.parent else 1
        assert node.level == expected <= 3, node
        assert len(node.code) == 2 * node.level and node.code.startswith(node.parent.code if node.parent else ""), node


def test_the_common_matters_are_in_the_tree_with_keywords(db):
    found = dict(Category.objects.filter(name__in=COMMON_MATTERS).values_list("name", "keywords"))
    assert sorted(found) == sorted(COMMON_MATTERS)
    assert all(found.values())
    assert {"垃圾", "清运", "环卫"} <= set(found["垃圾清运"].split())


def test_the_six_request_types_are_seeded_in_order(db):
    rows = list(RequestType.objects.values_list("code", "name", "name_en"))
    assert rows == [("consult", "咨询", "Consultation"), ("help", "求助", "Request for help"),
                    ("complaint", "投诉", "Complaint"), ("report", "举报", "Report"),
                    ("suggestion", "建议", "Suggestion"), ("praise", "表扬", "Praise")]


def test_tiers_follow_the_jiangan_defaults(db):
    rows = {t.code: (t.handling_level, t.response_amount, t.response_unit, t.completion_amount, t.completion_unit,
                     t.return_window_hours) for t in Tier.objects.all()}
    assert rows == {
        "A1": ("grid", 10, "minutes", 30, "minutes", 2),
        "A2": ("community", 30, "minutes", 2, "hours", 2),
        "B": ("street", 2, "hours", 1, "working_days", 2),
        "C": ("district", 1, "working_days", 5, "working_days", 2),
        "D": ("city", 1, "working_days", 10, "working_days", 2),
    }
    assert list(Tier.objects.values_list("code", flat=True)) == ["A1", "A2", "B", "C", "D"]


def test_the_working_day_is_nine_to_noon_and_half_past_one_to_half_past_five(db):
    assert list(WorkingPeriod.objects.values_list("start", "end")) == [
        (dt.time(9, 0), dt.time(12, 0)), (dt.time(13, 30), dt.time(17, 30))]


def test_loading_the_defaults_again_adds_no_duplicates(db):
    counts = (Category.objects.count(), RequestType.objects.count(), Tier.objects.count(),
              WorkingPeriod.objects.count())
    defaults_migration().load_defaults(apps, None)
    assert counts == (Category.objects.count(), RequestType.objects.count(), Tier.objects.count(),
                      WorkingPeriod.objects.count())


def test_the_test_cast_plays_on_top_of_the_defaults(cast):
    assert Tier.objects.get(code="A2") == cast.tier_a2
    assert RequestType.objects.get(code="complaint") == cast.complaint
    assert cast.sanitation.level == 3 and Category.objects.filter(level=1).count() == 12 + 2
