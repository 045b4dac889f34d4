from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from huying.org.models import DutyShift, Unit, User


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "contact_name", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name", "name_en")
    autocomplete_fields = ("parent",)


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    list_display = ("unit", "area", "starts_at", "ends_at", "contact_name", "contact_phone")
    list_filter = ("area",)
    date_hierarchy = "starts_at"
    autocomplete_fields = ("area", "unit")


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ("username", "first_name", "unit", "role", "is_active")
    list_filter = ("role", "is_active", "unit__kind")
    search_fields = ("username", "first_name", "last_name", "unit__name")
    autocomplete_fields = ("unit",)
    # UserAdmin always sets fieldsets, though ModelAdmin's type allows None: `or ()` only satisfies the checker.
    fieldsets = (*(UserAdmin.fieldsets or ()), (_("岗位"), {"fields": ("unit", "role", "phone")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, (_("岗位"), {"fields": ("unit", "role", "phone")}))


# API tokens (接口令牌). Imported here so this section stays self-contained at the end of the file.
from django.http import HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.utils.cache import add_never_cache_headers  # noqa: E402

from huying.org.models import ApiToken  # noqa: E402
from huying.org.tokens import token_issue  # noqa: E402

_TOKEN_SHOWN_ONCE = engines["django"].from_string(
    '{% extends "admin/base_site.html" %}{% block content %}<p>{{ intro }}</p>'
    '<p><code style="font-size:1.2em;user-select:all">{{ key }}</code></p>'
    '<p><a href="../">{{ back }}</a></p>{% endblock %}'
)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "key_prefix", "created_at", "last_used_at", "revoked")
    list_filter = ("revoked",)
    search_fields = ("name", "key_prefix", "user__username")
    autocomplete_fields = ("user",)
    readonly_fields = ("key_prefix", "created_at", "last_used_at")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "name")
        return ("user", "name", "key_prefix", "created_at", "last_used_at", "revoked")

    def save_model(self, request, obj, form, change):
        if not change:
            obj._plain_key = token_issue(obj)
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        # The key goes into this one response only: not into a message cookie, the session or a log.
        context = {
            **self.admin_site.each_context(request), "title": _("接口令牌"), "key": obj._plain_key,
            "intro": _("令牌“%(name)s”已创建。请立即复制密钥，之后不再显示：") % {"name": obj.name},
            "back": _("返回令牌列表"),
        }
        response = HttpResponse(_TOKEN_SHOWN_ONCE.render(context, request))
        add_never_cache_headers(response)
        return response
