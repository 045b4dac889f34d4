"""Names for the fictional demo district: places, units and people, all made up for Huying."""

import random

CITY = ("示范市", "Shifan City")
DISTRICT = ("示范区", "Shifan District")

# (street, its English name, its three communities)
STREETS = (
    ("东湖街道", "Donghu Street", ("幸福里社区", "桃园社区", "翠柳社区")),
    ("西山街道", "Xishan Street", ("光明社区", "和平社区", "建设社区")),
    ("南湖街道", "Nanhu Street", ("锦绣社区", "长青社区", "新华社区")),
)

# (name, English name): district departments (区直部门) and utilities (公用事业单位).
DEPARTMENTS = (
    ("园林局", "Parks and Greening Bureau"),
    ("水务局", "Water Affairs Bureau"),
    ("城管委", "Urban Management Committee"),
    ("房管局", "Housing Administration Bureau"),
    ("市场监管局", "Market Regulation Bureau"),
    ("交管大队", "Traffic Police Brigade"),
    ("住建局", "Housing and Construction Bureau"),
    ("生态环境分局", "Ecology and Environment Sub-bureau"),
)
UTILITIES = (
    ("供水公司", "Water Supply Company"),
    ("供电公司", "Power Supply Company"),
    ("燃气公司", "Gas Company"),
    ("热力公司", "Heating Company"),
)

ROADS = (
    "东湖路", "和平大道", "解放路", "建设大道", "友谊路", "青年路",
    "胜利街", "民主路", "长江路", "育才路", "丹水路", "振兴路",
)

# Two-character stems, none a substring of another compound's name: each compound is found by its stem.
COMPOUND_STEMS = (
    "幸福", "阳光", "翠柳", "锦绣", "长青", "新华", "光明", "和平", "桃园", "梧桐",
    "丹桂", "紫荆", "银杏", "海棠", "玉兰", "香樟", "枫林", "松涛", "竹韵", "金桥",
    "银河", "星辰", "月湖", "晴川", "云帆", "鹏程", "安居", "乐业", "康宁", "祥瑞",
    "嘉禾", "瑞景", "怡景", "碧波", "翡翠", "琥珀", "青藤", "白鹭", "黄鹂", "百灵",
    "芙蓉", "牡丹", "芍药", "荷塘", "蓝湾", "金色", "世纪", "朝晖", "晨曦", "东方",
    "华庭", "御景", "书香", "墨香", "汉水", "楚天", "江南", "江北", "临江", "望江",
    "观澜", "听涛", "清风", "明月", "春晓", "夏荷", "秋实", "冬青", "四季", "万福",
    "恒安", "永宁", "福星", "吉庆", "鸿运", "泰和", "德润", "仁和", "礼贤", "智谷",
    "信诚", "博雅", "启航", "远洋", "天润", "地杰", "人和", "水岸", "山语", "林语",
)
COMPOUND_SUFFIXES = ("里小区", "苑", "花园", "家园", "新村", "小区", "公馆", "雅居")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文红玉兰海燕志辉晓峰亮春梅丹萍鹏飞慧"

PROPERTY_FIRMS = ("安居物业", "长盛物业", "佳和物业", "恒信物业", "金盾物业", "宜家物业", "同心物业", "惠民物业",
                  "锦程物业")
COBUILDING = ("示范区第一中学", "示范区人民医院", "示范区税务局", "示范区实验小学", "示范区消防救援站",
              "示范区图书馆", "示范区检察院", "示范区中心医院", "示范区职业学校")


def person_name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(SURNAMES) + given


def caller_name(rng: random.Random) -> str:
    """How a hotline record names a caller: surname and 先生/女士, sometimes the full name."""
    if rng.random() < 0.25:
        return person_name(rng)
    return rng.choice(SURNAMES) + rng.choice(("先生", "女士"))


def office_phone(rng: random.Random) -> str:
    return f"027-8{rng.randrange(10**7):07d}"


def mobile_phone(rng: random.Random) -> str:
    prefix = rng.choice(("130", "131", "132", "135", "137", "138", "139", "150", "151", "156", "177", "186", "189"))
    return f"{prefix}{rng.randrange(10**8):08d}"
