"""Phones, ID-card numbers and plates found in free text and masked; look-alike numbers left alone.

Every number here is made up for the test; the ID numbers get a correct check digit from the rule itself."""

import pytest

from huying.lib.pii import ID_CHECK, ID_WEIGHTS, id_card_valid, pii_find, pii_mask


def with_check_digit(first17: str) -> str:
    return first17 + ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


ID = with_check_digit("42010219850101123")


def test_a_valid_id_number_is_recognised_by_its_check_digit_and_a_wrong_one_is_not():
    assert id_card_valid(ID)
    wrong = ID[:-1] + ("0" if ID[-1] != "0" else "1")
    assert not id_card_valid(wrong)
    assert [f.kind for f in pii_find(f"身份证{wrong}")] == []  # an order number of the same length stays


@pytest.mark.parametrize(("text", "masked"), [
    ("联系我13912345678谢谢", "联系我139****5678谢谢"),
    ("电话：+86 139 1234 5678", "电话：+86 139 **** 5678"),
    ("座机027-87654321", "座机027-****4321"),
    (f"身份证号{ID}", f"身份证号420102********{ID[-4:]}"),
    ("车牌鄂A12345挡住消防通道", "车牌鄂A*****挡住消防通道"),
    ("新能源车粤BD12345", "新能源车粤B******"),
])
def test_each_kind_is_masked_where_it_stands(text, masked):
    assert pii_mask(text) == masked


@pytest.mark.parametrize("text", [
    "工单号HY20261122000123", "幸福里3号楼2单元1201室", "2026年9月30日10点", "订单12345678901234567890",
    "门牌号13912345678901",  # digits run on: not a phone
])
def test_look_alikes_are_left_alone(text):
    assert pii_find(text) == [] and pii_mask(text) == text


def test_several_in_one_text_are_all_found_in_order_without_overlap():
    text = f"张三{ID}，手机13912345678，车鄂A12345"
    assert [f.kind for f in pii_find(text)] == ["id_card", "phone", "plate"]
    assert "13912345678" not in pii_mask(text) and ID not in pii_mask(text)
