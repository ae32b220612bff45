"""Admin scoping: an organiser sees and edits only the events of their own organisations."""

from django.contrib import admin

from sessions_app.auth import is_organiser
from sessions_app.models import Event, Organisation
from wetheinternet.cleaning import CLEAN_JSON_FORMFIELDS


def _follow(obj, path: str):
    for part in path.split("__") if path else []:
        obj = getattr(obj, part)
    return obj


class OrganiserScopedAdmin(admin.ModelAdmin):
    """`event_path` leads from the model to its Event ("" for Event itself)."""

    event_path = "event"
    formfield_overrides = CLEAN_JSON_FORMFIELDS

    def _prefix(self) -> str:
        return f"{self.event_path}__" if self.event_path else ""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self._prefix()}organisation__members": request.user})

    def _owns(self, request, obj) -> bool:
        if request.user.is_superuser:
            return True
        event = _follow(obj, self.event_path)
        return event.organisation.members.filter(pk=request.user.pk).exists()

    def has_module_permission(self, request):
        return is_organiser(request.user)

    def has_view_permission(self, request, obj=None):
        return is_organiser(request.user) and (obj is None or self._owns(request, obj))

    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission

    def has_add_permission(self, request):
        return is_organiser(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            if db_field.related_model is Event:
                kwargs["queryset"] = Event.objects.organised_by(request.user)
            elif db_field.related_model is Organisation:
                kwargs["queryset"] = request.user.organisations.all()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OrganiserInline:
    """Inlines follow the permission already checked on their parent object."""

    formfield_overrides = CLEAN_JSON_FORMFIELDS

    def has_view_permission(self, request, obj=None):
        return is_organiser(request.user)

    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission
    has_add_permission = has_view_permission


class ReadOnlyInline:
    """A history shown beside its parent (revisions, published versions): never added, changed or
    deleted there. Put it before the other bases, so that it wins."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
