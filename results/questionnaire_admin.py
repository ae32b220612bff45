"""Admin adapters for questionnaire export and import, wired into the Session admin.

They live here so that the questionnaire format stays in ``results``; SessionAdmin only
references them (see ``export_sessions_as_json`` and ``questionnaire_import_view``).
"""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infrastructure.downloads import attachment
from results.questionnaire import MAX_BYTES, questionnaire_export_json, questionnaire_import
from sessions_app.models import Event

IMPORT_URL_NAME = "sessions_app_session_import_json"


class QuestionnaireImportForm(forms.Form):
    event = forms.ModelChoiceField(queryset=Event.objects.none(), label=_("Into the event"))
    file = forms.FileField(label=_("Questionnaire file (JSON)"), help_text=_("A file made by “Export as JSON”."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the organiser's own events, whatever the posted id says.
        self.fields["event"].queryset = Event.objects.organised_by(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload


@admin.action(description=_("Export as JSON"))
def export_sessions_as_json(modeladmin, request, queryset):
    """Download the selected sessions (already scoped to the organiser's events) as one document."""
    sessions = list(queryset.select_related("event"))
    if not sessions:
        modeladmin.message_user(request, _("No session of yours was selected."), messages.WARNING)
        return None
    if len(sessions) == 1:
        filename = f"{sessions[0].event.slug}-{sessions[0].code}.json"
    else:
        filename = f"questionnaire-{timezone.now():%Y%m%d-%H%M}.json"
    return attachment(questionnaire_export_json(sessions), "application/json; charset=utf-8", filename)


def questionnaire_import_view(model_admin, request):
    """Import a questionnaire file into one of the organiser's events; every problem listed on failure."""
    if not model_admin.has_add_permission(request):
        return redirect("admin:index")
    errors = []
    form = QuestionnaireImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        event = form.cleaned_data["event"]
        result = questionnaire_import(event=event, data=form.cleaned_data["file"].read())
        if result.ok:
            model_admin.message_user(
                request,
                _("Imported into %(event)s: %(sessions)s.")
                % {"event": event, "sessions": ", ".join(session.title for session in result.sessions)},
                messages.SUCCESS,
            )
            return redirect(reverse("admin:sessions_app_session_changelist") + f"?event__id__exact={event.pk}")
        errors = result.errors
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Import a questionnaire"),
        "form": form,
        "errors": errors,
        "opts": model_admin.model._meta,
    }
    status = 400 if errors else 200
    return TemplateResponse(request, "admin/results/questionnaire_import.html", context, status=status)
