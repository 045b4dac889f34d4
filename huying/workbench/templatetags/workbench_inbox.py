"""{% inbox_link %}: the navigation's link to the inbox (站内信) with the unread badge, on every console page."""

from typing import Any

from django import template

from huying.notify.inbox import inbox_unread_count
from huying.org.models import User

register = template.Library()

BADGE_MAX = 99  # above this the badge says "99+": nobody counts a hundred unread messages one by one


@register.inclusion_tag("workbench/inbox/_nav_link.html", takes_context=True)
def inbox_link(context: template.Context) -> dict[str, Any]:
    user = context.get("user")
    if not isinstance(user, User) or not user.is_authenticated:  # no inbox, and no query, for anonymous visitors
        return {"shown": False}
    unread = inbox_unread_count(user, cap=BADGE_MAX)  # one query, over the partial index of unread rows
    return {"shown": True, "unread": unread, "badge": f"{BADGE_MAX}+" if unread > BADGE_MAX else str(unread)}
