"""Patrol records in the admin: read-only, with one action to end the patrols workers forgot to stop."""

import datetime as dt

from django.test import Client

from huying.org.models import User
from huying.proactive.models import Patrol
from huying.proactive.services import patrol_start, patrol_stop


def test_the_admin_lists_patrols_read_only_and_ends_forgotten_ones(cast, clock):
    patrol_start(worker=cast.grid_worker)
    clock.shift(dt.timedelta(hours=9))  # went home without stopping
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="x"))
    assert "幸福里网格1" in client.get("/admin/proactive/patrol/").content.decode()
    patrol = Patrol.objects.get()
    assert client.get(f"/admin/proactive/patrol/{patrol.pk}/change/").status_code == 200
    assert 'name="_save"' not in client.get(f"/admin/proactive/patrol/{patrol.pk}/change/").content.decode()
    assert client.get("/admin/proactive/patrol/add/").status_code == 403
    client.post("/admin/proactive/patrol/", {"action": "end_now", "_selected_action": [patrol.pk]})
    patrol.refresh_from_db()
    assert patrol.ended_at is not None and patrol.ended_at - patrol.started_at == dt.timedelta(hours=9)


def test_ending_from_the_admin_leaves_finished_patrols_alone(cast, clock):
    patrol_start(worker=cast.grid_worker)
    clock.shift(dt.timedelta(hours=1))
    finished = patrol_stop(worker=cast.grid_worker)
    clock.shift(dt.timedelta(hours=1))
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="x"))
    client.post("/admin/proactive/patrol/", {"action": "end_now", "_selected_action": [finished.pk]})
    assert Patrol.objects.get().ended_at == finished.ended_at
