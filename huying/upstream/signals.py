"""Queue what happens to a forwarded case for its platform, in the transaction that records it."""

from typing import Any

from huying.cases.models import CaseEvent
from huying.upstream.outbox import message_enqueue


def on_case_event_saved(sender: type[CaseEvent], instance: CaseEvent, created: bool, raw: bool = False,
                        **kwargs: Any) -> None:
    # Same transaction as the event: a rolled-back action leaves no message, a committed one always has its
    # message (an outbox, not a call that could be lost between commit and send).
    if created and not raw:
        message_enqueue(event=instance)
