"""What every sender shares: the Sender protocol and the two outcomes of a send other than success."""

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from huying.notify.models import Notification


class SendError(Exception):
    """Delivery failed; the text is stored as last_error, so it must never carry a phone number or password."""


class Held(Exception):
    """The message may not go out now (e.g. quiet hours); try again at `until`, without counting an attempt."""

    def __init__(self, until: dt.datetime):
        super().__init__(f"held until {until.isoformat()}")
        self.until = until


class Sender(Protocol):
    def send(self, notification: Notification) -> None:
        """Deliver one message; SendError when it was not delivered, Held when it must wait."""


def rendered(render: Callable[[str, Mapping[str, Any]], str], notification: Notification) -> str:
    """`render`(template, context); SendError when the template is missing or its text cannot be filled in."""
    try:
        return render(notification.template, notification.context)
    except (KeyError, ValueError, IndexError) as exc:  # a retry after the administrator fixes the wording may pass
        raise SendError(f"template {notification.template}: {type(exc).__name__}: {exc}") from exc
