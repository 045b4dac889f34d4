"""Ratings and call-backs are read here, never edited (they are the resident's words, and they count in the three
rates); the feedback policy is one editable row."""

from django.contrib import admin
from django.http import HttpRequest

from huying.feedback.models import CallBack, FeedbackPolicy, Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("case", "round", "source", "responsiveness", "completion", "satisfaction", "solved",
                    "created_at")
    list_filter = ("source", "solved", "satisfaction")
    search_fields = ("case__number",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Rating | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Rating | None = None) -> bool:
        return False


@admin.register(CallBack)
class CallBackAdmin(admin.ModelAdmin):
    list_display = ("case", "round", "reached", "solved", "satisfaction", "operator", "created_at")
    list_filter = ("reached", "solved", "satisfaction")
    search_fields = ("case__number",)
    date_hierarchy = "created_at"
    list_select_related = ("case", "operator")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # recorded through callback_record, which also writes the audit event and may reopen

    def has_change_permission(self, request: HttpRequest, obj: CallBack | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: CallBack | None = None) -> bool:
        return False


@admin.register(FeedbackPolicy)
class FeedbackPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "rating_window_days", "reopen_window_days", "reopen_limit", "reopen_on_not_solved")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A singleton: FeedbackPolicy.current() creates the row with its defaults on first use.
        return not FeedbackPolicy.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: FeedbackPolicy | None = None) -> bool:
        return False
