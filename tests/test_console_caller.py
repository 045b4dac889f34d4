"""The caller lookup: the earlier cases of the number being typed, only those the operator may see."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from huying.intake.models import BlockedCaller
from huying.org.models import Role, User

PHONE = "13800138000"


@pytest.fixture
def street_operator(cast) -> User:
    """A 12345 desk at the east street: it sees the east street's cases, not the west's."""
    return User.objects.create(username="east-desk", unit=cast.east, role=Role.OPERATOR)


def lookup(user: User, phone: str = PHONE) -> str:
    client = Client()
    client.force_login(user)
    response = client.post("/console/hotline/caller/", {"phone": phone})
    assert response.status_code == 200
    return response.content.decode()


def test_the_lookup_lists_the_callers_cases_with_number_date_title_and_status(cast, new_case):
    case = new_case()
    page = lookup(cast.operator)
    assert case.number in page and "2026-09-30" in page and case.title in page and "已派单" in page
    assert "<html" not in page  # a fragment for the desk, not a page


def test_the_lookup_shows_only_cases_the_operator_may_see(cast, new_case, street_operator):
    east = new_case()
    west = new_case(lat=30.705, lon=114.405, address="")
    page = lookup(street_operator)
    assert east.number in page and west.number not in page
    everything = lookup(cast.operator)
    assert east.number in everything and west.number in everything


def test_the_lookup_ignores_other_callers_and_accepts_any_spelling_of_the_number(cast, new_case):
    mine, other = new_case(), new_case(reporter_phone="13900139000")
    page = lookup(cast.operator, "+86 138-0013-8000")
    assert mine.number in page and other.number not in page


def test_the_newest_cases_come_first_and_the_list_is_cut_at_ten(cast, new_case, clock):
    numbers = []
    for _ in range(11):
        numbers.append(new_case().number)
        clock.shift(dt.timedelta(minutes=5))
    page = lookup(cast.operator)
    assert numbers[0] not in page and all(n in page for n in numbers[1:])
    assert page.index(numbers[-1]) < page.index(numbers[1])
    assert "仅显示最近 10 件" in page


def test_the_lookup_runs_a_fixed_number_of_queries(cast, new_case, django_assert_num_queries):
    for _ in range(3):
        new_case()
    client = Client()
    client.force_login(cast.operator)
    # session, user, the user's unit and its parent (the scope), the caller's cases, the blocklist —
    # however many cases the caller has
    with django_assert_num_queries(6):
        client.post("/console/hotline/caller/", {"phone": PHONE})


def test_a_caller_on_the_blocklist_is_flagged(cast):
    BlockedCaller.objects.create(phone=PHONE, reason="骚扰", expires_at=timezone.now() + dt.timedelta(days=1))
    assert "恶意来电名单" in lookup(cast.operator)
    assert "恶意来电名单" not in lookup(cast.operator, "13900139000")


def test_a_few_digits_look_nobody_up(cast, new_case):
    new_case()
    page = lookup(cast.operator, "138")
    assert "输入来电号码后" in page and "HY" not in page


def test_without_javascript_the_desk_reloads_with_the_callers_history(cast, new_case):
    case = new_case()
    client = Client()
    client.force_login(cast.operator)
    page = client.get("/console/hotline/", {"phone": PHONE}).content.decode()
    assert case.number in page and f'value="{PHONE}"' in page


def test_the_lookup_takes_the_number_in_the_body_never_in_the_url(cast):
    client = Client()
    client.force_login(cast.operator)
    assert client.get("/console/hotline/caller/", {"phone": PHONE}).status_code == 405
