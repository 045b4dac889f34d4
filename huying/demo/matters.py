"""The demo's tiered-response list: which matter goes to which tier and department, and how often it comes.

Categories are looked up by name at run time (the first name found wins), so the demo follows whatever
category tree the deployment has; a matter whose category is missing is skipped.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Matter:
    key: str
    names: tuple[str, ...]  # category names to look for, most specific first
    tier: str  # A1 grid, A2 community, B street, C district, D city
    department: str | None = None  # a department or utility for C-tier matters
    weight: float = 1.0  # share of the case mix
    types: dict[str, float] = field(default_factory=dict)  # request-type mix overriding the default
    months: tuple[int, ...] = ()  # the only months it comes up in (heating: the cold season); empty: all year


# Weights give roughly half the cases to grids and communities, a fifth to streets and the rest to
# departments: the shape of a district where most problems are solved close to home.
MATTERS = (
    Matter("sanitation", ("市容环卫", "环境卫生", "垃圾清运", "生活垃圾"), "A2", weight=16),
    Matter("property", ("物业管理", "物业服务", "物业"), "A2", weight=12),
    Matter("parking", ("停车", "停车管理", "乱停乱放", "车辆乱停"), "A1", weight=8),
    Matter("community_service", ("社区服务", "社区管理", "养老服务", "社会保障"), "A2", weight=4,
           types={"consult": 50, "help": 30, "suggestion": 15, "praise": 5}),
    Matter("pets", ("犬只管理", "宠物", "养犬管理", "饲养动物"), "A2", weight=3),
    Matter("street_vending", ("占道经营", "流动摊贩", "占道"), "B", weight=7),
    Matter("noise", ("噪声", "噪声污染", "噪音扰民", "噪声扰民"), "B", weight=8),
    Matter("illegal_building", ("违章建筑", "违法建设", "私搭乱建"), "B", weight=3),
    Matter("greening", ("园林绿化", "绿化管理", "树木修剪"), "C", "园林局", weight=3),
    Matter("water_supply", ("供水", "供水服务", "停水", "自来水"), "C", "供水公司", weight=4),
    Matter("power_supply", ("供电", "供电服务", "停电", "电力"), "C", "供电公司", weight=2.5),
    Matter("gas", ("燃气", "燃气服务", "天然气"), "C", "燃气公司", weight=1.5),
    Matter("heating", ("供暖", "供热", "热力", "集中供暖"), "C", "热力公司", weight=1.5, months=(11, 12, 1, 2, 3)),
    Matter("food_safety", ("食品安全", "食品药品"), "C", "市场监管局", weight=2),
    Matter("drainage", ("排水", "排水设施", "下水道", "积水"), "C", "水务局", weight=2.5),
    Matter("traffic", ("交通秩序", "交通管理", "道路交通", "交通设施"), "C", "交管大队", weight=2),
    Matter("housing", ("房屋安全", "房屋管理", "房屋质量", "住房保障"), "C", "房管局", weight=2),
    Matter("pollution", ("大气污染", "油烟污染", "环境污染", "生态环境"), "C", "生态环境分局", weight=1.5),
    Matter("consumer", ("消费维权", "市场监管", "价格监管", "消费纠纷"), "C", "市场监管局", weight=1.5,
           types={"complaint": 60, "consult": 20, "report": 20}),
    Matter("municipal", ("市政设施", "路灯", "道路设施", "井盖"), "C", "城管委", weight=2),
    Matter("construction", ("建筑施工", "工地管理", "施工管理"), "C", "住建局", weight=1.5),
)

# The default request-type mix (complaints and requests for help dominate a 12345 line).
TYPE_MIX = {"complaint": 36, "help": 30, "consult": 14, "report": 8, "suggestion": 8, "praise": 4}

# How requests arrive: the hotline carries most, the one-key emergency call very few.
CHANNEL_MIX = {
    "hotline": 52, "web": 12, "qr": 8, "patrol": 11, "upstream": 7, "business": 3, "visit": 3,
    "opinion": 1.5, "forum": 1, "emergency": 0.5,
}

# Matters where a call is often urgent: gas smells, burst pipes, outages.
URGENT_SHARE = {"gas": 0.5, "water_supply": 0.15, "power_supply": 0.15, "drainage": 0.1, "housing": 0.1}
