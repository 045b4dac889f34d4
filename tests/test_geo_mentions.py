"""Reading place mentions out of a text (no registry, no database)."""

import pytest

from huying.geo.mentions import compound_split, mentions_find, without_admin_prefix, without_filler
from huying.lib.text import chinese_number, normalise_address


@pytest.mark.parametrize(("written", "normalised"), [
    ("示范区幸福里 3 号楼2单元", "示范区幸福里3栋2单元"),
    ("幸福里三栋", "幸福里3栋"),
    ("金融大厦Ｂ座", "金融大厦b栋"),
    ("梧桐雅居3#楼", "梧桐雅居3栋"),
    ("锦绣华庭5幢", "锦绣华庭5栋"),
    ("二十三号楼五〇一室", "23栋501室"),
    ("幸福里3 2 501", "幸福里3-2-501"),
    ("幸福里3—2—501", "幸福里3-2-501"),
])
def test_address_spellings_become_one(written, normalised):
    assert normalise_address(written) == normalised


def test_chinese_numbers_are_only_read_before_a_building_word():
    assert normalise_address("三里屯一品苑七栋") == "三里屯一品苑7栋"
    assert normalise_address("两栋楼都停水") == "两栋楼都停水"  # "both buildings", not building 2


@pytest.mark.parametrize(("word", "number"), [("三", 3), ("十", 10), ("十七", 17), ("二十三", 23), ("一百零二", 102),
                                              ("五〇一", 501)])
def test_chinese_numbers_are_read(word, number):
    assert chinese_number(word) == number


def mentions(text: str) -> list[tuple[str, str, str, str]]:
    return [(m.kind, m.name, m.building, m.detail) for m in mentions_find(normalise_address(text))]


def buildings(text: str) -> list[tuple[str, str, str, str]]:
    return [found for found in mentions(text) if found[0] == "building"]


def test_a_building_mention_keeps_the_words_before_its_number_and_the_unit_detail():
    assert mentions("我家住在幸福里三号楼二单元501室") == [("building", "我家住在幸福里", "3", "2单元501")]


def test_building_unit_room_with_dashes():
    assert mentions("幸福里3-2-501") == [("building", "幸福里", "3", "2单元501")]


def test_a_letter_building_in_full_width_is_read():
    assert buildings("金融大厦Ｂ座") == [("building", "金融大厦", "b", "")]


def test_a_floor_after_the_building_is_detail_not_another_building():
    assert buildings("翠柳新村3栋5楼") == [("building", "翠柳新村", "3", "5楼")]


def test_a_compound_word_makes_a_compound_mention():
    assert ("compound", "投诉阳光花园", "", "") in mentions("投诉阳光花园物业")


def test_road_and_door_number():
    found = [m for m in mentions_find(normalise_address("住在解放大道1234号3栋")) if m.kind == "road"]
    assert [(m.name, m.door, m.building) for m in found] == [("住在解放大道", "1234", "3")]


def test_dates_and_phone_numbers_make_no_mention():
    assert mentions("2023年5月3日拨打13912345678") == []


def test_a_number_with_no_words_before_it_is_no_mention():
    assert mentions("3-2-501天天吵，2楼也听得见") == []


def test_compound_words_and_prefixes_are_split_off():
    assert compound_split("幸福里小区") == ("幸福里", "小区")
    assert compound_split("花园") == ("花园", "")
    assert without_admin_prefix("示范区幸福里小区") == "幸福里小区"
    assert without_admin_prefix("城市花园") == "城市花园"
    assert without_filler("阳光花园2期") == without_filler("阳光花园的") == "阳光花园"
