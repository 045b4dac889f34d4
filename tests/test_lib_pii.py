"""Phones, ID-card numbers and plates found in free text and masked; look-alike numbers left alone.

Every number here is made up for the test; the ID numbers get a correct check digit from the rule itself."""

import pytest

from huying.lib.pii import (
    ID_CHECK,
    ID_WEIGHTS,
    caller_key,
    doors_mask,
    email_mask,
    id_card_valid,
    names_mask,
    pii_find,
    pii_mask,
    public_text,
)


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


@pytest.mark.parametrize(("text", "masked"), [
    ("座机84561234", "座机****1234"),
    ("打84561234找物业", "打****1234找物业"),  # without an area code: the last four only
    ("电话8456-1234", "电话****-1234"),
    ("010-8456-1234", "010-****-1234"),
    ("(010)84561234", "(010)****1234"),
    ("（010）8456 1234", "（010）**** 1234"),
    ("座机：5123456", "座机：***3456"),  # seven digits only where the text says it is a phone
])
def test_a_landline_is_masked_however_it_is_written_and_keeps_only_its_area_code_and_last_four(text, masked):
    assert pii_mask(text) == masked


@pytest.mark.parametrize(("text", "masked"), [
    ("电话１３８００１３８０００", "电话１３８****８０００"),
    ("１３９－１２３４－５６７８", "１３９－****－５６７８"),
    (f"身份证{ID.translate(str.maketrans('0123456789', '０１２３４５６７８９'))}",
     "身份证４２０１０２********" + ID[-4:].translate(str.maketrans("0123456789", "０１２３４５６７８９"))),
    ("车牌鄂Ａ１２３４５", "车牌鄂Ａ*****"),
    ("ｗａｎｇ@example.com", "ｗ***@example.com"),
])
def test_full_width_digits_and_letters_are_found_and_masked_in_place(text, masked):
    assert public_text(text) == masked


@pytest.mark.parametrize("text", [
    "工单号HY20261122000123", "幸福里3号楼2单元1201室", "2026年9月30日10点", "订单12345678901234567890",
    "门牌号13912345678901",  # digits run on: not a phone
    "20260930", "2026-09-30 10:30", "2025-2026学年", "夜间2200-0600施工", "8:30-17:30",  # dates and times
    "84561234元", "罚款23456789块", "¥23456789", "金额84561234", "订单号56781234", "面积3456.1234平",  # amounts, codes
    "乘坐300路公交", "地铁10号线", "快递单号SF1234567890123", "热线12345", "①13号楼",
])
def test_look_alikes_are_left_alone(text):
    assert pii_find(text) == [] and pii_mask(text) == text


def test_several_in_one_text_are_all_found_in_order_without_overlap():
    text = f"张三{ID}，手机13912345678，车鄂A12345"
    assert [f.kind for f in pii_find(text)] == ["id_card", "phone", "plate"]
    assert "13912345678" not in pii_mask(text) and ID not in pii_mask(text)


# --- e-mail addresses, caller keys and the public record (公示) ---

@pytest.mark.parametrize(("text", "masked"), [
    ("发到zhang.san@example.com了", "发到z***@example.com了"),
    ("mail a.b+c@gov.example.cn!", "mail a***@gov.example.cn!"),
    ("postgres://postgres@127.0.0.1:5432/huying", "postgres://postgres@127.0.0.1:5432/huying"),  # no domain
    ("@所有人 注意", "@所有人 注意"),
])
def test_an_email_address_keeps_its_first_character_and_domain_only(text, masked):
    assert email_mask(text) == masked


def test_a_caller_key_is_the_same_however_the_number_is_written_and_differs_between_numbers_and_secrets():
    key = caller_key("13912345678", secret="s1")
    assert len(key) == 12 and set(key) <= set("0123456789abcdef")
    assert caller_key("+86 139-1234-5678", secret="s1") == caller_key("0086 13912345678", secret="s1") == key
    assert caller_key("13912345679", secret="s1") != key
    assert caller_key("13912345678", secret="s2") != key
    assert caller_key("", secret="s1") == "" and caller_key("无", secret="s1") == ""


# Names the public record must not show (surname kept), and texts that must come out unchanged. The lists are
# the measure of names_mask: every line is a case it gets right; a new rule must keep all of them passing.
NAMES_MASKED = [
    ("我叫王小明", "我叫王**"),
    ("我叫王小明，电话13912345678", "我叫王**，电话139****5678"),
    ("本人李红13912345678，住幸福里", "本人李*139****5678，住幸福里"),
    ("我是张伟，3号楼的", "我是张*，3号楼的"),
    ("联系人：刘德华 ", "联系人：刘** "),
    ("姓名：陈静", "姓名：陈*"),
    ("我是欧阳娜娜，反映噪声", "我是欧阳**，反映噪声"),
    ("王小明先生反映楼道灯坏了", "王**先生反映楼道灯坏了"),
    ("请联系赵丽华女士", "请联系赵**女士"),
    ("找了李红阿姨两次", "找了李*阿姨两次"),
    ("姓王，名小明", "姓王，名**"),
    ("我是王明住在3楼", "我是王*住在3楼"),
    ("邻居王建国家装修", "邻居王**家装修"),
    ("户主刘德华，", "户主刘**，"),
    ("业主张三不交物业费", "业主张*不交物业费"),
    ("保安刘强一直不让进", "保安刘*一直不让进"),
    ("物业的李大为说没办法", "物业的李**说没办法"),
]
NAMES_KEPT = [
    "王先生", "我是王先生", "楼下张阿姨说的", "请李师傅来修", "请物业马上派师傅来", "我是高层住户",
    "我是业主", "我是高三学生", "我是陈述一下情况", "联系人：方便的话打电话", "我是师傅", "我是本小区居民",
    "我叫不上名字", "周末施工噪声大", "王府井大街3号", "马路边有坑", "白天黑夜都在响", "刘家湾社区",
    "物业的王经理说", "邻居家的狗", "物业的管理不到位", "业主张贴了告示", "邻居凌晨在装修", "确保安全",
    "业主方说不清", "物业的费用太高", "邻居阳台的花盆",
]


@pytest.mark.parametrize(("text", "masked"), NAMES_MASKED)
def test_an_introduced_name_keeps_only_its_surname_in_the_public_text(text, masked):
    assert public_text(text) == masked


@pytest.mark.parametrize("text", NAMES_KEPT)
def test_forms_of_address_and_words_that_start_with_a_surname_are_left_alone(text):
    assert names_mask(text) == text and public_text(text) == text


def test_the_public_text_masks_every_kind_at_once():
    text = f"我叫王小明，身份证{ID}，手机13912345678，车鄂A12345，邮箱wxm@example.com"
    assert public_text(text) == (f"我叫王**，身份证420102********{ID[-4:]}，手机139****5678，车鄂A*****，"
                                 "邮箱w***@example.com")
    assert public_text("") == "" and public_text("路灯不亮") == "路灯不亮"


# --- Door numbers (门牌) ---

@pytest.mark.parametrize(("text", "masked"), [
    ("和平里九区1号楼2门301", "和平里九区*号楼*门*"),
    ("3号楼二单元六〇一", "*号楼*单元*"),
    ("幸福里3栋2单元501室", "幸福里*栋*单元*室"),
    ("5号楼301的住户", "*号楼*的住户"),
    ("B座1203", "*座*"),
    ("住3-2-501", "住*"),
    ("解放大道1234号门前", "解放大道*号门前"),
])
def test_the_numbers_that_place_a_door_are_starred_bare_room_numbers_too(text, masked):
    assert doors_mask(text) == masked


@pytest.mark.parametrize(("text", "masked"), [
    ("9月30号反映", "9月30号反映"), ("地铁2号线出口", "地铁2号线出口"), ("一门心思", "一门心思"),
    ("乘坐300路", "乘坐300路"),
    ("2026-09-30", "2026-09-30"), ("3号楼100米处", "*号楼100米处"), ("2单元10点停水", "*单元10点停水"),
])
def test_dates_lines_distances_times_and_idioms_are_no_door(text, masked):
    assert doors_mask(text) == masked
