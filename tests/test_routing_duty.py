"""值班: a one-key emergency goes at once to the unit on duty for its place and flags the command centre."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from huying.notify.models import Notification
from huying.org.models import DutyShift
from tests.cast import FROZEN_NOW

HOUR = dt.timedelta(hours=1)


def shift(area, unit, *, start=-1, end=1, phone=""):
    return DutyShift.objects.create(area=area, unit=unit, starts_at=FROZEN_NOW + start * HOUR,
                                    ends_at=FROZEN_NOW + end * HOUR, contact_phone=phone)


def emergency(new_case, cast, **fields):
    return new_case(channel="emergency", urgency="emergency", category=None, request_type=cast.help,
                    description="幸福里3号楼楼道里煤气味很浓", **fields)


def test_an_emergency_goes_to_the_unit_on_duty_for_its_street(cast, new_case, clock):
    shift(cast.east, cast.east)
    case = emergency(new_case, cast)
    assert (case.status, case.current_unit) == ("dispatched", cast.east)
    assert case.events.get(action="dispatch").data["reason"] == "on_duty"


def test_the_most_specific_area_on_duty_wins(cast, new_case, clock):
    shift(cast.district, cast.centre)
    shift(cast.east, cast.east)
    shift(cast.xingfu, cast.xingfu)
    assert emergency(new_case, cast).current_unit == cast.xingfu


def test_a_shift_that_has_ended_or_not_begun_does_not_count(cast, new_case, clock):
    shift(cast.east, cast.east, start=-3, end=-1)
    shift(cast.xingfu, cast.xingfu, start=1, end=3)
    case = emergency(new_case, cast)
    assert case.current_unit == cast.centre
    assert case.events.get(action="dispatch").data["reason"] == "on_duty_command_centre"


def test_a_shift_elsewhere_does_not_take_this_place(cast, new_case, clock):
    shift(cast.west, cast.west)
    assert emergency(new_case, cast).current_unit == cast.centre


def test_a_classified_urgent_hotline_case_still_follows_the_catalogue(cast, new_case, clock):
    shift(cast.east, cast.east)
    case = new_case(urgency="emergency")  # 特急 but classified: the dispatch catalogue decides
    assert case.current_unit == cast.xingfu


def test_the_duty_phone_the_unit_and_the_command_centre_are_texted(cast, new_case, clock):
    cast.centre.contact_phone = "13900000001"
    cast.centre.save()
    cast.east.contact_phone = "13900000002"
    cast.east.save()
    shift(cast.east, cast.east, phone="139-0000-0003")
    case = emergency(new_case, cast, reporter_phone="13800138000")
    alerts = Notification.objects.filter(template="emergency_alert").order_by("pk")
    assert [n.recipient for n in alerts] == ["13900000003", "13900000002", "13900000001"]
    assert all(n.context["number"] == case.number and "13800138000" not in str(n.context) for n in alerts)


def test_an_ordinary_case_texts_no_staff(cast, new_case, clock):
    cast.centre.contact_phone = "13900000001"
    cast.centre.save()
    new_case()
    assert not Notification.objects.filter(template="emergency_alert").exists()


def test_a_shift_must_end_after_it_starts(cast):
    bad = DutyShift(area=cast.east, unit=cast.east, starts_at=FROZEN_NOW, ends_at=FROZEN_NOW)
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert "ends_at" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        bad.save()
