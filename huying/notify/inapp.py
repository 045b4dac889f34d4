"""The in-app channel (站内信): a message in the staff member's inbox. Always configured."""

import httpx
from django.utils import timezone

from huying.notify.models import InboxMessage, Notification
from huying.notify.sending import SendError
from huying.org.models import User


class InAppSender:
    @classmethod
    def configured(cls, client: httpx.Client) -> "InAppSender":
        return cls()

    def send(self, notification: Notification) -> None:
        user = _active_user(notification.recipient)
        # One inbox line per outbox row (OneToOne): a delivery repeated after a crash finds it already there.
        InboxMessage.objects.get_or_create(notification=notification, defaults={
            "user": user, "case_id": notification.case_id, "created_at": timezone.now()})


def _active_user(recipient: str) -> User:
    user = User.objects.filter(pk=int(recipient), is_active=True).first() if recipient.isdigit() else None
    if user is None:
        raise SendError(f"user {recipient} does not exist or is inactive")
    return user
