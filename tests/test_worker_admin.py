"""Administrators see each worker in the admin, read-only: running, stopped, or silent for too long, and what
each of its duties did."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from huying.org.models import User
from huying.worker.models import WorkerBeat

LIST = "/admin/worker/workerbeat/"
DUTIES = {"timers": {"passes": 3, "done": 5, "errors": 0, "last_ms": 12.5, "last_error": ""},
          "feeds": {"passes": 1, "done": 0, "errors": 1, "last_ms": 40.0, "last_error": "ConnectError: refused"}}


@pytest.fixture
def superuser(db, clock) -> Client:
    client = Client()
    client.force_login(User.objects.create(username="root", is_staff=True, is_superuser=True))
    return client


def beat(name: str, *, silent_for: dt.timedelta, stopped: bool = False) -> WorkerBeat:
    now = timezone.now()
    return WorkerBeat.objects.create(name=name, started_at=now - dt.timedelta(hours=1), beat_at=now - silent_for,
                                     stopped_at=now - silent_for if stopped else None, duties=DUTIES)


def test_the_list_tells_running_stopped_and_silent_workers_apart(superuser):
    beat("host-a:100", silent_for=dt.timedelta(seconds=5))
    beat("host-b:200", silent_for=dt.timedelta(minutes=3))
    beat("host-c:300", silent_for=dt.timedelta(minutes=30), stopped=True)
    page = superuser.get(LIST).content.decode()
    rows = {name: page[page.index(name):][:600] for name in ("host-a:100", "host-b:200", "host-c:300")}
    assert "运行中" in rows["host-a:100"]
    assert "超过 2 分钟无心跳" in rows["host-b:200"]
    assert "已停止" in rows["host-c:300"] and "无心跳" not in rows["host-c:300"]


def test_each_duty_shows_its_passes_work_time_and_current_error(superuser):
    beat("host-a:100", silent_for=dt.timedelta(seconds=5))
    page = superuser.get(LIST).content.decode()
    assert "timers：3 轮，处理 5，上轮 12.5 毫秒" in page
    assert "feeds：1 轮，处理 0，上轮 40.0 毫秒，出错：ConnectError: refused" in page


def test_nobody_adds_or_edits_a_beat_and_only_a_gone_worker_can_be_cleared_away(superuser):
    running = beat("host-a:100", silent_for=dt.timedelta(seconds=5))
    gone = beat("host-b:200", silent_for=dt.timedelta(minutes=3))
    assert superuser.get(LIST + "add/").status_code == 403
    assert superuser.post(f"{LIST}{running.pk}/change/", {"name": "x"}).status_code == 403
    assert superuser.get(f"{LIST}{running.pk}/delete/").status_code == 403
    assert superuser.post(f"{LIST}{gone.pk}/delete/", {"post": "yes"}).status_code == 302
    assert list(WorkerBeat.objects.values_list("name", flat=True)) == ["host-a:100"]
