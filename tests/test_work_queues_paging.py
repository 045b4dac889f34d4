"""Paging the queues by keyset (seek): every page follows the last without repeats or gaps, even under ties."""

import datetime as dt
import html
import re

import pytest

from huying.cases.models import Urgency
from huying.workbench.queues.paging import PAGE_SIZE
from tests.test_work_queues import numbers, queue


@pytest.fixture
def many(cast, new_case, clock):
    """PAGE_SIZE * 2 + 7 cases; the frozen clock gives most of them the very same creation time (ties)."""
    made = []
    for i in range(PAGE_SIZE * 2 + 7):
        if i % 40 == 0:
            clock.shift(dt.timedelta(minutes=1))
        urgency = Urgency.EMERGENCY if i % 17 == 0 else Urgency.URGENT if i % 11 == 0 else Urgency.NORMAL
        made.append(new_case(description=f"幸福里3号楼第{i}件", urgency=urgency))
    return made


def next_url(response) -> str | None:
    found = re.search(r'<a class="next" href="([^"]+)"', response.content.decode())
    return html.unescape(found.group(1)) if found else None


def walk(client, user, **params) -> list[list[str]]:
    client.force_login(user)
    pages, url = [], "/work/queues/"
    response = client.get(url, params)
    while True:
        pages.append(numbers(response))
        following = next_url(response)
        if following is None:
            return pages
        response = client.get("/work/queues/" + following)


@pytest.mark.parametrize("sort", ["urgency", "created", "deadline"])
def test_pages_cover_every_case_once(cast, many, client, sort):
    pages = walk(client, cast.community_staff, tab="to_accept", sort=sort)
    assert [len(p) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 7]
    seen = [n for page in pages for n in page]
    assert len(seen) == len(set(seen)) == len(many)


def test_emergencies_lead_across_pages_and_newest_first_within_a_rank(cast, many, client):
    seen = [n for page in walk(client, cast.community_staff, tab="to_accept") for n in page]
    by_number = {c.number: c for c in many}
    ranks = [{"emergency": 0, "urgent": 1, "normal": 2}[by_number[n].urgency] for n in seen]
    assert ranks == sorted(ranks)
    normal = [by_number[n] for n in seen if by_number[n].urgency == "normal"]
    assert [(c.created_at, c.pk) for c in normal] == sorted(((c.created_at, c.pk) for c in normal), reverse=True)


def test_the_next_page_keeps_the_filters_and_a_changed_filter_starts_again(cast, many, client):
    client.force_login(cast.community_staff)
    first = client.get("/work/queues/", {"tab": "to_accept", "q": "幸福里", "sort": "created"})
    following = next_url(first)
    assert following is not None and "q=" in following and "sort=created" in following
    second = client.get("/work/queues/" + following)
    assert "第一页" in second.content.decode()
    assert not set(numbers(first)) & set(numbers(second))


def test_a_cursor_that_cannot_be_read_falls_back_to_the_first_page(cast, many, client):
    first = numbers(queue(client, cast.community_staff, tab="to_accept"))
    for bad in ("x", "1_2", "1_2_3_4", "-1_5_5", "99999999999999999999_1_1"):
        response = queue(client, cast.community_staff, tab="to_accept", after=bad)
        assert "分页位置：" in response.content.decode() and numbers(response) == first
