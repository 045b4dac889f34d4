"""Personal data in free text (个人信息): phone numbers, ID-card numbers and vehicle plates, found and masked.

Residents write their numbers into descriptions ("联系我13912345678", "车牌鄂A12345挡住消防通道"). The text
is needed whole by the unit handling the case; everywhere else (staff texts and e-mails, exports for
analysis, logs, the public record) it is shown masked. An ID number counts only when its GB 11643 check
digit is right, so a long order or account number is not mistaken for one.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass

# Mainland mobiles, with or without +86 and separators: 139 1234 5678, +86-139-1234-5678.
MOBILE = re.compile(r"(?<![\d])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![\d])")
# Landlines with an area code and a separator (without one, 0 + 10 digits is too often something else).
LANDLINE = re.compile(r"(?<![\d-])0\d{2,3}[- ]\d{7,8}(?![\d])")
# 18-digit ID numbers (the last may be X); 15-digit ones from before 1999.
ID_CARD = re.compile(r"(?<![\dA-Za-z])(\d{17}[\dXx]|\d{15})(?![\dA-Za-z])")
# Plates: province abbreviation, issuing-office letter, then five (six for new-energy) letters or digits.
PLATE = re.compile(r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][·•]?"
                   r"[A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警港澳](?![A-Za-z0-9])")

COUNTRY = re.compile(r"\+?86[- ]?(?=1)")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class Found:
    kind: str  # "phone", "id_card", "plate"
    start: int
    end: int
    text: str


def id_card_valid(number: str) -> bool:
    """An 18-digit number whose check digit matches (GB 11643-1999), or a 15-digit one with a plausible date."""
    if len(number) == 15:
        month, day = int(number[8:10]), int(number[10:12])
        return 1 <= month <= 12 and 1 <= day <= 31
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == number[17].upper()


def pii_find(text: str) -> list[Found]:
    """Every phone number, valid ID-card number and plate in `text`, in order, without overlaps."""
    found: list[Found] = []
    for match in ID_CARD.finditer(text):
        if id_card_valid(match.group(1)):
            found.append(Found("id_card", match.start(1), match.end(1), match.group(1)))
    for kind, pattern in (("phone", MOBILE), ("phone", LANDLINE), ("plate", PLATE)):
        for match in pattern.finditer(text):
            if not any(f.start < match.end() and match.start() < f.end for f in found):
                found.append(Found(kind, match.start(), match.end(), match.group()))
    return sorted(found, key=lambda f: f.start)


def _masked(found: Found) -> str:
    text = found.text
    if found.kind == "id_card":  # the region of issue and the last four: enough to tell two apart
        return text[:6] + "*" * (len(text) - 10) + text[-4:]
    if found.kind == "plate":
        return text[:2] + "*" * (len(text) - 2)
    prefix = COUNTRY.match(text)  # +86 stays as written; the number itself keeps its first three and last four
    head, number = (text[:prefix.end()], text[prefix.end():]) if prefix else ("", text)
    digits = [i for i, ch in enumerate(number) if ch.isdigit()]
    keep = set(digits[:3] + digits[-4:])
    return head + "".join(ch if not ch.isdigit() or i in keep else "*" for i, ch in enumerate(number))


def pii_mask(text: str) -> str:
    """`text` with every phone, ID-card number and plate masked (139****5678, 420102********1234, 鄂A*****)."""
    if not text:
        return text
    parts, last = [], 0
    for found in pii_find(text):
        parts += [text[last:found.start], _masked(found)]
        last = found.end
    parts.append(text[last:])
    return "".join(parts)


# E-mail addresses: the domain stays (enough to tell which provider refused a message), the local part goes.
# The domain must end in letters, so user@127.0.0.1 in a connection string is not taken for one.
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]+)@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})(?![A-Za-z0-9-])")


def email_mask(text: str) -> str:
    """`text` with each e-mail address's local part masked but its first character (z***@example.com)."""
    return EMAIL.sub(lambda m: f"{m.group(1)[0]}***@{m.group(2)}", text) if text else text


def caller_key(phone: str, *, secret: str) -> str:
    """A stable pseudonym of a phone number (来电人标识): 12 hex characters of an HMAC keyed by `secret`.

    The same number written differently (+86 139-1234-5678, 13912345678) gives the same key, so repeat callers
    can be counted without the number; without the secret the key cannot be turned back into it. Empty in,
    empty out.
    """
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    digits = digits.removeprefix("00")
    if len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]
    if not digits:
        return ""
    return hmac.new(secret.encode(), f"huying.caller:{digits}".encode(), hashlib.sha256).hexdigest()[:12]


# Personal names in the public record (公示). Conservative: a name is masked only where the text says it is one
# (我叫…, 本人…, 联系人：…, or a full name before 先生/女士/阿姨/师傅), and only when it starts with a common
# surname. The surname stays ("王**"); "王先生" alone says no more than a surname and stays as it is.
# Surnames that are also everyday words in requests (时间, 安全, 文明, 司机, 车辆, 路灯…) are left out.
SURNAMES = ("欧阳|司马|诸葛|上官|东方|皇甫|令狐|慕容|尉迟|长孙|夏侯|"
            "[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
            "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
            "向汤温康施牛樊葛邢齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕季裴霍涂"
            "苗谷盛曲翁冉骆蓝游辛靳管柴蒙鲍华喻祁蒲房滕屈饶牟艾尤阳穆卓吉缪简项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米"
            "柏宗瞿桂佟臧闵苟邬卞姬仇栾隋刁荣巫寇桑郎甄丛仲虞敖巩佘苑迟邝]")
# Words that start with a surname and are no name: "我是高层住户", "联系人：方便的话".
NOT_NAMES = frozenset("高层 高楼 高空 高速 马路 马上 方便 方面 方向 白天 金额 万一 任何 严重 夏天 关于 管理 江边 石头 "
                      "温度 施工 齐全 宁可 尚未 包括 游客 房子 房东 房屋 宫殿 党员 党组 卫生 米饭 柏油 蓝色 华为 "
                      "苗木 谷物 盛夏 曲线 景区 费用 冷气 席位 于是 于今 程度 范围 余下 许多 董事 田地 叶子 苏醒 "
                      "任课 高中 高校 万元".split())
HONORIFICS = "先生|女士|小姐|阿姨|师傅|大爷|大妈|大姐|大哥|老师|同志|奶奶|爷爷|叔叔"
# Characters that end a name rather than belong to it: the function words that follow one in a sentence.
NOT_IN_NAME = "的是在住家电手联和与及跟给说了过到把被让叫请找向对从要想会能也都就不没有这那上下来去派打反映老委"
# Words after which a name may start (besides punctuation and the start of the text): "联系王小明先生".
BEFORE_NAME = "是叫找给和与跟向对请让系的了到由"
_GIVEN = rf"(?!{HONORIFICS})[^\W\d_A-Za-z{NOT_IN_NAME}]"  # a Han character that is not a function word
_NAME = rf"(?P<surname>{SURNAMES})(?P<given>{_GIVEN}{{1,2}})"
_NAME_ENDS = rf"[\s\d,.;:!?，。；：！？、（）()]|$|{HONORIFICS}|电话|手机|联系|住|家住|的|是|在"
# After an introduction: "我叫王小明，", "本人王小明13912345678", "联系人：王小明 ".
INTRODUCERS = "我叫|我是|本人|名叫|叫做|姓名|联系人|诉求人|报事人|反映人"
INTRODUCED = re.compile(rf"(?:{INTRODUCERS})[:：]?\s*{_NAME}(?={_NAME_ENDS})")
# A full name before a form of address: "王小明先生", "李红阿姨" (never "马上派师傅": 上 cannot be in a name).
ADDRESSED = re.compile(rf"(?:(?<![\u4e00-\u9fff])|(?<=[{BEFORE_NAME}])){_NAME}(?={HONORIFICS})")
# "姓王，名小明" / "姓王叫小明".
SURNAME_THEN_GIVEN = re.compile(rf"姓(?P<surname>{SURNAMES})[，,]?\s*(?:名叫|名字叫|叫|名)(?P<given>{_GIVEN}{{1,2}})")


def _given_starred(match: re.Match[str]) -> str:
    """The match with the given name starred, one star a character; unchanged when it is a word, not a name."""
    text, start = match.group(0), match.start(0)
    if (match.group("surname") + match.group("given"))[:2] in NOT_NAMES:
        return text
    return text[: match.start("given") - start] + "*" * len(match.group("given")) + text[match.end("given") - start:]


def names_mask(text: str) -> str:
    """`text` with the given names of people it introduces masked, the surname kept (我叫王小明 → 我叫王**)."""
    for pattern in (INTRODUCED, ADDRESSED, SURNAME_THEN_GIVEN):
        text = pattern.sub(_given_starred, text) if text else text
    return text


def public_text(text: str) -> str:
    """`text` fit for the public record (公示): phones, ID numbers, plates, e-mail addresses and introduced
    names masked."""
    return names_mask(email_mask(pii_mask(text)))
