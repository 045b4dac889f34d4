"""The demo's duty roster (值班表): each street office on duty for its own streets in office hours.

Outside those hours no shift is listed, so a one-key emergency falls to the command centre (on duty around the
clock) — both paths of the emergency routing show in the demo.
"""

import datetime as dt

from huying.demo.district import DemoDistrict
from huying.lib.workcal import SHANGHAI
from huying.org.models import DutyShift

DAY_SHIFT = (dt.time(8, 30), dt.time(17, 30))
DAYS_BEFORE, DAYS_AFTER = 7, 60


def duty_roster_build(demo: DemoDistrict, now: dt.datetime) -> int:
    today = now.astimezone(SHANGHAI).date()
    start, end = DAY_SHIFT
    shifts = [
        DutyShift(area=street, unit=street, contact_name=street.contact_name, contact_phone=street.contact_phone,
                  starts_at=dt.datetime.combine(day, start, SHANGHAI), ends_at=dt.datetime.combine(day, end, SHANGHAI))
        for offset in range(-DAYS_BEFORE, DAYS_AFTER)
        for day in [today + dt.timedelta(days=offset)]
        for street in demo.streets
    ]
    DutyShift.objects.bulk_create(shifts)
    return len(shifts)
