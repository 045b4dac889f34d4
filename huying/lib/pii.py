"""Personal data in free text (个人信息): phone numbers, ID-card numbers and vehicle plates, found and masked.

Residents write their numbers into descriptions ("联系我13912345678", "车牌鄂A12345挡住消防通道"). The text
is needed whole by the unit handling the case; everywhere else (staff texts and e-mails, exports for
analysis, logs, the public record) it is shown masked. An ID number counts only when its GB 11643 check
digit is right, so a long order or account number is not mistaken for one. Numbers typed in full-width forms
(１３９…, on many Chinese input methods) are found as well: the patterns read a copy with those forms folded.
"""

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass

# Mainland mobiles, with or without +86 and separators: 139 1234 5678, +86-139-1234-5678.
MOBILE = re.compile(r"(?<![\d])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![\d])")
# Landlines with an area code, set off by a separator or brackets: 027-87654321, 010-8456-1234, (010)84561234.
# Without one, 0 + 10 digits is too often something else.
LANDLINE = re.compile(r"(?<![\d-])(?:0\d{2,3}[- ]|\(0\d{2,3}\)[- ]?)\d{3,4}[- ]?\d{4}(?![\d])")
# A local number without its area code (84561234, 8456-1234): eight digits that cannot begin with 0 or 1. Kept
# apart from numbers it is not: a date (20260930), an amount or a count (84561234元), a decimal, a code.
LOCAL = re.compile(r"(?<![0-9A-Za-z.¥$+-])[2-9]\d{3}[- ]?\d{4}(?![0-9A-Za-z]|[.:-]\d)")
UNIT_AFTER = re.compile(r"[元块万千亿角毛分%‰米平㎡个件次人户辆号年月日天时秒克斤吨度方升步页条字股份张本位名路]")
CODE_WORDS = ("金额", "费用", "价格", "合计", "共计", "编号", "单号", "订单", "账号", "帐号", "户号", "卡号", "学号",
              "工号", "合同", "发票", "快递", "运单", "邮编", "编码", "代码", "尾号", "表号")
DATE_LIKE = re.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")
# Two halves set apart that are years or clock times: 2025-2026, 2200-0600.
SPAN_LIKE = re.compile(r"(?:19|20)\d\d[- ](?:19|20)\d\d|(?:[01]\d|2[0-3])[0-5]\d[- ](?:[01]\d|2[0-3])[0-5]\d")
# A seven-digit local number only where the text says it is one: "座机：5123456".
LOCAL_SAID = re.compile(r"(?:电话|座机|固话|号码|致电|拨打)[^\d\n]{0,4}?(?<![0-9A-Za-z])"
                        r"(?P<number>[2-9]\d{2}[- ]?\d{4})(?![0-9A-Za-z]|[.:-]\d)")
# 18-digit ID numbers (the last may be X); 15-digit ones from before 1999.
ID_CARD = re.compile(r"(?<![\dA-Za-z])(\d{17}[\dXx]|\d{15})(?![\dA-Za-z])")
# Plates: province abbreviation, issuing-office letter, then five (six for new-energy) letters or digits.
PLATE = re.compile(r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][·•]?"
                   r"[A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警港澳](?![A-Za-z0-9])")

# NFKC of the full-width forms (Ａ-Ｚ, ０-９, （, －, +…) and the ideographic space: one character each, so
# positions in the folded copy are positions in the text. Only these: NFKC of the rest would turn ① into 1 or ²
# into 2 and glue a list mark or an exponent to the number after it.
FOLDED = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0xFF01, 0xFF5F)} | {0x3000: " "}


def folded(text: str) -> str:
    """`text` with full-width letters, digits and signs in their ASCII forms; as long as `text`."""
    return text if text.isascii() else text.translate(FOLDED)


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


def _not_a_phone(text: str, match: re.Match[str]) -> bool:
    """Whether the local number `match` in the folded `text` reads as a date, a span, an amount or a code."""
    digits = re.sub(r"\D", "", match.group())
    before = text[max(0, match.start() - 4):match.start()]
    return bool(DATE_LIKE.fullmatch(digits) or SPAN_LIKE.fullmatch(match.group()) or UNIT_AFTER.match(text, match.end())
                or any(word in before for word in CODE_WORDS))


def pii_find(text: str) -> list[Found]:
    """Every phone number, valid ID-card number and plate in `text`, in order, without overlaps."""
    plain = folded(text)
    found: list[Found] = []

    def add(kind: str, start: int, end: int) -> None:
        if not any(f.start < end and start < f.end for f in found):
            found.append(Found(kind, start, end, text[start:end]))

    for match in ID_CARD.finditer(plain):
        if id_card_valid(match.group(1)):
            add("id_card", match.start(1), match.end(1))
    for pattern in (MOBILE, LANDLINE):
        for match in pattern.finditer(plain):
            add("phone", match.start(), match.end())
    for match in LOCAL_SAID.finditer(plain):
        add("phone", match.start("number"), match.end("number"))
    for match in LOCAL.finditer(plain):
        if not _not_a_phone(plain, match):
            add("phone", match.start(), match.end())
    for match in PLATE.finditer(plain):
        add("plate", match.start(), match.end())
    return sorted(found, key=lambda f: f.start)


AREA_CODE = re.compile(r"\(?0\d{2,3}\)?(?=[- ]|\d{3,4}[- ]?\d{4}$)")


def _masked(found: Found) -> str:
    text, plain = found.text, folded(found.text)
    if found.kind == "id_card":  # the region of issue and the last four: enough to tell two apart
        return text[:6] + "*" * (len(text) - 10) + text[-4:]
    if found.kind == "plate":
        return text[:2] + "*" * (len(text) - 2)
    prefix = COUNTRY.match(plain) if sum(ch.isdigit() for ch in plain) == 13 else None  # +86 stays as written
    head = len(prefix.group()) if prefix else 0
    digits = [i for i, ch in enumerate(plain) if i >= head and ch.isdigit()]
    if len(digits) == 11 and plain[digits[0]] == "1":  # a mobile keeps its first three and last four
        keep = set(digits[:3] + digits[-4:])
    else:  # a landline keeps its area code, if written, and its last four
        area = AREA_CODE.match(plain)
        keep = {i for i in digits if area and i < area.end()} | set(digits[-4:])
    return "".join(ch if i < head or not plain[i].isdigit() or i in keep else "*" for i, ch in enumerate(text))


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
    if not text:
        return text
    parts, last = [], 0
    for match in EMAIL.finditer(folded(text)):
        parts += [text[last:match.start()], text[match.start()], "***", text[match.end(1):match.end()]]
        last = match.end()
    parts.append(text[last:])
    return "".join(parts)


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
# (我叫…, 本人…, 联系人：…, 邻居…, 业主…, or a full name before 先生/女士/阿姨/师傅), and only when it starts
# with a common surname. The surname stays ("王**"); "王先生" alone says no more than a surname and stays as it is.
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
                      "任课 高中 高校 万元 张贴 阳台 凌晨 连续 连日 宁愿 申报 申诉 申请 任意 管道 关门 向物 钱款 金属 "
                      "石材 党建 江水 温水".split())
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
# After the person's relation to the resident: "邻居王建国家装修", "业主李明说", "物业的张伟不管". A title is
# no given name ("物业的王经理": 王 says no more than 王先生).
TITLES = "书记|主任|科长|局长|处长|队长|经理|站长|所长|组长|部长|主管|网格员|干事|警官"
RELATIONS = "邻居|户主|业主|房东|房主|租户|保安|门卫|物业的"
_RELATED_NAME = rf"(?P<surname>{SURNAMES})(?P<given>(?!{TITLES}){_GIVEN}{{1,2}})"
_RELATED_ENDS = rf"{_NAME_ENDS}|[家说不也都又总就还却把被让给跟和与对找没每经一]"
RELATED = re.compile(rf"(?:{RELATIONS})[:：]?\s*{_RELATED_NAME}(?={_RELATED_ENDS})")
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
    for pattern in (INTRODUCED, RELATED, ADDRESSED, SURNAME_THEN_GIVEN):
        text = pattern.sub(_given_starred, text) if text else text
    return text


def public_text(text: str) -> str:
    """`text` fit for the public record (公示): phones, ID numbers, plates, e-mail addresses and introduced
    names masked."""
    return names_mask(email_mask(pii_mask(text)))


# --- Door numbers (门牌): where in a building someone lives ------------------------------------------------------

# A number, in digits (full-width too) or in Chinese numerals (六〇一, 十二): 3, 12, 二, 六〇一.
_NUMERAL = "0-9０-９一二三四五六七八九十百零〇○两"
_NUM = rf"[{_NUMERAL}]+"
# What makes a door of a number: 3栋, 2单元, 501室, 12号楼, 幸福路8号, 十二层, B座, 2门 (the second entrance);
# never 9月30号, 地铁2号线 or 一门心思.
_DOOR_AFTER = (rf"号楼|号院|号门|号房|栋|幢|座|单元|室|层|楼(?![盘道梯])|号(?![线码])"
               rf"|门(?=[{_NUMERAL}]|[\s,.;，。；、)）]|$|的)")
_BEFORE_DOOR = rf"(?<![0-9０-９月年日])(?:[A-Za-z]?{_NUM}[A-Za-z]?|[A-Za-z](?=栋|幢|座|单元))(?={_DOOR_AFTER})"
# A bare room number after the building, unit or entrance: 3号楼501, 二单元六〇一, 2门301; never a distance, a
# time or a count (3号楼100米, 2单元10点).
_ROOM_AFTER = (rf"(?:(?<=号楼)|(?<=单元)|(?<=[栋幢座])|(?<=[{_NUMERAL}]门))[A-Za-z]?{_NUM}[A-Za-z]?"
               rf"(?![{_NUMERAL}A-Za-z]|[-.:：]\d|米|公里|千米|路|号线|分|小时|点|天|年|月|日|元|块|个|人|户|次|辆|部|台|层)")
DOOR_NUMBER = re.compile(rf"{_BEFORE_DOOR}|{_ROOM_AFTER}")
DASHED_DOOR = re.compile(r"(?<![\d-])\d{1,3}-(?:\d{1,2}-)?\d{3,5}(?![\d-])")  # 3-2-501, 3-501


def doors_mask(text: str) -> str:
    """`text` with the numbers that place a door starred (3栋2单元501室 → *栋*单元*室, 3-2-501 → *)."""
    return DOOR_NUMBER.sub("*", DASHED_DOOR.sub("*", text)) if text else text
