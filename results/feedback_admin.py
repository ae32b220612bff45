"""The feedback survey in the admin: its questions under each event (an inline, and an action
that adds the default questions), and a list of every question, scoped to the organiser's events.
A results feature, so the event admin of sessions_app is extended here."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from infrastructure.cleaning import CLEAN_JSON_FORMFIELDS
from results.feedback import feedback_questions_create_defaults
from results.models import FeedbackQuestion
from sessions_app.admin import EventAdmin
from sessions_app.admin_scoping import OrganiserInline, OrganiserScopedAdmin
from sessions_app.models import Event


class FeedbackQuestionInline(OrganiserInline, admin.TabularInline):
    model = FeedbackQuestion
    extra = 0
    fields = ["order", "kind", "text", "translations"]
    formfield_overrides = CLEAN_JSON_FORMFIELDS
    verbose_name_plural = _("feedback survey (closing page)")


@admin.register(FeedbackQuestion)
class FeedbackQuestionAdmin(OrganiserScopedAdmin):
    list_display = ["text", "event", "order", "kind"]
    list_filter = ["event", "kind"]
    fields = ["event", "order", "kind", "text", "translations"]


class FeedbackEventAdmin(EventAdmin):
    inlines = [*EventAdmin.inlines, FeedbackQuestionInline]
    actions = [*EventAdmin.actions, "add_default_feedback_questions"]

    @admin.action(description=_("Add the default feedback questions (events without any)"))
    def add_default_feedback_questions(self, request, queryset):
        for event in queryset:
            added = feedback_questions_create_defaults(event=event)
            if added:
                self.message_user(
                    request,
                    _("%(event)s: %(n)s feedback questions added; edit them below the event.")
                    % {"event": event, "n": added},
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request, _("%(event)s already has feedback questions.") % {"event": event}, messages.WARNING
                )


admin.site.unregister(Event)
admin.site.register(Event, FeedbackEventAdmin)
