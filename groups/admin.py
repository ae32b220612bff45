from django.contrib import admin
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from groups.models import Allocation, BreakoutGroup, GroupMembership
from sessions_app.admin_scoping import OrganiserInline, OrganiserScopedAdmin


@admin.register(Allocation)
class AllocationAdmin(OrganiserScopedAdmin):
    list_display = ["event", "created_at", "status", "is_current", "score_shown", "duration_shown", "created_by"]
    list_filter = ["status", "is_current", "event"]
    fields = readonly_fields = [
        "event",
        "run_id",
        "status",
        "is_current",
        "seed",
        "algorithm_version",
        "parameters",
        "report",
        "score_shown",
        "progress",
        "duration_shown",
        "error",
        "created_by",
        "created_at",
        "finished_at",
    ]

    @admin.display(description=_("score"), ordering="score")
    def score_shown(self, obj):
        return "—" if obj.score is None else number_format(obj.score, decimal_pos=1)

    @admin.display(description=_("duration (s)"), ordering="duration_seconds")
    def duration_shown(self, obj):
        if obj.duration_seconds is None:
            return "—"
        return number_format(obj.duration_seconds, decimal_pos=0 if obj.duration_seconds >= 10 else 1)

    def has_add_permission(self, request):
        return False  # allocations are run, not typed in

    def has_change_permission(self, request, obj=None):
        return False


class MembershipInline(OrganiserInline, admin.TabularInline):
    model = GroupMembership
    extra = 0
    fields = ["participant", "role", "joined_late"]
    readonly_fields = ["participant", "role", "joined_late"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(BreakoutGroup)
class BreakoutGroupAdmin(OrganiserScopedAdmin):
    list_display = ["__str__", "event", "round", "language", "size"]
    list_filter = ["event", "round"]
    readonly_fields = ["event", "allocation", "round", "number", "room_token"]
    inlines = [MembershipInline]

    @admin.display(description=_("size"))
    def size(self, obj):
        return obj.memberships.count()

    def has_add_permission(self, request):
        return False
