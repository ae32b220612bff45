"""The feedback survey in the admin: its questions, scoped to the organiser's events (filtered
by event), each question's text edited as one field per language, and an event action that adds
the default questions. A results feature, so the event admin of sessions_app is extended here
(with an action only: its form stays as it is)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from results.feedback import feedback_questions_create_defaults
from results.models import FeedbackQuestion
from sessions_app.admin import EventAdmin
from sessions_app.admin_scoping import OnlyYours, OrganiserScopedAdmin, SameEventModelForm
from sessions_app.admin_translations import translated_form, translation_field_names
from sessions_app.models import Event


@admin.register(FeedbackQuestion)
class FeedbackQuestionAdmin(OrganiserScopedAdmin):
    list_display = ["text", "event", "order", "kind"]
    list_filter = [("event", OnlyYours), "kind"]
    form = translated_form("feedback", FeedbackQuestion, SameEventModelForm, fields=["text"])
    fields = ["event", "order", "kind", "text", *translation_field_names("feedback", ["text"])]


class FeedbackEventAdmin(EventAdmin):
    actions = [*EventAdmin.actions, "add_default_feedback_questions"]

    @admin.action(description=_("Add the default feedback questions (events without any)"))
    def add_default_feedback_questions(self, request, queryset):
        for event in queryset:
            added = feedback_questions_create_defaults(event=event)
            if added:
                self.message_user(
                    request,
                    _("%(event)s: %(n)s feedback questions added; edit them under “Feedback questions”.")
                    % {"event": event, "n": added},
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request, _("%(event)s already has feedback questions.") % {"event": event}, messages.WARNING
                )


admin.site.unregister(Event)
admin.site.register(Event, FeedbackEventAdmin)
