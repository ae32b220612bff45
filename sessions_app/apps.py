"""The app of events and people (named ``sessions_app`` for the sessions of an event's programme,
not for HTTP sessions)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SessionsAppConfig(AppConfig):
    name = "sessions_app"
    verbose_name = _("Events and people")
