"""The urgency rules on a test set the project wrote: what cannot wait is found, with its evidence; everyday
matters that share words with emergencies are not."""

import pytest

from huying.triage.urgency import urgency_detect

URGENT = [
    ("3栋2单元楼道里燃气味道很重，怕是泄漏了", "gas"),
    ("闻到很浓的煤气味，邻居家没人", "gas"),
    ("天然气管道嘶嘶响在漏气", "gas"),
    ("小区地下车库着火了，浓烟很大", "fire"),
    ("对面楼五楼起火了快来人", "fire"),
    ("电动车在楼道充电烧起来了", "fire"),
    ("楼道冒烟，有焦糊味", "fire"),
    ("老房子外墙墙体开裂，随时会倒", "collapse"),
    ("路面突然塌陷出现一个大坑，车掉进去了", "collapse"),
    ("阳台上的花盆掉下来差点砸到人，高空坠物", "collapse"),
    ("暴雨后积水已经齐腰深，老人被困在家里", "flood"),
    ("地下室被淹了，水还在往里灌", "flood"),
    ("小区门口水管爆裂，水喷得很高", "burst_main"),
    ("路边电线断了掉在地上还在打火", "live_wire"),
    ("配电箱冒火花，小孩在旁边玩", "live_wire"),
    ("路灯杆漏电，狗碰到被电倒了", "electrocution"),
    ("电梯困人，里面有个孕妇", "person"),
    ("有人在河边落水了", "person"),
    ("楼顶有人要跳楼", "person"),
    ("超市门口有位老人晕倒了", "person"),
    ("两伙人持刀打架", "person"),
    ("独居老人王奶奶三天没出门了，敲门没人应", "elderly_alone"),
    ("楼下空巢老人生病了发烧，家里没人照顾", "elderly_alone"),
    ("孤寡老人摔倒在家里起不来", "elderly_alone"),
]

CALM = [
    "燃气费这个月怎么这么贵",
    "燃气公司什么时候来抄表",
    "已经没有闻到燃气味了，谢谢",
    "燃气泄漏的问题上周已经修好了",
    "小区电线杂乱，影响美观",
    "能不能安排一下电线入地改造",
    "路上有一点积水，下次能不能修一下排水",
    "火车站附近出租车拒载",
    "工厂烟囱排放废气污染空气",
    "希望增加独居老人的上门服务",
    "空巢老人活动中心开放时间是几点",
    "楼上装修噪音太大",
    "垃圾桶满了没人清运",
    "红绿灯坏了车辆乱行",
    "消防通道被车堵住了",
    "小区停水两天了",
    "咨询一下社保卡怎么补办",
    "表扬社区网格员工作认真",
    "广场舞音响太吵",
    "路灯不亮",
]


@pytest.mark.parametrize(("text", "danger"), URGENT)
def test_each_emergency_is_found_with_its_danger_and_evidence(text, danger):
    found = urgency_detect(text)
    assert danger in {u.danger for u in found}, found
    assert all(u.evidence and u.evidence in text for u in found)


@pytest.mark.parametrize("text", CALM)
def test_everyday_matters_that_share_words_with_emergencies_are_not_flagged(text):
    assert urgency_detect(text) == []


def test_the_set_as_a_whole_meets_the_bar():
    """The figures quoted in the notes: recall and precision of "cannot wait" on this set."""
    flagged_urgent = sum(1 for text, _danger in URGENT if urgency_detect(text))
    flagged_calm = sum(1 for text in CALM if urgency_detect(text))
    assert flagged_urgent == len(URGENT) and flagged_calm == 0


def test_every_danger_has_a_label_people_read():
    from huying.triage.urgency import DANGER_LABELS, RULES

    assert {name for name, _words, _signs in RULES} == set(DANGER_LABELS)
