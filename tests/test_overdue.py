"""One definition of overdue (超时), used alike by the queues, the map and the wall screen."""

import datetime as dt

from django.test import Client

from huying.cases.models import Case
from huying.cases.overdue import is_overdue, overdue_q
from huying.cases.services import case_accept, case_return
from huying.workbench.screen.board import board
from tests.cast import FROZEN_NOW


def test_the_queue_the_map_and_the_screen_agree_on_which_cases_are_overdue(cast, clock, new_case):
    clock.move_to(FROZEN_NOW - dt.timedelta(days=3))
    unanswered = new_case(description="三天前派单未签收")  # response (2 h) missed
    accepted = new_case(description="签收后未办结")
    case_accept(case=accepted, by=cast.community_staff)  # completion (1 working day) missed
    returned = new_case(description="已退单待重新派单")
    case_return(case=returned, by=cast.community_staff, reason="不属本社区")  # waiting: not on the clock
    clock.move_to(FROZEN_NOW)
    fresh = new_case(description="刚派的单")  # nothing due yet

    expected = {unanswered.number, accepted.number}
    assert set(Case.objects.filter(overdue_q(FROZEN_NOW)).values_list("number", flat=True)) == expected
    assert {c.number for c in Case.objects.all() if is_overdue(c, FROZEN_NOW)} == expected
    assert fresh.number not in expected and returned.number not in expected

    assert board(cast.centre.scope_path(), FROZEN_NOW)["totals"]["overdue"] == 2
    client = Client()
    client.force_login(cast.command)
    rows = client.get("/work/map/cases.json", {"overdue": "on", "status": "all"}).json()["rows"]
    assert {row[0] for row in rows} == expected
    page = client.get("/work/queues/", {"tab": "overdue"}).content.decode()
    assert unanswered.number in page and accepted.number in page and returned.number not in page
