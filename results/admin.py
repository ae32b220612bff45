from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from infrastructure.downloads import table_download
from results.models import ApiToken, NoteRevision, NoteSubmission, PlenarySettings, ReferenceDataset, ReferenceResult
from results.questionnaire_admin import export_sessions_as_json, questionnaire_import_view
from results.reference_import import COLUMNS, reference_import_csv, reference_template_rows
from results.services import api_token_key, reference_demo_dataset_create
from sessions_app.admin import SessionAdmin
from sessions_app.admin_scoping import (
    OrganiserInline,
    OrganiserScopedAdmin,
    ReadableQueryAdmin,
    ReadOnlyInline,
    ScopedChoices,
)
from sessions_app.auth import is_organiser
from sessions_app.models import Event, Session


class RevisionInline(ReadOnlyInline, OrganiserInline, admin.TabularInline):
    model = NoteRevision
    extra = 0
    fields = ["number", "created_at", "submitted_by", "data"]
    readonly_fields = fields


@admin.register(NoteSubmission)
class NoteSubmissionAdmin(OrganiserScopedAdmin):
    event_path = "group__event"
    list_display = ["group", "session", "status", "version", "updated_at", "submitted_at"]
    list_filter = ["status", "session__event"]
    readonly_fields = ["group", "session", "status", "data", "version", "updated_by", "updated_at", "submitted_at"]
    inlines = [RevisionInline]

    def has_add_permission(self, request):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(OrganiserScopedAdmin):
    """Tokens for partner tools; the key is shown once, when the token is created."""

    list_display = ["name", "event", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["event"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]

    def get_fields(self, request, obj=None):
        return (
            ["event", "name"]
            if obj is None
            else ["event", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
        )

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields + (["event"] if obj else [])

    def save_model(self, request, obj, form, change):
        if not change:
            key = api_token_key(obj)
            super().save_model(request, obj, form, change)
            self.message_user(
                request,
                _("The token's key (copy it now, it is not shown again): %(key)s") % {"key": key},
                messages.WARNING,
            )
            return
        super().save_model(request, obj, form, change)


@admin.register(PlenarySettings)
class PlenarySettingsAdmin(OrganiserScopedAdmin):
    list_display = [
        "event",
        "reference_dataset",
        "scope",
        "scope_name",
        "results_visible",
        "open_voting",
        "weighting",
        "version",
    ]
    readonly_fields = ["version"]


class ReferenceImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel (.xlsx) file"),
        help_text=_(
            "Columns: question_code, option_code, scope (global, continent or country), scope_name (empty for "
            "global), count and/or percent, n. The first line names the columns."
        ),
    )
    replace = forms.BooleanField(
        label=_("Replace the dataset's current results"),
        required=False,
        help_text=_("Otherwise a row already in the dataset is refused."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


def _own_dataset(request, dataset) -> bool:
    """Superusers manage every dataset; an organiser only their own organisations' ones."""
    if request.user.is_superuser:
        return True
    return (
        dataset is not None
        and dataset.organisation_id is not None
        and request.user.organisations.filter(pk=dataset.organisation_id).exists()
    )


class ReferenceResultInline(ScopedChoices, admin.TabularInline):
    model = ReferenceResult
    extra = 0

    def has_view_permission(self, request, obj=None):
        return is_organiser(request.user)

    def has_change_permission(self, request, obj=None):
        return obj is None and is_organiser(request.user) or obj is not None and _own_dataset(request, obj)

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


@admin.register(ReferenceDataset)
class ReferenceDatasetAdmin(ReadableQueryAdmin, admin.ModelAdmin):
    """Reference datasets without an organisation are shared by all events: organisers read them,
    the coalition (superusers) edits them. Organisers add, change, delete and import into their
    own organisations' datasets, and never see another organisation's."""

    list_display = ["title", "organisation", "source", "illustrative", "created_at"]
    inlines = [ReferenceResultInline]
    change_form_template = "admin/results/referencedataset/change_form.html"
    change_list_template = "admin/results/referencedataset/change_list.html"

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("organisation")
        if request.user.is_superuser:
            return qs
        return qs.filter(Q(organisation__isnull=True) | Q(organisation__members=request.user)).distinct()

    def get_list_filter(self, request):
        return [("organisation", admin.RelatedOnlyFieldListFilter)] if request.user.is_superuser else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation" and not request.user.is_superuser:
            kwargs["queryset"] = request.user.organisations.all()
            kwargs["required"] = True
            kwargs["empty_label"] = None
            kwargs["help_text"] = _(
                "For this organisation's events only. Shared datasets are managed by the coalition."
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return is_organiser(request.user)

    def has_view_permission(self, request, obj=None):
        return is_organiser(request.user) and (obj is None or obj.organisation_id is None or _own_dataset(request, obj))

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return is_organiser(request.user)
        return is_organiser(request.user) and _own_dataset(request, obj)

    has_delete_permission = has_change_permission

    def has_add_permission(self, request):
        return is_organiser(request.user)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "template_links": _reference_template_links(request)}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return [
            path(
                "<int:pk>/import/",
                self.admin_site.admin_view(self.import_csv),
                name="results_referencedataset_import",
            ),
            path(
                "template/",
                self.admin_site.admin_view(self.import_template),
                name="results_referencedataset_template",
            ),
            path(
                "illustrative-demo/",
                self.admin_site.admin_view(require_POST(self.create_demo)),
                name="results_referencedataset_demo",
            ),
        ] + super().get_urls()

    def import_template(self, request):
        """The reference results file to fill in: its columns and one row per question and option
        of an event of the organiser (``?event=<id>``), else the columns alone."""
        if not self.has_view_permission(request):
            return redirect("admin:index")
        rows, stem = [], "reference-results-template"
        event_id = request.GET.get("event", "")
        if event_id:
            event = Event.objects.organised_by(request.user).filter(pk=event_id if event_id.isdigit() else 0).first()
            if event is None:
                raise Http404(_("No such event among yours."))
            rows, stem = reference_template_rows(event=event), f"{event.slug}-reference-results-template"
        return table_download(COLUMNS, rows, filename_stem=stem, xlsx=request.GET.get("format") == "xlsx")

    def import_csv(self, request, pk):
        dataset = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, dataset):
            return redirect("admin:index")
        errors = []
        form = ReferenceImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            result = reference_import_csv(
                dataset=dataset, data=upload.read(), replace=form.cleaned_data["replace"], filename=upload.name
            )
            if result.ok:
                self.message_user(
                    request,
                    _("%(n)s reference results imported into %(dataset)s.") % {"n": result.created, "dataset": dataset},
                    messages.SUCCESS,
                )
                for note in result.notes:
                    self.message_user(request, note, messages.WARNING)
                return redirect(reverse("admin:results_referencedataset_change", args=[dataset.pk]))
            errors = result.errors
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import reference results into “%(dataset)s”") % {"dataset": dataset},
            "form": form,
            "errors": errors,
            "dataset": dataset,
            "opts": self.model._meta,
            "template_links": _reference_template_links(request),
        }
        status = 400 if errors else 200
        return TemplateResponse(request, "admin/results/referencedataset/import.html", context, status=status)

    def create_demo(self, request):
        if not request.user.is_superuser:
            return redirect("admin:index")
        dataset = reference_demo_dataset_create()
        self.message_user(
            request, _("Illustrative dataset ready: %(dataset)s. Its figures are made up.") % {"dataset": dataset}
        )
        return redirect(reverse("admin:results_referencedataset_change", args=[dataset.pk]))


class QuestionnaireSessionAdmin(SessionAdmin):
    """The Session admin with questionnaire export and import as JSON (a results feature, so it
    is added here rather than in sessions_app, which builds on nothing above it)."""

    actions = [export_sessions_as_json]
    change_list_template = "admin/results/session_change_list.html"

    def get_urls(self):
        return [
            path(
                "import-json/",
                self.admin_site.admin_view(self.import_json),
                name="sessions_app_session_import_json",
            ),
        ] + super().get_urls()

    def import_json(self, request):
        return questionnaire_import_view(self, request)


admin.site.unregister(Session)
admin.site.register(Session, QuestionnaireSessionAdmin)


def _reference_template_links(request) -> list[tuple[str, str]]:
    url = reverse("admin:results_referencedataset_template")
    links = [(_("CSV template"), url), (_("Excel template"), f"{url}?format=xlsx")]
    for event in Event.objects.organised_by(request.user).order_by("-starts_at")[:10]:
        links.append((_("template with the questions of %(event)s") % {"event": event}, f"{url}?event={event.pk}"))
    return links


# The feedback survey extends the event admin (results/feedback_admin.py).
from results import feedback_admin  # noqa: E402,F401
