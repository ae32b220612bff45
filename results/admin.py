from django.contrib import admin

from results.models import NoteRevision, NoteSubmission, ReferenceDataset, ReferenceResult
from sessions_app.admin_scoping import OrganiserInline, OrganiserScopedAdmin
from sessions_app.auth import is_organiser


class RevisionInline(OrganiserInline, admin.TabularInline):
    model = NoteRevision
    extra = 0
    fields = ["number", "created_at", "submitted_by", "data"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NoteSubmission)
class NoteSubmissionAdmin(OrganiserScopedAdmin):
    event_path = "group__event"
    list_display = ["group", "session", "status", "version", "updated_at", "submitted_at"]
    list_filter = ["status", "session__event"]
    readonly_fields = ["group", "session", "status", "data", "version", "updated_by", "updated_at", "submitted_at"]
    inlines = [RevisionInline]

    def has_add_permission(self, request):
        return False


class ReferenceResultInline(admin.TabularInline):
    model = ReferenceResult
    extra = 0


@admin.register(ReferenceDataset)
class ReferenceDatasetAdmin(admin.ModelAdmin):
    """Reference datasets are shared by all events: organisers read them, the coalition edits them."""

    list_display = ["title", "source", "illustrative", "created_at"]
    inlines = [ReferenceResultInline]

    def has_module_permission(self, request):
        return is_organiser(request.user)

    def has_view_permission(self, request, obj=None):
        return is_organiser(request.user)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    has_delete_permission = has_change_permission

    def has_add_permission(self, request):
        return request.user.is_superuser
