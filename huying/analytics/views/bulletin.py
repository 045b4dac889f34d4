"""/work/rates/bulletins/: the monthly bulletins (月度通报) — the list, "generate for a month", and the downloads.

Bulletins are internal documents: only supervising staff (command centre, leaders, administrators) open them,
and only those of an area they oversee or belong to (`bulletins_visible_to`).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from huying.analytics.bulletin.store import (
    BULLETIN_ROLES,
    FORMATS,
    bulletin_area_for,
    bulletin_filename,
    bulletin_generate,
    bulletins_visible_to,
)
from huying.analytics.models import MeasureSettings, PeriodBasis
from huying.analytics.models_bulletin import BulletinSchedule
from huying.analytics.rates import MONTH, Period
from huying.org.access import role_required, staff_of
from huying.org.models import Role, User

PAGE_SIZE = 50


class GenerateForm(forms.Form):
    month = forms.CharField(label=gettext_lazy("月份"), max_length=7,
                            widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-10"}))
    basis = forms.ChoiceField(label=gettext_lazy("统计口径"), choices=PeriodBasis.choices)

    def clean_month(self) -> Period:
        text = self.cleaned_data["month"]
        try:
            period = Period.parse(text)
        except ValueError:
            period = None
        if period is None or period.kind != MONTH:
            raise forms.ValidationError(_("请按 2026-10 的格式填写"))
        if period > Period.month_of(timezone.localdate()):
            raise forms.ValidationError(_("%(month)s 尚未到来，不能生成通报") % {"month": period})
        return period


@never_cache
@require_GET
@role_required(BULLETIN_ROLES)
def bulletin_list(request: HttpRequest) -> HttpResponseBase:
    return _list_page(request, GenerateForm(initial=_initial()))


@never_cache
@require_POST
@role_required(BULLETIN_ROLES)
def bulletin_create(request: HttpRequest) -> HttpResponseBase:
    user = staff_of(request)
    area = bulletin_area_for(user)
    if area is None:
        raise PermissionDenied
    form = GenerateForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    period, basis = form.cleaned_data["month"], form.cleaned_data["basis"]
    bulletin_generate(area=area, period=period, basis=basis, by=user)
    messages.success(request, _("已生成%(area)s %(month)s 的月度通报") % {"area": area.local_name, "month": period})
    return redirect("analytics:bulletins")


@never_cache
@require_GET
@role_required(BULLETIN_ROLES)
def bulletin_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    if fmt not in FORMATS:
        raise Http404
    bulletin = get_object_or_404(bulletins_visible_to(staff_of(request)), pk=pk)
    name = bulletin_filename(area=bulletin.area, period=Period(MONTH, bulletin.month // 100, bulletin.month % 100),
                             basis=bulletin.basis, ext=fmt)
    return HttpResponse(bytes(getattr(bulletin, fmt)), content_type=FORMATS[fmt],
                        headers={"Content-Disposition": content_disposition_header(True, name)})


def _initial() -> dict:
    return {"month": str(Period.month_of(timezone.localdate()).previous()),
            "basis": MeasureSettings.current().period_basis}


def _list_page(request: HttpRequest, form: GenerateForm, status: int = 200) -> HttpResponse:
    user = staff_of(request)
    page = Paginator(bulletins_visible_to(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "analytics/bulletin/list.html", {
        "page": page, "form": form, "area": bulletin_area_for(user), "schedule": _schedule_for(user),
    }, status=status)


def _schedule_for(user: User) -> BulletinSchedule | None:
    """The schedule's state, for those who set it (administrators); its defaults (off) before it was ever saved."""
    if user.is_superuser or user.role == Role.ADMIN:
        return BulletinSchedule.objects.filter(pk=1).first() or BulletinSchedule()
    return None
