"""The scheduled bulletin: on the administrator's day and hour, the month just ended is generated and e-mailed.

The worker's hourly `bulletins` duty calls `bulletins_run_due`. A run claims its month first, by moving the
schedule's `last_run_month` forward in one conditional UPDATE: of two workers passing at once, exactly one
gets the row, so a month is sent at most once. A run that fails hands the month back for the next pass.
"""

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from huying.analytics.bulletin.build import BulletinData
from huying.analytics.bulletin.store import FORMATS, bulletin_area_default, bulletin_filename, bulletin_generate
from huying.analytics.models import MeasureSettings
from huying.analytics.models_bulletin import Bulletin, BulletinSchedule, recipients_of
from huying.analytics.rates import Period
from huying.notify.mail import SMTP_BACKEND, TIMEOUT_SECONDS, smtp_error
from huying.notify.models import MailServer


def month_due(schedule: BulletinSchedule, now: dt.datetime) -> Period | None:
    """The month to send at `now`: the one just ended, once this month's day and hour have come, if not sent."""
    local = timezone.localtime(now)
    if not schedule.enabled or (local.day, local.hour) < (schedule.day_of_month, schedule.hour):
        return None
    month = Period.month_of(local.date()).previous()
    return month if schedule.last_run_month < month.months()[0] else None


def bulletins_run_due(now: dt.datetime | None = None) -> Bulletin | None:
    """Generate and e-mail the bulletin that is due at `now`, if any; the bulletin sent, else None."""
    now = now or timezone.now()
    schedule = BulletinSchedule.objects.filter(pk=1).first()
    period = month_due(schedule, now) if schedule else None
    if schedule is None or period is None:
        return None
    key = period.months()[0]
    # The claim (see the module docstring): on PostgreSQL a second worker's UPDATE waits for the first to
    # commit, then re-reads the row and no longer matches; SQLite lets one writer in at a time.
    if not BulletinSchedule.objects.filter(pk=1, enabled=True, last_run_month__lt=key).update(last_run_month=key):
        return None
    try:
        bulletin = _generate_and_send(schedule, period, now)
    except Exception as exc:
        BulletinSchedule.objects.filter(pk=1, last_run_month=key).update(
            last_run_month=schedule.last_run_month, last_error=_error_text(exc))
        raise
    BulletinSchedule.objects.filter(pk=1).update(last_sent_at=now, last_error="")
    return bulletin


def _generate_and_send(schedule: BulletinSchedule, period: Period, now: dt.datetime) -> Bulletin:
    area = schedule.area or bulletin_area_default()
    if area is None:
        raise ValueError("no organisation unit to report on")
    basis = MeasureSettings.current().period_basis
    bulletin, data = bulletin_generate(area=area, period=period, basis=basis, by=None, now=now)
    bulletin_email(bulletin, data, recipients_of(schedule.recipients))
    return bulletin


def bulletin_email(bulletin: Bulletin, data: BulletinData, recipients: list[str]) -> None:
    """Send both files to `recipients` through the active SMTP server (else Django's configured backend)."""
    connection, sender = _mail_connection()
    with translation.override(settings.LANGUAGE_CODE):
        message = EmailMessage(subject=_("呼应：%(title)s") % {"title": data.title}, body=email_body(data),
                               from_email=sender, to=recipients, connection=connection)
    for ext, content_type in FORMATS.items():
        name = bulletin_filename(area=data.area, period=data.period, basis=data.basis, ext=ext)
        message.attach(name, bytes(getattr(bulletin, ext)), content_type)
    message.send()


def _mail_connection() -> tuple[BaseEmailBackend, str]:
    server = MailServer.objects.filter(active=True).order_by("pk").first()
    if server is None:
        return get_connection(fail_silently=False), settings.DEFAULT_FROM_EMAIL
    connection = get_connection(SMTP_BACKEND, fail_silently=False, host=server.host, port=server.port,
                                username=server.username, password=server.password, use_tls=server.use_tls,
                                use_ssl=server.use_ssl, timeout=TIMEOUT_SECONDS)
    return connection, server.from_email


def _error_text(exc: Exception) -> str:
    server = MailServer.objects.filter(active=True).order_by("pk").first()
    return smtp_error(exc, password=server.password if server else "")[:2000]


def email_body(data: BulletinData) -> str:
    """A few lines of the month's figures; the files carry the rest."""
    def rate(value: float | None) -> str:
        return "—" if value is None else f"{value:.1f}"

    lines = [
        data.title, "",
        _("统计口径：%(basis)s") % {"basis": data.basis_label},
        _("计入考核 %(cases)d 件；响应率 %(response)s%%，解决率 %(solved)s%%，"
          "满意率 %(satisfied)s%%，综合得分 %(score)s。") % {
            "cases": data.totals.cases, "response": rate(data.rates.response), "solved": rate(data.rates.solved),
            "satisfied": rate(data.rates.satisfied), "score": rate(data.rates.composite)},
        _("红榜：%(names)s") % {"names": "、".join(line.name for line in data.good) or _("无")},
        _("黑榜：%(names)s") % {"names": "、".join(line.name for line in data.failing) or _("无")},
        "", _("街道与部门排名、分类统计及统计口径见附件（Excel 与 PDF）。"),
    ]
    return "\n".join(lines)
