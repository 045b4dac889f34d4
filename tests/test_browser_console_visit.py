"""Visits and forums in a real browser: a sixth row is one click away, and every filled row is registered."""

from huying.cases.models import Case
from tests.cast import PASSWORD


def test_community_staff_add_a_row_and_register_the_visits_demands(desk_page, cast):
    page = desk_page
    page.goto("/accounts/login/?next=/console/visit/")
    page.fill("#id_username", "community")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.fill("#id_address", "幸福里3号楼")
    page.fill("#id_participants", "4")
    page.fill("#id_rows-0-description", "楼道灯坏了")
    page.get_by_role("button", name="增加一条").click()
    assert page.locator("#id_rows-5-description").evaluate("el => el === document.activeElement")
    assert "第 6 条" in page.locator("#rows fieldset").nth(5).inner_text()
    page.keyboard.type("电梯经常停运")
    page.get_by_role("button", name="全部登记").click()
    page.locator(".messages").get_by_text("已登记 2 条诉求").wait_for()
    assert sorted(Case.objects.values_list("title", "channel")) == [("楼道灯坏了", "visit"), ("电梯经常停运", "visit")]
