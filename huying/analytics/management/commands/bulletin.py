"""`huying bulletin --month 2026-10 --out DIR [--basis created|resolved] [--area CODE]`: the monthly bulletin
(月度通报) as Excel and PDF files in DIR; prints their paths. Nothing is stored: the web page keeps bulletins."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.analytics.bulletin.store import bulletin_area_default, bulletin_filename, bulletin_make
from huying.analytics.models import MeasureSettings, PeriodBasis
from huying.analytics.rates import MONTH, Period
from huying.org.models import Unit


def refused(option: str, message: str) -> CommandError:
    """The error of one option, named as typed on the command line ("--out: …")."""
    return CommandError(f"{option}: {message}")


def month_parse(text: str) -> Period:
    """A month such as 2026-10, not in the future; CommandError naming the option otherwise."""
    try:
        period = Period.parse(text)
    except ValueError:
        period = None
    if period is None or period.kind != MONTH:
        raise refused("--month", _("须为月份，如 2026-10（收到“%(value)s”）") % {"value": text[:20]})
    if period > Period.month_of(timezone.localdate()):
        raise refused("--month", _("%(month)s 尚未到来，不能生成通报") % {"month": period})
    return period


class Command(BaseCommand):
    help = "Write the monthly bulletin (月度通报) of one month as Excel and PDF, and print the files' paths."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="the month, e.g. 2026-10")
        parser.add_argument("--out", required=True, type=Path, help="the directory to write the files into")
        parser.add_argument("--basis", choices=PeriodBasis.values,
                            help="count cases by the month they were received or resolved (default: the settings')")
        parser.add_argument("--area", help="the code of the unit reported on (default: the district)")

    def handle(self, *args, month: str, out: Path, basis: str | None, area: str | None, **options):
        period = month_parse(month)
        unit = self._area(area)
        if out.exists() and not out.is_dir():
            raise refused("--out", _("%(path)s 不是目录") % {"path": out})
        basis = basis or MeasureSettings.current().period_basis
        _data, files = bulletin_make(area=unit, period=period, basis=basis)
        written = []
        try:  # /proc/x, /dev/null/x, a read-only disk, a full one: say so by the option, not with a traceback
            out.mkdir(parents=True, exist_ok=True)
            for ext, content in files.items():
                target = out / bulletin_filename(area=unit, period=period, basis=basis, ext=ext)
                target.write_bytes(content)
                written.append(target)
        except OSError as exc:
            raise refused("--out", _("无法写入 %(path)s：%(reason)s") % {
                "path": exc.filename or out, "reason": exc.strerror or exc}) from exc
        for target in written:
            self.stdout.write(str(target))

    def _area(self, code: str | None) -> Unit:
        if code is None:
            unit = bulletin_area_default()
            if unit is None:
                raise refused("--area", _("还没有任何单位，请先建立组织架构"))
            return unit
        found = Unit.objects.filter(code=code).first()
        if found is None:
            raise refused("--area", _("没有编码为 %(code)s 的单位") % {"code": code})
        return found
