"""Shared steps for the bulletin tests: a small August and September of real cases, counted by the worker."""

import datetime as dt

from huying.analytics.refresh import measures_refresh_all
from huying.cases.services import case_accept, case_resolve
from huying.feedback.services import callback_record
from tests.cast import FROZEN_NOW

AUGUST = dt.datetime(2026, 8, 20, 10, 0, tzinfo=FROZEN_NOW.tzinfo)


def handled(case, handler, operator, *, solved: bool, satisfaction: str):
    """The handler accepts and resolves the case; the operator's call-back reaches the caller."""
    case = case_resolve(case=case_accept(case=case, by=handler), by=handler, result="已处理完毕")
    callback_record(case=case, by=operator, reached=True, solved=solved, satisfaction=satisfaction)
    return case


def two_months_make(cast, new_case, clock):
    """For a test module's `two_months` fixture. August: 东湖街道 satisfied, 园林局 not solved. September (the
    clock's month): 东湖街道 one satisfied and one unsatisfied, 园林局 basically satisfied, a noise case at the
    command centre, an unanswered case in 西山街道."""
    clock.move_to(AUGUST)
    handled(new_case(), cast.community_staff, cast.operator, solved=True, satisfaction="satisfied")
    handled(new_case(category=cast.trees, description="树枝挡路"), cast.parks_handler, cast.operator,
            solved=False, satisfaction="unsatisfied")
    clock.move_to(FROZEN_NOW)
    handled(new_case(), cast.community_staff, cast.operator, solved=True, satisfaction="satisfied")
    handled(new_case(description="幸福里3号楼垃圾又堆起来了"), cast.community_staff, cast.operator,
            solved=False, satisfaction="unsatisfied")
    handled(new_case(category=cast.trees, description="树枝挡住路灯"), cast.parks_handler, cast.operator,
            solved=True, satisfaction="basic")
    new_case(category=cast.noise, description="夜间施工噪声扰民")
    west = new_case(description="桃园路垃圾没人收", address="桃园路1号", lat=30.705, lon=114.405)
    assert west.street == cast.west
    measures_refresh_all()
    return cast
