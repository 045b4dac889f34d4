"""The e-mail channel: through the active SMTP server (`MailServer`), with Django's SMTP e-mail backend."""

import httpx
from django.core.mail import EmailMessage, get_connection

from huying.notify.models import MailServer, Notification
from huying.notify.sending import SendError, rendered
from huying.notify.templates import message_render, message_subject

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
TIMEOUT_SECONDS = 10


class EmailSender:
    def __init__(self, server: MailServer):
        self.server = server

    @classmethod
    def configured(cls, client: httpx.Client) -> "EmailSender | None":
        server = MailServer.objects.filter(active=True).order_by("pk").first()
        return cls(server) if server else None

    def send(self, notification: Notification) -> None:
        server = self.server
        subject, body = rendered(message_subject, notification), rendered(message_render, notification)
        try:
            connection = get_connection(SMTP_BACKEND, fail_silently=False, host=server.host, port=server.port,
                                        username=server.username, password=server.password,
                                        use_tls=server.use_tls, use_ssl=server.use_ssl, timeout=TIMEOUT_SECONDS)
            EmailMessage(subject=subject, body=body, from_email=server.from_email, to=[notification.recipient],
                         connection=connection).send()
        except (OSError, ValueError) as exc:  # smtplib's errors are OSErrors, as are refused and timed-out sockets
            # A refused recipient is quoted by the server: the admin sees last_error, masked like the column.
            error = smtp_error(exc, password=server.password).replace(notification.recipient,
                                                                      mask_email(notification.recipient))
            raise SendError(error) from exc

def smtp_error(exc: Exception, *, password: str) -> str:
    """What went wrong, for last_error: never the password, whatever the server or library put in the text."""
    text = f"{type(exc).__name__}: {exc}"
    return text.replace(password, "***") if password else text


def mask_email(address: str) -> str:
    """a***@b.com: the administrator sees which mailbox domain, not whose mailbox (PIPL)."""
    local, at, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if at else "***"
