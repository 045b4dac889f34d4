"""The map (地图): the page, and the JSON it draws from — boundaries, case points and heat, all in the user's scope."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from huying.cases.selectors import cases_visible_to
from huying.cases.workflow import Status
from huying.workbench.access import staff, staff_required
from huying.workbench.maps.areas import areas_for, map_root, scope_bounds, user_scope
from huying.workbench.maps.filters import MapFilterForm, cases_filtered, map_filter_form
from huying.workbench.maps.points import case_points, heat_cells
from huying.workbench.maps.tiles import tile_config


@never_cache
@require_GET
@staff_required()
def map_page(request: HttpRequest) -> HttpResponseBase:
    form = map_filter_form(request.GET)
    form.is_valid()  # errors show beside their fields; the page still draws with what was typed
    return render(request, "workbench/maps/map.html", {"form": form, "config": map_config()})


def map_config() -> dict:
    """What the map script needs: where its data is, the base map, and its words in the user's language."""
    return {
        "tiles": tile_config(),
        "areas": reverse("work:map_areas"), "cases": reverse("work:map_cases"), "heat": reverse("work:map_heat"),
        "caseUrl": reverse("work:home") + "cases/{number}/",
        "statuses": dict(Status.choices),
        "timeZone": settings.TIME_ZONE, "locale": "en" if (get_language() or "").startswith("en") else "zh-CN",
        "labels": {
            "grids": _("网格"), "communities": _("社区边界"), "streets": _("街道边界"), "cases": _("工单"),
            "heat": _("热力"), "overdue": _("已超期"), "emergency": _("特急"), "urgent": _("紧急"),
            "shown": _("显示 {shown} 件工单"), "capped": _("共 {total} 件，仅显示最新 {shown} 件；热力图包含全部"),
            "loading": _("正在加载…"), "failed": _("加载失败，请稍后重试"), "signedOut": _("登录已过期，请重新登录"),
            "open": _("查看工单"), "created": _("受理时间"),
            "legendPending": _("待签收"), "legendWorking": _("办理中"), "legendDone": _("已办结"),
            "legendOther": _("并单/无效"), "legendOverdue": _("超期"),
        },
    }


@never_cache
@require_GET
@staff_required()
def areas_json(request: HttpRequest) -> HttpResponseBase:
    """GeoJSON of the user's district: street and community outlines and grid polygons, plus the bounds."""
    user = staff(request)
    root = map_root(user)
    if root is None:
        return JsonResponse({"type": "FeatureCollection", "features": [], "bounds": None, "focus": None})
    areas = areas_for(root)
    focus = scope_bounds(areas, user_scope(user)) or areas.geojson["bounds"]
    return JsonResponse({**areas.geojson, "focus": focus})


@never_cache
@require_GET
@staff_required()
def cases_json(request: HttpRequest) -> HttpResponseBase:
    """The user's cases matching the filters as compact rows (newest first, capped)."""
    form = map_filter_form(request.GET)
    if not form.is_valid():
        return _bad_filters(form)
    return JsonResponse(case_points(cases_filtered(cases_visible_to(staff(request)), form.cleaned_data)))


@never_cache
@require_GET
@staff_required()
def heat_json(request: HttpRequest) -> HttpResponseBase:
    """Case density for the same filters: counts per ~100 m cell, over every matching case."""
    form = map_filter_form(request.GET)
    if not form.is_valid():
        return _bad_filters(form)
    return JsonResponse(heat_cells(cases_filtered(cases_visible_to(staff(request)), form.cleaned_data)))


def _bad_filters(form: MapFilterForm) -> HttpResponse:
    field, message = form.first_error()
    label = str(form.fields[field].label) if field else ""
    if label:
        message = _("%(field)s：%(message)s") % {"field": label, "message": message}
    return JsonResponse({"code": "invalid_input", "field": field, "message": message}, status=400)
