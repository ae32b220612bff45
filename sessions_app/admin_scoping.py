"""Admin scoping: an organiser sees and edits only the events of their own organisations.

The rule covers every way the admin shows or accepts another object: the changelist and its
filter sidebar, every foreign-key and many-to-many choice (select, raw id, autocomplete) of the
admins and their inlines, and the check that a chosen object belongs to the same event. What an
organiser may pick is what the related model's own admin lets them see (its get_queryset), so a
new scoped admin is covered without another list here.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, SuspiciousOperation
from django.db import models
from django.utils.translation import gettext_lazy as _

from infrastructure.cleaning import CLEAN_JSON_FORMFIELDS
from sessions_app.admin_time import EventTimeAdmin, EventTimeInline
from sessions_app.auth import is_organiser
from sessions_app.models import Event, Organisation

# A list filter offers only the events (or organisations) of the rows one may see: another
# partner's event titles never show in the sidebar.
OnlyYours = admin.RelatedOnlyFieldListFilter


def _follow(obj, path: str):
    for part in path.split("__") if path else []:
        obj = getattr(obj, part)
    return obj


def _has_event(model) -> bool:
    """True when the model's objects belong to one event (a foreign key named `event`)."""
    try:
        field = model._meta.get_field("event")
    except FieldDoesNotExist:
        return False
    return field.concrete and field.is_relation and field.related_model is Event


def choices_for(admin_site, request, related_model):
    """The objects of `related_model` that this organiser may choose, or None for all (superusers).

    Models without an admin of their own are never offered to organisers: fail closed."""
    user = request.user
    if user.is_superuser:
        return None
    if related_model is Organisation:
        return user.organisations.all()
    if related_model is get_user_model():
        # Accounts of one's own organisations only, never every partner's.
        return related_model.objects.filter(organisations__in=user.organisations.all()).distinct().order_by("email")
    if related_model is Event:
        return Event.objects.organised_by(user)
    related_admin = admin_site._registry.get(related_model)
    if related_admin is None:
        return related_model._default_manager.none()
    return related_admin.get_queryset(request)


class ScopedRawIdWidget(ForeignKeyRawIdWidget):
    """A raw id field that names only objects one may see (Django's looks up any id typed in)."""

    def __init__(self, rel, admin_site, *args, allowed=None, **kwargs):
        super().__init__(rel, admin_site, *args, **kwargs)
        self.allowed = allowed

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        if self.allowed is not None:
            try:
                if not self.allowed.filter(**{key: value}).exists():
                    return "", ""
            except (ValueError, TypeError, forms.ValidationError):
                return "", ""
        return super().label_and_url_for_value(value)


class SameEventModelForm(forms.ModelForm):
    """A chosen object that belongs to an event (a session, a group, a person) must belong to this
    object's event: a phase never discusses another event's session, even among one's own."""

    def clean(self):
        cleaned = super().clean()
        event = cleaned.get("event") if isinstance(cleaned.get("event"), Event) else None
        if event is None and getattr(self.instance, "event_id", None):
            event = self.instance.event
        if event is None and isinstance(self.instance, Event) and self.instance.pk:
            event = self.instance
        if event is None:
            return cleaned
        for name, value in list(cleaned.items()):
            foreign = isinstance(value, models.Model) and _has_event(type(value)) and value.event_id != event.pk
            if name != "event" and foreign:
                self.add_error(name, _("Choose one of this event's own."))
        return cleaned


class ScopedChoices:
    """formfield_for_foreignkey / _manytomany offering only what the organiser may see."""

    form = SameEventModelForm

    def _scope_kwargs(self, db_field, request, kwargs):
        allowed = choices_for(self.admin_site, request, db_field.related_model)
        if allowed is None:
            return kwargs
        parent = getattr(self, "_parent_event", False)
        if parent is not False and _has_event(db_field.related_model):
            # Inline of an event (or of an object of one): only that event's objects.
            allowed = allowed.filter(event=parent) if parent is not None else allowed.none()
        if "queryset" in kwargs:  # narrowed further by the admin itself
            allowed = kwargs["queryset"].filter(pk__in=allowed.values("pk"))
        kwargs["queryset"] = allowed
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._scope_kwargs(db_field, request, kwargs)
        if "queryset" in kwargs and db_field.name in getattr(self, "raw_id_fields", ()) and "widget" not in kwargs:
            kwargs["widget"] = ScopedRawIdWidget(db_field.remote_field, self.admin_site, allowed=kwargs["queryset"])
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **self._scope_kwargs(db_field, request, kwargs))


class UnreadableQuery(SuspiciousOperation):
    """Answered 400: a query string no person typed (a NUL that PostgreSQL refuses to compare)."""


def _refuse_unreadable(*texts: str) -> None:
    if any("\x00" in text for text in texts):
        raise UnreadableQuery("NUL character in the admin's query string")


class ReadableQueryAdmin:
    """Changelists, their filters, search and autocomplete answer 400 to a NUL, never 500."""

    def changelist_view(self, request, extra_context=None):
        _refuse_unreadable(*(text for key, values in request.GET.lists() for text in (key, *values)))
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        _refuse_unreadable(search_term)
        return super().get_search_results(request, queryset, search_term)


class OrganiserScopedAdmin(ReadableQueryAdmin, EventTimeAdmin, ScopedChoices, admin.ModelAdmin):
    """`event_path` leads from the model to its Event ("" for Event itself)."""

    event_path = "event"
    formfield_overrides = CLEAN_JSON_FORMFIELDS

    def event_of(self, obj):
        return _follow(obj, self.event_path)

    def listed_time_zones(self, request) -> list[str]:
        field = f"{self._prefix()}timezone"
        return list(self.get_queryset(request).order_by(field).values_list(field, flat=True).distinct()[:2])

    def posted_event(self, request):
        """On an add page, the event chosen in the form (among one's own), whose zone the times are in."""
        if self.event_path != "event":
            return None
        allowed = choices_for(self.admin_site, request, Event)
        allowed = Event.objects.all() if allowed is None else allowed
        try:
            return allowed.filter(pk=int(request.POST.get("event", ""))).first()
        except (TypeError, ValueError, OverflowError):
            return None

    def _prefix(self) -> str:
        return f"{self.event_path}__" if self.event_path else ""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self._prefix()}organisation__members": request.user})

    def get_list_filter(self, request):
        # A filter on a relation lists only the objects of the rows one may see (another
        # partner's event titles never show in the sidebar), whatever the admin declared.
        return [scoped_list_filter(self.model, entry) for entry in super().get_list_filter(request)]

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


def _is_relation_path(model, path: str) -> bool:
    field = None
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:  # a plain filter name
            return False
        if field.is_relation and field.related_model is not None:
            model = field.related_model
        else:
            return False
    return field is not None


def scoped_list_filter(model, entry):
    if isinstance(entry, str) and _is_relation_path(model, entry):
        return (entry, admin.RelatedOnlyFieldListFilter)
    if (
        isinstance(entry, tuple | list)
        and len(entry) == 2
        and isinstance(entry[1], type)
        and issubclass(entry[1], admin.RelatedFieldListFilter)
        and not issubclass(entry[1], admin.RelatedOnlyFieldListFilter)
    ):
        return (entry[0], admin.RelatedOnlyFieldListFilter)
    return entry


class OrganiserInline(EventTimeInline, ScopedChoices):
    """Inlines follow the permission already checked on their parent object; their choices are
    the parent event's own objects."""

    def get_formset(self, request, obj=None, **kwargs):
        self._parent_event = obj if isinstance(obj, Event) or obj is None else getattr(obj, "event", None)
        return super().get_formset(request, obj, **kwargs)

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
