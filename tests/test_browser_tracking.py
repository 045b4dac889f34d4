"""A resident on a phone follows a resolved case by its link, rates it, and asks for an unsolved one to be redone."""

from playwright.sync_api import Page, expect

from huying.cases.models import Case
from huying.feedback.models import Rating
from tests.test_feedback_helpers import RESULT, handle_to_result


def give_stars(page: Page, stars: dict[str, int]) -> None:
    for field, count in stars.items():
        # The choices run 5…1, so the label of `count` stars is the (5 - count)th: tap it as a thumb would.
        page.locator(f'label[for="id_{field}_{5 - count}"]').click()


def test_a_resident_rates_a_resolved_case_five_stars(phone_page, transactional_db, cast, new_case):
    case = handle_to_result(cast, new_case())
    phone_page.goto(f"/t/{case.tracking_token}/")
    expect(phone_page.locator(".status")).to_have_text("已办结")
    expect(phone_page.locator(".result")).to_contain_text(RESULT)
    phone_page.get_by_role("link", name="评价办理情况").click()
    give_stars(phone_page, {"responsiveness": 5, "completion": 5, "satisfaction": 5})
    phone_page.get_by_label("已解决").check()
    phone_page.get_by_role("button", name="提交评价").click()
    expect(phone_page.get_by_role("heading", name="感谢您的评价")).to_be_visible()
    rating = Rating.objects.get(case=case)
    assert (rating.responsiveness, rating.completion, rating.satisfaction, rating.solved) == (5, 5, 5, True)


def test_a_resident_who_is_not_satisfied_reopens_the_case(phone_page, transactional_db, cast, new_case):
    case = handle_to_result(cast, new_case(description="小区门口路灯不亮"))
    phone_page.goto(f"/t/{case.tracking_token}/rate/")
    give_stars(phone_page, {"responsiveness": 3, "completion": 1, "satisfaction": 1})
    phone_page.get_by_label("未解决").check()
    phone_page.get_by_label("评价内容").fill("路灯还是不亮")
    phone_page.get_by_role("button", name="提交评价").click()
    # By the default feedback policy a "not solved" rating sends the case back at once (未解决自动重办).
    expect(phone_page.locator(".thanks")).to_contain_text("工单已退回承办单位重新办理")
    phone_page.get_by_role("link", name="返回办理进度").click()
    expect(phone_page.locator(".status")).to_have_text("重办")
    expect(phone_page.locator(".timeline")).to_contain_text("已评价")
    assert Case.objects.get(pk=case.pk).status == "reopened"
