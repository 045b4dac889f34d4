"""The blocklist (恶意来电) in the admin: numbers stored in the spelling the public forms compare, shown masked."""

import datetime as dt

from django.utils import timezone

from huying.intake.models import BlockedCaller
from huying.org.models import User
from tests.cast import PASSWORD


def admin_client(client, cast):
    User.objects.create_superuser("root", password=PASSWORD, unit=cast.centre)
    assert client.login(username="root", password=PASSWORD)
    return client


def test_a_number_typed_any_way_is_stored_normalised_and_by_whom(cast, client):
    expires = timezone.localtime(timezone.now() + dt.timedelta(days=30))
    response = admin_client(client, cast).post("/admin/intake/blockedcaller/add/", {
        "phone": "+86 138-0013-8000", "reason": "反复恶意骚扰坐席",
        "expires_at_0": expires.strftime("%Y-%m-%d"), "expires_at_1": expires.strftime("%H:%M:%S"),
    })
    assert response.status_code == 302
    blocked = BlockedCaller.objects.get()
    assert (blocked.phone, blocked.created_by.username) == ("13800138000", "root")


def test_the_list_shows_numbers_masked_and_finds_them_however_typed(cast, client):
    BlockedCaller.objects.create(phone="13800138000", reason="骚扰", expires_at=timezone.now() + dt.timedelta(days=1))
    page = admin_client(client, cast).get("/admin/intake/blockedcaller/", {"q": "138 0013 8000"}).content.decode()
    assert "138****8000" in page and "13800138000" not in page
