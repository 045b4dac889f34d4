"""Place matching on request texts (研判定位): a project-written set of messages against a small registry.

Every text below was written for this test in the manner of 12345 messages; none is taken from real data.
"""

from dataclasses import dataclass

import pytest

from huying.geo.models import Building
from huying.geo.places import place_resolve
from huying.geo.registry import registry_changed


@dataclass(frozen=True)
class Expect:
    text: str
    building: str | None  # the building's name, or None when no one building is named
    grid: str | None = None  # "grid1".."grid3" when only the grid is known (a compound named alone)


REGISTRY = (  # name, aliases, address, grid
    ("幸福里小区1栋", "", "示范区东湖路8号", "grid1"),
    ("幸福里小区2栋", "幸福里2号楼", "示范区东湖路8号", "grid1"),
    # 幸福里小区3栋 comes from the cast (aliases 幸福里3号楼, 幸福里三栋), in grid1
    ("阳光花园1栋", "", "示范区建设大道88号", "grid2"),
    ("阳光花园2栋", "", "示范区建设大道88号", "grid2"),
    ("阳光花园3栋", "", "示范区建设大道88号", "grid2"),
    ("阳光花园4栋", "", "示范区建设大道88号", "grid2"),
    ("阳光小区1栋", "", "示范区青年路20号", "grid3"),
    ("阳光小区2栋", "", "示范区青年路20号", "grid3"),
    ("金融大厦A座", "", "示范区解放路100号", "grid3"),
    ("金融大厦B座", "", "示范区解放路100号", "grid3"),
    ("锦绣华庭1栋", "", "示范区解放大道1234号", "grid2"),
    ("锦绣华庭2栋", "", "示范区解放大道1234号", "grid2"),
    ("锦绣华庭3栋", "", "示范区解放大道1234号", "grid2"),
    ("锦绣华庭4栋", "", "示范区解放大道1234号", "grid3"),
    ("锦绣华庭5栋", "", "示范区解放大道1234号", "grid3"),
    ("翠柳新村", "翠柳新村物业", "示范区友谊路6号", "grid1"),
    ("翠柳新村1栋", "", "示范区友谊路6号", "grid1"),
    ("翠柳新村2栋", "", "示范区友谊路6号", "grid1"),
    ("翠柳新村3栋", "", "示范区友谊路6号", "grid1"),
    ("人民公园", "人民公园南门", "示范区胜利街1号", "grid2"),
    ("市第一人民医院", "市一医院", "示范区民主路30号", "grid3"),
    ("桃源公寓", "", "示范区育才路15号", "grid3"),
    ("东方明珠苑1栋", "", "示范区丹水路9号", "grid2"),
    ("东方明珠苑2栋", "", "示范区丹水路9号", "grid2"),
    ("长江路菜市场", "", "示范区长江路56号", "grid1"),
    ("梧桐雅居3栋", "梧桐3#", "示范区振兴路12号", "grid1"),
)

TEXTS = (
    Expect("幸福里小区3栋2单元楼道里的灯坏了一个多月，晚上上下楼看不见，希望尽快维修。", "幸福里小区3栋"),
    Expect("我是幸福里三栋的住户，楼下垃圾桶三天没人清运，臭味很大。", "幸福里小区3栋"),
    Expect("幸福里2号楼东边的下水道堵了，污水漫到路上，行人没法走。", "幸福里小区2栋"),
    Expect("反映幸福里3-2-501楼上每天晚上十一点以后还在装修，噪音扰民。", "幸福里小区3栋"),
    Expect("阳光花园4栋门口有人长期占用消防通道停车，物业不管。", "阳光花园4栋"),
    Expect("阳光小区2栋楼顶漏水，下雨天家里墙面全湿了，请相关部门处理。", "阳光小区2栋"),
    Expect("金融大厦B座电梯经常故障，上周困人两次，物业说在等配件。", "金融大厦B座"),
    Expect("金融大厦ｂ座一楼的餐馆油烟直排，影响周边居民开窗。", "金融大厦B座"),
    Expect("锦绣华庭5幢地下车库积水严重，车辆无法进出。", "锦绣华庭5栋"),
    Expect("锦绣华廷3栋旁边的路灯不亮已经半个月了。", "锦绣华庭3栋"),
    Expect("东方明珠2栋单元门禁坏了，谁都能进，老人小孩不安全。", "东方明珠苑2栋"),
    Expect("翠柳新村小区门口的共享单车乱停乱放，堵住了人行道。", "翠柳新村"),
    Expect("翠柳新村二栋一单元302室卫生间漏水到楼下，楼上住户不配合维修。", "翠柳新村2栋"),
    Expect("人民公园南门晚上广场舞音响声音太大，附近居民无法休息。", "人民公园"),
    Expect("市一医院门口出租车乱停，救护车进出困难。", "市第一人民医院"),
    Expect("桃源公寓楼下的化粪池满了往外冒，味道很大。", "桃源公寓"),
    Expect("长江路56号菜市场周边占道经营严重，早上堵得走不动。", "长江路菜市场"),
    Expect("梧桐雅居3#楼电梯按钮失灵，请督促物业尽快维修。", "梧桐雅居3栋"),
    Expect("我家在阳光花园三号楼二单元，楼上空调外机一直往下滴水。", "阳光花园3栋"),
    Expect("本人住阳光3栋，楼道里堆满了杂物，存在消防隐患。", "阳光花园3栋"),
    Expect("联系电话13912345678，住址幸福里小区1栋，反映楼下烧烤店油烟扰民。", "幸福里小区1栋"),
    Expect("幸福小区1栋的住户反映已经停水两天了，也没有接到通知。", "幸福里小区1栋"),
    Expect("我们幸福里的3栋已经停水两天了，什么时候能恢复？", "幸福里小区3栋"),
    Expect("幸福里三号楼和五号楼之间的绿化带被人种了菜。", "幸福里小区3栋"),
    Expect("翠柳小区1栋门前的井盖丢了，晚上很危险。", "翠柳新村1栋"),
    Expect("金融大厦A座12楼的公司拖欠员工工资三个月。", "金融大厦A座"),
    Expect("东方明珠苑1幢301室楼上的住户在阳台养鸡。", "东方明珠苑1栋"),
    Expect("梧桐雅居三号楼楼道堆放杂物，多次反映没人管。", "梧桐雅居3栋"),
    Expect("人民公园里的公共厕所没有纸也没人打扫。", "人民公园"),
    Expect("我在长江路菜市场买到了缺斤少两的猪肉，商贩态度恶劣。", "长江路菜市场"),
    Expect("建设大道88号阳光花园2栋的路面塌了一个坑。", "阳光花园2栋"),
    Expect("家住翠柳新村3栋5楼，楼上卫生间漏水把我家天花板泡坏了。", "翠柳新村3栋"),
    Expect("反映桃源公寓2单元楼道堆物，影响通行。", "桃源公寓"),
    Expect("锦绣华2栋的电梯经常停运，请监督检查。", "锦绣华庭2栋"),
    Expect("东方明株苑2栋楼下的车棚私拉电线给电瓶车充电。", "东方明珠苑2栋"),
    # a compound named alone: the grid when all its buildings share one, no building
    Expect("投诉阳光花园物业乱收停车费，每月300元还不管车辆安全。", None, "grid2"),
    Expect("幸福里小区东门外的马路上有个大坑，已经有人摔倒了。", None, "grid1"),
    Expect("幸福里小区十二栋的住户反映水压不足。", None, "grid1"),
    Expect("在金融大厦附近被人抢了手机，希望加强巡逻。", None, "grid3"),
    # nothing (or nothing certain) in the registry
    Expect("锦绣华庭小区物业不作为，绿化带都变成了菜地。", None),
    Expect("阳光1栋楼下有人烧纸，烟很大。", None),
    Expect("请帮忙处理一下小区3栋门口的垃圾，已经堆了好几天了。", None),
    Expect("我家3楼的邻居养狗，狗天天叫，严重扰民。", None),
    Expect("2023年5月3日在和平路的一家餐馆吃饭后腹泻，要求赔偿。", None),
    Expect("星河湾小区2栋电梯停运三天了，老人上下楼很困难。", None),
    Expect("光明路与幸福大道交叉口红绿灯时间太短，行人过不去。", None),
    Expect("B座的空调外机噪音很大，晚上睡不着。", None),
    Expect("新幸福家园3栋楼顶的太阳能热水器被风刮倒了。", None),
    Expect("和平大道那边的工地晚上十点以后还在施工。", None),
    Expect("我想咨询一下公积金提取需要哪些材料。", None),
    Expect("幸运里小区3栋的下水管道破裂，一楼被淹了。", None),
    Expect("月光小区2栋门口的快递堆成山，没人管理。", None),
    # written after the matcher was built, and not tuned for
    Expect("幸福里小区1号楼2单元602的住户反映楼道里有燃气味。", "幸福里小区1栋"),
    Expect("阳光花园的1栋和2栋之间有一棵大树快倒了，请园林部门处理。", "阳光花园1栋"),
    Expect("金融大厦Ａ座地下停车场收费不合理，没有公示收费标准。", "金融大厦A座"),
    Expect("锦绣华庭4栋1单元楼道窗户玻璃碎了，风一吹就往下掉。", "锦绣华庭4栋"),
    Expect("翠柳新村3号楼西侧的围墙有倒塌危险，小孩经常在下面玩。", "翠柳新村3栋"),
    Expect("投诉人民公园附近的夜市油烟扰民，每天闹到凌晨。", "人民公园"),
    Expect("桃源公寓3楼有人群租，进出人员复杂，存在安全隐患。", "桃源公寓"),
    Expect("梧桐3#楼下的快递柜占用了消防通道。", "梧桐雅居3栋"),
    Expect("市第一人民医院急诊科排队时间太长，希望增加医生。", "市第一人民医院"),
    Expect("请问锦绣华庭三栋的房产证什么时候能办下来？", "锦绣华庭3栋"),
    Expect("阳光花园2期3栋的电梯年检过期了还在使用。", "阳光花园3栋"),
    Expect("人民公园旁边的幸福里小区2栋楼顶有人搭建违章建筑。", "幸福里小区2栋"),
    Expect("翠柳新村物业乱收费，不交就不给办门禁卡。", "翠柳新村"),
    Expect("反映东方明珠苑小区内的健身器材损坏，很久没人修。", None, "grid2"),
    Expect("家住幸福里5栋，楼下化粪池堵了。", None, "grid1"),
    Expect("建设大道88号门前的公交站台顶棚破损。", None, "grid2"),
    Expect("我住阳光小区，小区门口的路灯不亮已经一周了。", None, "grid3"),
    Expect("东方明珠苑2单元的楼道灯不亮。", None, "grid2"),
    Expect("解放大道1234号旁边在建工地夜间施工，严重扰民。", None),
    Expect("金色家园2栋的住户反映小区绿化被毁。", None),
    Expect("幸福路3号楼下的早餐店占道经营。", None),
    Expect("这个小区的物业太差了，3栋电梯坏了一周都没人修。", None),
    Expect("楼上3-2-501天天半夜拖椅子，吵得睡不着。", None),
)


@pytest.fixture
def registry(cast):
    grids = {"grid1": cast.grid1, "grid2": cast.grid2, "grid3": cast.grid3}
    Building.objects.bulk_create(Building(name=name, aliases=aliases.replace(",", "\n"), address=address,
                                          grid=grids[grid]) for name, aliases, address, grid in REGISTRY)
    registry_changed()  # bulk_create sends no signals
    return grids


def outcome(expect: Expect) -> tuple[str | None, str | None]:
    match = place_resolve(text=expect.text)
    if match is None:
        return None, None
    return (match.building.name if match.building else None), match.grid.name


def test_the_written_set_is_matched_with_high_precision_and_recall(registry):
    right = wrong = missed = 0
    for expect in TEXTS:
        found, _ = outcome(expect)
        right += found is not None and found == expect.building
        wrong += found is not None and found != expect.building
        missed += expect.building is not None and found != expect.building
    positives = sum(e.building is not None for e in TEXTS)
    precision, recall = right / max(right + wrong, 1), right / positives
    print(f"\nplace text set: {len(TEXTS)} texts, {positives} name a building; "
          f"precision {precision:.3f}, recall {recall:.3f} ({right} right, {wrong} wrong, {missed} missed)")
    assert len(TEXTS) >= 40
    assert precision >= 0.95 and recall >= 0.85


def test_a_compound_named_alone_gives_its_grid_when_its_buildings_share_one(registry, cast):
    for expect in (e for e in TEXTS if e.grid):
        found, grid = outcome(expect)
        assert (found, grid) == (None, registry[expect.grid].name), expect.text


def test_a_compound_spread_over_two_grids_gives_no_place(registry):
    assert place_resolve(text="锦绣华庭小区物业不作为") is None


def test_the_match_tells_its_evidence_score_and_unit_detail(registry, cast):
    match = place_resolve(text="反映幸福里3-2-501楼上装修噪音")
    assert match.building == cast.building3 and match.evidence == "幸福里3-2-501"
    assert (match.unit_detail, match.score, match.how) == ("2单元501", 100, "text")


def test_a_building_number_beats_the_compound_alone(registry, cast):
    match = place_resolve(text="幸福里小区门口垃圾没人收，我住幸福里小区3栋")
    assert match.building == cast.building3 and match.score > 80


def test_the_address_field_is_tried_before_the_description(registry, cast):
    match = place_resolve(address="阳光花园4栋", text="幸福里三栋的人在阳光花园门口吵架")
    assert match.building.name == "阳光花园4栋" and match.how == "address"


def test_the_description_is_used_when_the_address_field_names_less(registry, cast):
    match = place_resolve(address="阳光花园", text="阳光花园2栋楼下吵架")
    assert match.building.name == "阳光花园2栋" and match.how == "text"


def test_coordinates_inside_a_grid_win_and_keep_the_building_of_that_grid(registry, cast):
    match = place_resolve(lat=30.605, lon=114.305, text="幸福里3栋2单元楼道灯坏了")
    assert (match.grid, match.how, match.building, match.unit_detail) == (cast.grid1, "point", cast.building3,
                                                                           "2单元")


def test_coordinates_in_another_grid_drop_the_building_named_in_words(registry, cast):
    match = place_resolve(lat=30.705, lon=114.405, text="幸福里3栋2单元楼道灯坏了")
    assert (match.grid, match.building) == (cast.grid3, None)


def test_a_typo_in_a_long_compound_name_is_matched_fuzzily(registry):
    Building.objects.create(name="锦绣江南花园1栋", grid=registry["grid2"])
    match = place_resolve(text="锦秀江南花园1栋门口有人摆摊")
    assert match.building.name == "锦绣江南花园1栋" and match.how == "text_fuzzy" and match.score < 100


def test_a_road_and_door_number_find_the_one_building_there(registry):
    match = place_resolve(address="长江路56号")
    assert match.building.name == "长江路菜市场" and match.evidence == "长江路56号"


def test_a_fuzzy_name_without_a_building_number_places_nothing(registry):
    Building.objects.create(name="锦绣江南花园1栋", grid=registry["grid2"])
    assert place_resolve(text="锦秀江南花园门口有人摆摊") is None


def test_another_compound_word_on_the_same_stem_is_another_compound(registry):
    assert place_resolve(text="阳光苑3栋楼下有人摆摊") is None
    assert place_resolve(text="阳光小区3栋楼下有人摆摊").grid == registry["grid3"]  # 阳光小区 has no 3栋
