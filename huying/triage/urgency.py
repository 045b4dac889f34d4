"""Matters that cannot wait (紧急研判): gas, fire, collapse, flooding, live wires, a person in danger, an elderly
person alone and unwell. Rules, not a model: each names the danger it saw and the words that showed it, so the
operator can confirm the emergency path (or not) in one glance, and a missed case is fixed by adding a word.

A rule is a danger word and, where the word alone is too common, a sign word near it ("燃气" is urgent with
"泄漏/味道/漏气", not with "燃气费"). Negated mentions ("没有闻到燃气味") and settled ones ("已经修好") do not count.
"""

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NEAR = 12  # characters between a danger word and its sign word that still read as one statement

# (danger, danger words, sign words that must stand near them — empty: the word alone is enough)
RULES: tuple[tuple[str, str, str], ...] = (
    ("gas", r"燃气|煤气|天然气|液化气|瓦斯", r"泄漏|泄露|漏气|气味|味道|异味|味儿|臭味|闻到|爆炸|嘶嘶"),
    ("fire", r"着火|起火|失火|火灾|火情|燃起来|烧起来|火苗|明火|浓烟|烟雾弥漫|楼道冒烟|屋里冒烟|家里冒烟", r""),
    ("collapse", r"坍塌|倒塌|垮塌|塌陷|塌方|地陷|房屋开裂|墙体开裂|随时会倒|摇摇欲坠|掉下来|高空坠物|脱落", r""),
    ("flood", r"淹|内涝|倒灌|漫进|水漫|积水", r"齐腰|过膝|进屋|进家|家里|车库|电梯|地下室|很深|越来越深|被困|淹没"),
    ("burst_main", r"爆管|水管爆裂|管道爆裂|水管破裂|管道破裂", r""),
    ("live_wire", r"电线|电缆|高压线|变压器|配电箱|电箱", r"断|掉落|垂落|裸露|漏电|打火|火花|冒火|着火|冒烟|触电|带电"),
    ("electrocution", r"漏电|触电", r""),
    ("person", r"被困|困在|困人|落水|溺水|轻生|跳楼|自杀|跳河|昏迷|晕倒|不省人事|倒地不起|持刀|砍人|打人|流血|走失",
     r""),
    ("elderly_alone", r"独居|空巢|孤寡|一个人住|独自在家", r"老人|老太|老大爷|老奶奶|老爷爷|老伯|阿姨|大爷"),
)
# What each rule is called where people read it (the console, the case page, staff alerts).
DANGER_LABELS: dict[str, Promise] = {
    "gas": _("燃气泄漏"),
    "fire": _("火情"),
    "collapse": _("坍塌或坠落危险"),
    "flood": _("严重积水"),
    "burst_main": _("水管爆裂"),
    "live_wire": _("电线险情"),
    "electrocution": _("漏电触电"),
    "person": _("人身危险"),
    "elderly_alone": _("独居老人身体异常"),
}
# An elderly person alone counts as urgent only when something is wrong with them.
UNWELL = re.compile(r"生病|病了|不舒服|摔倒|摔了|晕倒|昏迷|联系不上|没人应|不开门|天没出门|没有动静|卧床|发烧"
                    r"|呼吸困难")
NEGATED = re.compile(r"(没有|没|未|并未|不再|无)(闻到|发现|看到|出现)?.{0,3}$")
SETTLED = re.compile(r"已经?(修好|处理好|处理完|解决|恢复|扑灭|排除)")


@dataclass(frozen=True)
class Urgent:
    danger: str  # one of the RULES' names
    evidence: str  # the words that showed it, as written


COMPILED = [(name, re.compile(words), re.compile(signs) if signs else None) for name, words, signs in RULES]


def urgency_detect(text: str) -> list[Urgent]:
    """The dangers `text` describes, with their evidence; empty when nothing in it cannot wait."""
    if not text:
        return []
    found: list[Urgent] = []
    for name, words, signs in COMPILED:
        hit = _first_hit(text, words, signs)
        if hit is None:
            continue
        if name == "elderly_alone" and not UNWELL.search(text):
            continue
        found.append(Urgent(name, hit))
    return found


def _first_hit(text: str, words: re.Pattern, signs: re.Pattern | None) -> str | None:
    for match in words.finditer(text):
        if NEGATED.search(text[max(0, match.start() - 8):match.start()]):
            continue
        window = text[max(0, match.start() - NEAR):match.end() + NEAR]
        if SETTLED.search(window):
            continue
        if signs is None:
            return match.group()
        sign = signs.search(window)
        if sign is not None and not NEGATED.search(window[:sign.start()][-8:]):
            return window[min(match.start() - max(0, match.start() - NEAR), sign.start()):
                          max(match.end() - max(0, match.start() - NEAR), sign.end())]
    return None
