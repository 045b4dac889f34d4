"""Cases are read-only in the admin: every change must go through the workflow services."""

from django.contrib import admin

from huying.cases.models import Case, CaseAssignment, CaseEvent, CaseTimer


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = CaseEvent
    fields = ("created_at", "action", "actor", "actor_unit", "from_status", "to_status", "unit", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "status", "channel", "category", "tier", "current_unit", "created_at",
                    "completion_due_at")
    list_filter = ("status", "channel", "urgency", "tier", "street")
    search_fields = ("number",)
    date_hierarchy = "created_at"
    inlines = [EventInline]
    # The reporter's phone and name stay out of the list: only the case page shows them.
    exclude = ("reporter_phone",)


@admin.register(CaseAssignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("case", "unit", "role", "due_at", "reported_at")


@admin.register(CaseTimer)
class TimerAdmin(ReadOnlyAdmin):
    """The running deadlines and when each one's next step is due; a failing one shows its last error."""

    list_display = ("case", "kind", "unit", "deadline_at", "next_at", "fired_through", "attempts", "last_error")
    list_filter = ("kind",)
    list_select_related = ("case", "unit")
    search_fields = ("case__number",)
