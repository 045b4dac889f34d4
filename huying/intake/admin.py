"""Intake configuration in the admin: the malicious-caller blocklist (恶意来电) and opinion feeds (舆情源)."""

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huying.intake.models import BlockedCaller, OpinionFeed
from huying.intake.web.validators import phone_normalise
from huying.notify.phones import mask_phone


class BlockedCallerForm(forms.ModelForm):
    class Meta:
        model = BlockedCaller
        fields = ("phone", "reason", "expires_at")

    def clean_phone(self) -> str:
        # Stored in the one spelling the public forms compare against, however the operator typed it.
        return phone_normalise(self.cleaned_data["phone"])


class InForceFilter(admin.SimpleListFilter):
    title = _("状态")
    parameter_name = "in_force"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", str(_("生效中"))), ("no", str(_("已过期")))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        now = timezone.now()
        if self.value() == "yes":
            return queryset.filter(expires_at__gt=now)
        if self.value() == "no":
            return queryset.filter(expires_at__lte=now)
        return queryset


@admin.register(BlockedCaller)
class BlockedCallerAdmin(admin.ModelAdmin):
    form = BlockedCallerForm
    list_display = ("masked_phone", "reason", "expires_at", "created_by", "created_at")
    list_filter = (InForceFilter,)
    search_fields = ("phone",)
    date_hierarchy = "created_at"

    @admin.display(description=_("电话"), ordering="phone")
    def masked_phone(self, obj: BlockedCaller) -> str:
        return mask_phone(obj.phone)  # the list shows enough to recognise a number, not to use it (PIPL)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        return super().get_search_results(request, queryset, phone_normalise(search_term) if search_term else "")

    def save_model(self, request: HttpRequest, obj: BlockedCaller, form: forms.ModelForm, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


@admin.register(OpinionFeed)
class OpinionFeedAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "request_type", "category", "active", "poll_minutes", "last_polled_at")
    list_filter = ("kind", "active")
    search_fields = ("name", "url")
    readonly_fields = ("last_polled_at", "last_error")
