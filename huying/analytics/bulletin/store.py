"""Generating and keeping bulletins, and who may read them (internal documents: supervising staff only)."""

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from huying.analytics.bulletin.build import BulletinData, bulletin_collect
from huying.analytics.bulletin.excel import bulletin_xlsx
from huying.analytics.bulletin.pdf import bulletin_pdf
from huying.analytics.models_bulletin import Bulletin
from huying.analytics.rates import Period
from huying.org.models import SUPERVISING_ROLES, Unit, UnitKind, User

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
FORMATS = {"xlsx": XLSX_TYPE, "pdf": PDF_TYPE}
# 区领导, the command centre and administrators read and generate bulletins; handlers do not.
BULLETIN_ROLES = frozenset(SUPERVISING_ROLES)


def bulletin_make(*, area: Unit, period: Period, basis: str,
                  now: dt.datetime | None = None) -> tuple[BulletinData, dict[str, bytes]]:
    """The month's figures and both files ("xlsx", "pdf"), in the site's language: a bulletin reads the same
    whoever asked for it."""
    with translation.override(settings.LANGUAGE_CODE):
        data = bulletin_collect(area=area, period=period, basis=basis, now=now)
        return data, {"xlsx": bulletin_xlsx(data), "pdf": bulletin_pdf(data)}


def bulletin_generate(*, area: Unit, period: Period, basis: str, by: User | None,
                      now: dt.datetime | None = None) -> tuple[Bulletin, BulletinData]:
    """Collect `period` (a month) for `area` and store both files, replacing an earlier bulletin of that month."""
    now = now or timezone.now()
    data, files = bulletin_make(area=area, period=period, basis=basis, now=now)
    bulletin, _created = Bulletin.objects.update_or_create(
        area=area, month=period.months()[0], basis=basis,
        defaults={"created_at": now, "created_by": by, "xlsx": files["xlsx"], "pdf": files["pdf"]})
    return bulletin, data


def bulletin_filename(*, area: Unit, period: Period, basis: str, ext: str) -> str:
    return f"bulletin-{area.code}-{period}-{basis}.{ext}"


def bulletin_area_default() -> Unit | None:
    """The area a bulletin covers when nobody says: the district, if there is one; else the top of the tree."""
    districts = list(Unit.objects.filter(kind=UnitKind.DISTRICT, active=True)[:2])
    if len(districts) == 1:
        return districts[0]
    return Unit.objects.filter(parent__isnull=True).order_by("path").first()


def bulletin_area_for(user: User) -> Unit | None:
    """The area `user` generates bulletins for: the district they oversee (a command centre's, a district
    leader's); None for those who oversee no whole district, such as a street's leader, who only reads them."""
    if user.unit is None:
        return bulletin_area_default() if user.is_superuser else None
    area = user.unit.ancestor_of_kind(UnitKind.DISTRICT) or user.unit.ancestors()[-1]
    return area if area.path.startswith(user.unit.scope_path()) else None


def may_read_bulletins(user: User) -> bool:
    return user.is_superuser or user.role in BULLETIN_ROLES


def bulletins_visible_to(user: User) -> QuerySet[Bulletin]:
    """The bulletins `user` may open: those of an area they oversee, or of an area they belong to (a street
    leader reads the district's bulletin, which ranks their street)."""
    bulletins = Bulletin.objects.select_related("area", "created_by").defer("xlsx", "pdf")
    if not may_read_bulletins(user):
        return bulletins.none()
    if user.unit is None:
        return bulletins if user.is_superuser else bulletins.none()
    ids = [p for p in user.unit.path.strip("/").split("/") if p]
    above = ["/" + "/".join(ids[:n]) + "/" for n in range(1, len(ids) + 1)]
    return bulletins.filter(Q(area__path__startswith=user.unit.scope_path()) | Q(area__path__in=above))
