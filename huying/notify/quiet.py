"""Quiet hours (免打扰时段): when a non-urgent text must wait. A pure function of the moment and the window."""

import datetime as dt

from huying.lib.workcal import SHANGHAI


def quiet_end(moment: dt.datetime, start: dt.time | None, end: dt.time | None) -> dt.datetime | None:
    """The end of the quiet window `moment` falls in (Beijing time), or None when it falls in none.

    The window may cross midnight (22:00–08:00). No window is set unless both ends are, and differ.
    """
    if start is None or end is None or start == end:
        return None
    local = moment.astimezone(SHANGHAI)
    now, today = local.time(), local.date()
    if start < end:
        inside, ends_on = start <= now < end, today
    elif now >= start:  # the evening part of a window that crosses midnight: it ends tomorrow morning
        inside, ends_on = True, today + dt.timedelta(days=1)
    else:
        inside, ends_on = now < end, today
    return dt.datetime.combine(ends_on, end, tzinfo=SHANGHAI) if inside else None
