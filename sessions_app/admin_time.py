"""The admin types and shows an event's times in the event's own time zone, labelled with it.

Every admin of event-owned objects (and their inlines) reads a typed date and time as the clock
where the event happens, the way the partner's "new event" form does (`event_time.aware_in`),
and shows stored times converted to that zone. For a new event, or when the time zone is changed
in the same form, the time zone field of that form decides.
"""

import datetime as dt

from django import forms
from django.contrib.admin import widgets
from django.contrib.admin.utils import unquote
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sessions_app.event_time import UTC_NAME, aware_in, local_in, zone_name

_ZONE_ATTR = "_event_time_zone"


class EventSplitDateTimeField(forms.SplitDateTimeField):
    """A date and a time typed on the event's wall clock."""

    def __init__(self, *args, tz_name: str = UTC_NAME, **kwargs):
        self.tz_name = zone_name(tz_name)
        super().__init__(*args, **kwargs)

    def compress(self, data_list):
        if not data_list:
            return None
        if data_list[0] in self.empty_values:
            raise forms.ValidationError(self.error_messages["invalid_date"], code="invalid_date")
        if data_list[1] in self.empty_values:
            raise forms.ValidationError(self.error_messages["invalid_time"], code="invalid_time")
        return aware_in(dt.datetime.combine(*data_list), self.tz_name)

    def prepare_value(self, value):
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return local_in(value, self.tz_name).replace(tzinfo=None)
        return value

    def has_changed(self, initial, data):
        return super().has_changed(self.prepare_value(initial), data)


def time_zone_of(request) -> str:
    return getattr(request, _ZONE_ATTR, UTC_NAME)


def set_time_zone(request, tz_name) -> str:
    name = zone_name(tz_name)
    setattr(request, _ZONE_ATTR, name)
    return name


def zone_label(tz_name: str) -> str:
    return _("In %(zone)s time, the event's time zone.") % {"zone": tz_name}


class EventTimeFields:
    """Date-time fields of the admin (and its inlines) on the event's wall clock."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DateTimeField) and db_field.editable:
            tz_name = time_zone_of(request)
            own_help = str(db_field.help_text or "")
            kwargs = {
                "form_class": EventSplitDateTimeField,
                "widget": widgets.AdminSplitDateTime,
                "tz_name": tz_name,
                "help_text": f"{own_help} {zone_label(tz_name)}".strip(),
                **kwargs,
            }
            return db_field.formfield(**kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def _zone_help_texts(self, request, model, kwargs):
        """Read-only date-time fields are labelled with the zone too."""
        tz_name = time_zone_of(request)
        texts = {
            field.name: f"{field.help_text or ''} {zone_label(tz_name)}".strip()
            for field in model._meta.get_fields()
            if isinstance(field, models.DateTimeField)
        }
        return {**texts, **(kwargs.get("help_texts") or {})}


class EventTimeAdmin(EventTimeFields):
    """For a ModelAdmin: the add/change page, its inlines and read-only fields, in the event's zone."""

    def event_time_zone(self, request, obj) -> str:
        """The zone of the page: the object's event's, or the one chosen in the posted form."""
        event = self.event_of(obj) if obj is not None else None
        if event is None and request.method == "POST":
            event = self.posted_event(request)
        return event.timezone if event is not None else UTC_NAME

    def event_of(self, obj):
        raise NotImplementedError

    def posted_event(self, request):
        return None

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["help_texts"] = self._zone_help_texts(request, self.model, kwargs)
        return super().get_form(request, obj, change, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = None
        if object_id is not None:
            try:
                obj = self.get_object(request, unquote(object_id))
            except (ValueError, TypeError):
                obj = None
        tz_name = set_time_zone(request, self.event_time_zone(request, obj))
        extra_context = {**(extra_context or {}), "event_time_zone": tz_name}
        with timezone.override(tz_name):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        return response

    def listed_time_zones(self, request) -> list[str]:
        """The time zones of the events whose rows this list may show (at most two are looked up)."""
        return []

    def changelist_view(self, request, extra_context=None):
        zones = self.listed_time_zones(request)
        tz_name = zone_name(zones[0]) if len(zones) == 1 else UTC_NAME
        subtitle = _("Times in %(zone)s.") % {"zone": tz_name}
        if len(zones) > 1:
            subtitle = _("Times in UTC: these events are in several time zones.")
        extra_context = {"subtitle": subtitle, **(extra_context or {})}
        with timezone.override(tz_name):
            response = super().changelist_view(request, extra_context)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        return response


class EventTimeInline(EventTimeFields):
    def get_formset(self, request, obj=None, **kwargs):
        kwargs["help_texts"] = self._zone_help_texts(request, self.model, kwargs)
        return super().get_formset(request, obj, **kwargs)
