"""The demo district's dispatch catalogue (派单目录) over whatever category tree the deployment has."""

from dataclasses import dataclass, field

from huying.catalog.models import Category, DispatchRule, RequestType, Tier
from huying.demo.district import DemoDistrict
from huying.demo.matters import MATTERS, Matter
from huying.org.models import Unit, UnitKind

# Used only when the deployment has no catalogue at all, so the demo still runs: the real defaults win.
FALLBACK_TYPES = (("consult", "咨询"), ("help", "求助"), ("complaint", "投诉"), ("report", "举报"),
                  ("suggestion", "建议"), ("praise", "表扬"))
FALLBACK_TIERS = (
    ("A1", "网格即办", UnitKind.GRID, (30, "minutes"), (2, "hours")),
    ("A2", "社区办理", UnitKind.COMMUNITY, (2, "hours"), (1, "working_days")),
    ("B", "街道办理", UnitKind.STREET, (1, "working_days"), (3, "working_days")),
    ("C", "区级部门办理", UnitKind.DISTRICT, (1, "working_days"), (5, "working_days")),
    ("D", "市级协调", UnitKind.CITY, (2, "working_days"), (10, "working_days")),
)
FALLBACK_TREE = (
    ("01", "城市管理", ("市容环卫", "占道经营", "违章建筑", "园林绿化", "市政设施", "停车管理")),
    ("02", "公用事业", ("供水", "供电", "燃气", "供暖", "排水")),
    ("03", "生态环境", ("噪声", "大气污染")),
    ("04", "住房城建", ("物业管理", "房屋安全", "建筑施工")),
    ("05", "市场监管", ("食品安全", "消费维权")),
    ("06", "交通出行", ("交通秩序",)),
    ("07", "社区事务", ("社区服务", "犬只管理", "其他")),
)


@dataclass(frozen=True)
class MatterRule:
    matter: Matter
    category: Category
    tier: Tier
    department: Unit | None
    leaves: tuple[Category, ...]  # the categories a case of this matter may carry


@dataclass
class Catalogue:
    types: dict[str, RequestType]
    tiers: dict[str, Tier]
    rules: list[MatterRule] = field(default_factory=list)
    unruled: list[Category] = field(default_factory=list)  # no demo rule: ownership unclear (权责不清)
    rule_ids: dict[int, int] = field(default_factory=dict)  # category id → the demo's DispatchRule id


def catalogue_prepare(demo: DemoDistrict) -> Catalogue:
    """Make sure types, tiers and categories exist, and write the demo district's dispatch rules."""
    if not Category.objects.exists():
        _fallback_tree()
    catalogue = Catalogue(types=_request_types(), tiers=_tiers())
    _rules_match(catalogue, demo)
    # Scoped to the demo district: an area rule beats a district-wide default the deployment may already have.
    DispatchRule.objects.bulk_create(
        DispatchRule(category=r.category, tier=r.tier, department=r.department, area=demo.district)
        for r in catalogue.rules
    )
    catalogue.rule_ids = _rule_ids(demo)
    return catalogue


def catalogue_load(demo: DemoDistrict) -> Catalogue:
    """The catalogue as an earlier run left it (its rules are already written)."""
    catalogue = Catalogue(types=_request_types(), tiers=_tiers())
    _rules_match(catalogue, demo)
    catalogue.rule_ids = _rule_ids(demo)
    return catalogue


def _rule_ids(demo: DemoDistrict) -> dict[int, int]:
    return dict(DispatchRule.objects.filter(area=demo.district).values_list("category_id", "pk"))


def _request_types() -> dict[str, RequestType]:
    if not RequestType.objects.exists():
        RequestType.objects.bulk_create(
            RequestType(code=code, name=name, sort=sort) for sort, (code, name) in enumerate(FALLBACK_TYPES)
        )
    return {t.code: t for t in RequestType.objects.all()}


def _tiers() -> dict[str, Tier]:
    if not Tier.objects.exists():
        Tier.objects.bulk_create(
            Tier(code=code, name=name, handling_level=level, response_amount=response[0],
                 response_unit=response[1], completion_amount=completion[0], completion_unit=completion[1], sort=sort)
            for sort, (code, name, level, response, completion) in enumerate(FALLBACK_TIERS)
        )
    return {t.code: t for t in Tier.objects.all()}


def _fallback_tree() -> None:
    for code, name, children in FALLBACK_TREE:
        parent = Category.objects.create(code=code, name=name)
        for i, child in enumerate(children, start=1):
            Category.objects.create(code=f"{code}{i:02d}", name=child, parent=parent)


def _find(all_categories: list[Category], names: tuple[str, ...]) -> Category | None:
    """The category carrying one of `names`: a second-level one first (where a tiered list usually draws its
    lines: 市容环卫, 供水, 噪声…), then the shallower, then the name listed first."""
    found = [c for c in all_categories if c.name in names]
    return min(found, key=lambda c: (c.level != 2, c.level, names.index(c.name), c.code), default=None)


def _rules_match(catalogue: Catalogue, demo: DemoDistrict) -> None:
    categories = list(Category.objects.filter(active=True))
    by_matter: dict[int, tuple[Matter, Category, Tier, Unit | None]] = {}
    for matter in MATTERS:
        category = _find(categories, matter.names)
        tier = catalogue.tiers.get(matter.tier)
        department = demo.departments.get(matter.department) if matter.department else None
        if category is None or tier is None or category.pk in by_matter:
            continue
        if department is not None and tier.handling_level in (UnitKind.GRID, UnitKind.COMMUNITY):
            continue  # a department matter must never be pushed down (不得下沉): leave it out
        by_matter[category.pk] = (matter, category, tier, department)
    leaves = _leaves_by_owner(categories, set(by_matter))
    for pk, (matter, category, tier, department) in by_matter.items():
        catalogue.rules.append(MatterRule(matter, category, tier, department, tuple(leaves.pop(pk, [category]))))
    catalogue.unruled = leaves.pop(None, [])


def _leaves_by_owner(categories: list[Category], owners: set[int]) -> dict[int | None, list[Category]]:
    """Group the tree's leaves by their nearest ancestor that a matter claims (None: claimed by none)."""
    by_pk: dict[int | None, Category] = {c.pk: c for c in categories}  # a root's parent_id (None) finds nothing
    parents = {c.parent_id for c in categories}
    grouped: dict[int | None, list[Category]] = {}
    for leaf in (c for c in categories if c.pk not in parents):
        node: Category | None = leaf
        owner: int | None = None
        while node is not None:
            if node.pk in owners:
                owner = node.pk
                break
            node = by_pk.get(node.parent_id)
        grouped.setdefault(owner, []).append(leaf)
    return grouped
