"""Patrols (网格巡): one open at a time per worker, and today's time on patrol counted to the minute."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from huying.lib.errors import NotAllowed
from huying.proactive.models import Patrol
from huying.proactive.services import patrol_start, patrol_stop, patrol_time_on

HOUR = dt.timedelta(hours=1)


def today_total(worker) -> dt.timedelta:
    return patrol_time_on(worker=worker, day=timezone.localdate())


def test_a_patrol_runs_from_start_to_stop_on_the_workers_own_grid(cast, clock):
    patrol = patrol_start(worker=cast.grid_worker)
    assert (patrol.grid, patrol.ended_at) == (cast.grid1, None)
    clock.shift(2 * HOUR)
    assert today_total(cast.grid_worker) == 2 * HOUR  # an open patrol counts up to now
    stopped = patrol_stop(worker=cast.grid_worker)
    assert stopped.pk == patrol.pk and stopped.ended_at - stopped.started_at == 2 * HOUR


def test_todays_patrols_add_up_and_the_pause_between_them_does_not_count(cast, clock):
    patrol_start(worker=cast.grid_worker)
    clock.shift(90 * dt.timedelta(minutes=1))
    patrol_stop(worker=cast.grid_worker)
    clock.shift(HOUR)  # lunch
    patrol_start(worker=cast.grid_worker)
    clock.shift(45 * dt.timedelta(minutes=1))
    patrol_stop(worker=cast.grid_worker)
    assert today_total(cast.grid_worker) == dt.timedelta(hours=2, minutes=15)
    assert today_total(cast.community_staff) == dt.timedelta()


def test_a_patrol_across_midnight_counts_on_each_day_its_own_part(cast, clock):
    clock.move_to(dt.datetime(2026, 9, 30, 22, 0, tzinfo=timezone.get_current_timezone()))
    patrol_start(worker=cast.grid_worker)
    clock.shift(3 * HOUR)
    patrol_stop(worker=cast.grid_worker)
    worker = cast.grid_worker
    assert patrol_time_on(worker=worker, day=dt.date(2026, 9, 30)) == 2 * HOUR
    assert patrol_time_on(worker=worker, day=dt.date(2026, 10, 1)) == HOUR


def test_starting_twice_is_refused_with_a_friendly_error(cast):
    patrol_start(worker=cast.grid_worker)
    with pytest.raises(NotAllowed) as refused:
        patrol_start(worker=cast.grid_worker)
    assert refused.value.code == "patrol_already_open"
    assert Patrol.objects.filter(worker=cast.grid_worker).count() == 1


def test_the_database_itself_refuses_a_second_open_patrol(cast):
    Patrol.objects.create(worker=cast.grid_worker, grid=cast.grid1, started_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Patrol.objects.create(worker=cast.grid_worker, grid=cast.grid1, started_at=timezone.now())


def test_stopping_without_a_patrol_is_refused(cast):
    with pytest.raises(NotAllowed) as refused:
        patrol_stop(worker=cast.grid_worker)
    assert refused.value.code == "no_open_patrol"


def test_only_a_grid_worker_of_a_grid_may_patrol(cast):
    with pytest.raises(NotAllowed):
        patrol_start(worker=cast.community_staff)
    cast.grid_worker.unit = cast.xingfu  # moved to the community office: no grid of their own
    with pytest.raises(NotAllowed):
        patrol_start(worker=cast.grid_worker)


def test_the_patrol_page_starts_stops_and_shows_todays_time(cast, clock):
    client = Client()
    client.force_login(cast.grid_worker)
    assert "开始巡查" in client.get("/patrol/").content.decode()
    client.post("/patrol/start/")
    for _ in range(4):  # the phone is used on the way (a session idle for 30 minutes signs out)
        clock.shift(dt.timedelta(minutes=20))
        client.get("/patrol/")
    page = client.get("/patrol/").content.decode()
    assert "巡查中：幸福里网格1，10:00 开始" in page and "今日巡查 1 小时 20 分钟" in page
    client.post("/patrol/stop/")
    clock.shift(dt.timedelta(minutes=20))
    page = client.get("/patrol/").content.decode()
    assert "巡查已结束" in page and "今日巡查 1 小时 20 分钟" in page and "10:00 – 11:20" in page


def test_a_second_start_on_the_page_says_a_patrol_is_already_on(cast):
    client = Client()
    client.force_login(cast.grid_worker)
    client.post("/patrol/start/")
    response = client.post("/patrol/start/", follow=True)
    assert "巡查已在进行中" in response.content.decode()
    assert Patrol.objects.count() == 1


def test_start_and_stop_answer_only_posts(cast):
    client = Client()
    client.force_login(cast.grid_worker)
    assert client.get("/patrol/start/").status_code == 405
    assert not Patrol.objects.exists()
