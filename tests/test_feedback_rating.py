"""One event, one rating (一事一评): the resident rates each round of handling once, within the rating window."""

import datetime as dt

import pytest
from django.test import Client

from huying.cases import services as svc
from huying.cases.models import Case
from huying.feedback.models import FeedbackPolicy, Rating, ReopenRule
from huying.feedback.services import rating_create
from huying.lib.errors import InvalidInput, NotAllowed
from tests.test_feedback_helpers import handle_to_result

FIVE_STARS_SOLVED = {"responsiveness": "5", "completion": "5", "satisfaction": "5", "solved": "yes",
                     "comment": "清运及时，谢谢"}
NOT_SOLVED = {"responsiveness": "3", "completion": "1", "satisfaction": "1", "solved": "no", "comment": "还有一堆"}


def rate(client: Client, case, answers: dict) -> str:
    response = client.post(f"/t/{case.tracking_token}/rate/", answers, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_a_resolved_case_is_rated_once_per_round(cast, new_case, client):
    case = handle_to_result(cast, new_case())
    assert "感谢您的评价" in rate(client, case, FIVE_STARS_SOLVED)
    rating = Rating.objects.get(case=case)
    assert (rating.round, rating.source, rating.responsiveness, rating.completion, rating.satisfaction,
            rating.solved, rating.comment) == (0, "resident", 5, 5, 5, True, "清运及时，谢谢")
    again = rate(client, case, NOT_SOLVED)
    assert "本轮办理您已评价过" in again and Rating.objects.filter(case=case).count() == 1


def test_the_timeline_says_the_case_was_rated(cast, new_case, client):
    case = handle_to_result(cast, new_case())
    track = f"/t/{case.tracking_token}/"
    assert "已评价" not in client.get(track).content.decode()
    assert f"/t/{case.tracking_token}/rate/" in client.get(track).content.decode()
    rate(client, case, FIVE_STARS_SOLVED)
    html = client.get(track).content.decode()
    assert "已评价" in html and f"/t/{case.tracking_token}/rate/" not in html


def test_a_reopened_case_is_rated_again_after_its_next_result(cast, new_case, client):
    case = handle_to_result(cast, new_case())
    rate(client, case, NOT_SOLVED)
    client.post(f"/t/{case.tracking_token}/reopen/", {"reason": "垃圾又堆起来了"})
    case.refresh_from_db()
    page = client.get(f"/t/{case.tracking_token}/rate/").content.decode()
    assert "工单已退回承办单位重新办理" in page and 'name="satisfaction"' not in page
    handle_to_result(cast, case, result="已增加清运频次")
    rate(client, case, FIVE_STARS_SOLVED)
    assert list(Rating.objects.filter(case=case).order_by("round").values_list("round", "solved")) == [
        (0, False), (1, True)]


def test_no_rating_before_the_result(cast, new_case, client):
    case = new_case()
    assert "当前不在评价期内" in rate(client, case, FIVE_STARS_SOLVED)
    assert not Rating.objects.exists()


def test_no_rating_after_the_window(cast, new_case, client, clock):
    FeedbackPolicy.objects.update_or_create(pk=1, defaults={"rating_window_days": 7})
    case = handle_to_result(cast, new_case())
    clock.shift(dt.timedelta(days=7, minutes=1))
    assert "当前不在评价期内" in client.get(f"/t/{case.tracking_token}/rate/").content.decode()
    with pytest.raises(NotAllowed) as refused:
        rating_create(case=case, responsiveness=5, completion=5, satisfaction=5, solved=True)
    assert refused.value.code == "rating_closed" and not Rating.objects.exists()


def test_an_archived_case_can_still_be_rated_within_the_window(cast, new_case, client, clock):
    case = handle_to_result(cast, new_case())
    svc.case_close(case=case, by=cast.operator)
    clock.shift(dt.timedelta(days=6))
    assert "感谢您的评价" in rate(client, case, FIVE_STARS_SOLVED)


def test_not_solved_offers_the_reopen_form_right_there_when_the_policy_does_not_reopen_by_itself(cast, new_case,
                                                                                                  client):
    FeedbackPolicy.objects.update_or_create(pk=1, defaults={"reopen_on_not_solved": ReopenRule.CALLBACK})
    solved, unsolved = handle_to_result(cast, new_case()), handle_to_result(cast, new_case(description="路灯不亮"))
    assert "/reopen/" not in rate(client, solved, FIVE_STARS_SOLVED)
    html = rate(client, unsolved, NOT_SOLVED)
    assert f'action="/t/{unsolved.tracking_token}/reopen/"' in html and 'name="reason"' in html
    assert Case.objects.get(pk=unsolved.pk).status == "resolved"


def test_not_solved_sends_the_case_back_by_the_default_policy(cast, new_case, client):
    case = handle_to_result(cast, new_case())
    html = rate(client, case, NOT_SOLVED)
    assert "工单已退回承办单位重新办理" in html and "当前不在评价期内" not in html
    case.refresh_from_db()
    assert (case.status, case.reopen_count, case.current_unit) == ("reopened", 1, cast.xingfu)
    assert case.events.get(action="reopen").data == {"after": "resident", "by_resident": True}


def test_scores_outside_one_to_five_and_long_comments_are_refused(cast, new_case, client):
    case = handle_to_result(cast, new_case())
    html = rate(client, case, {**FIVE_STARS_SOLVED, "satisfaction": "6", "comment": "好" * 501})
    assert "errorlist" in html and not Rating.objects.exists()
    with pytest.raises(InvalidInput) as refused:
        rating_create(case=case, responsiveness=0, completion=5, satisfaction=5, solved=True)
    assert refused.value.field == "responsiveness"


def test_the_stars_are_plain_radio_buttons_that_need_no_script(cast, new_case, client):
    case = handle_to_result(cast, new_case())
    html = client.get(f"/t/{case.tracking_token}/rate/").content.decode()
    assert html.count('type="radio"') == 3 * 5 + 2 and "<script" not in html
    assert 'for="id_satisfaction_0"' in html and 'value="5"' in html


def test_a_rating_enters_the_audit_trail_once_without_the_comment_or_a_status_change(cast, new_case, client):
    case = handle_to_result(cast, new_case())
    rate(client, case, FIVE_STARS_SOLVED)
    rate(client, case, NOT_SOLVED)  # refused: already rated this round
    event = case.events.get(action="rate")
    assert (event.from_status, event.to_status, event.actor) == ("resolved", "resolved", None)
    assert event.data == {"round": 0, "source": "resident", "solved": True, "responsiveness": 5, "completion": 5,
                          "satisfaction": 5}
    assert "清运及时" not in str(event.data) + event.note
    case.refresh_from_db()
    assert case.version == event.case.version  # a rating never makes a handler's open page stale


def test_the_staff_case_page_shows_the_rating(cast, new_case, client):
    case = handle_to_result(cast, new_case())
    rate(client, case, FIVE_STARS_SOLVED)
    staff = Client()
    staff.force_login(cast.command)
    page = staff.get(f"/work/cases/{case.number}/").content.decode()
    assert "群众评价" in page and "满意5" in page
