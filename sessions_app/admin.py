"""The admin of events: organisations, events (phases, diversity attributes, sessions, the
plan's ready-made phases, translations export and import, join links page) and their
questionnaires (sessions, questions, options). The people of an event have their admin in
``sessions_app.admin_people``, registered from here."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import BaseInlineFormSet, Textarea
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from infrastructure.downloads import attachment, table_download
from sessions_app import (
    admin_people,  # noqa: F401 (registers the people's admin)
    phase_templates,
    translations,
)
from sessions_app.admin_scoping import (
    OnlyYours,
    OrganiserInline,
    OrganiserScopedAdmin,
    ReadableQueryAdmin,
    SameEventModelForm,
)
from sessions_app.admin_translations import TranslatedAdmin, translated_form, translation_field_names
from sessions_app.auth import is_organiser
from sessions_app.event_time import local_in, zone_name
from sessions_app.forms import TranslationsImportForm
from sessions_app.models import DiversityAttribute, Event, Option, Organisation, Phase, Question, Session
from sessions_app.services import LANGUAGE_CODE_RE


@admin.register(Organisation)
class OrganisationAdmin(ReadableQueryAdmin, admin.ModelAdmin):
    list_display = ["name", "country"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(members=request.user)

    def has_module_permission(self, request):
        return is_organiser(request.user)

    def has_view_permission(self, request, obj=None):
        return is_organiser(request.user) and (
            obj is None or request.user.is_superuser or obj.members.filter(pk=request.user.pk).exists()
        )

    # Partner organisations are created and staffed by the coalition (superusers).
    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    has_delete_permission = has_change_permission

    def has_add_permission(self, request):
        return request.user.is_superuser


class PhaseInline(OrganiserInline, admin.StackedInline):
    """Stacked, two lines a phase: a row of a table with its title in every language would not fit
    a laptop's screen."""

    model = Phase
    form = translated_form("phase", Phase, SameEventModelForm, short=True)
    extra = 0
    fields = [("order", "kind", "planned_minutes", "session"), ("title", *translation_field_names("phase"))]


class DiversityAttributeInline(OrganiserInline, admin.TabularInline):
    model = DiversityAttribute
    extra = 0
    classes = ["collapse"]
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 3, "cols": 20})}}
    fields = ["order", "key", "label", "kind", "choices", "weight", "help_text"]


class SessionInline(OrganiserInline, admin.TabularInline):
    model = Session
    extra = 0
    fields = ["order", "code", "title"]
    show_change_link = True


@admin.register(Event)
class EventAdmin(OrganiserScopedAdmin):
    event_path = ""
    list_display = ["title", "organisation", "starts", "status", "people", "links"]
    list_filter = ["status", ("organisation", OnlyYours), "continent"]
    search_fields = ["title", "slug", "country", "tags"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PhaseInline, SessionInline, DiversityAttributeInline]
    actions = ["export_translations", "set_up_day0_phases"]
    change_form_template = "admin/sessions_app/event/change_form.html"
    fieldsets = [
        (None, {"fields": [("organisation", "status"), ("title", "slug"), "description"]}),
        (_("When"), {"fields": [("timezone", "language"), "starts_at", "ends_at", "auto_end_phases"]}),
        (
            _("Breakout groups"),
            {
                "classes": ["collapse"],
                "fields": [
                    "group_size",
                    "uneven_groups",
                    "keep_language_together",
                    "allow_volunteer_note_takers",
                    "late_joiners",
                    "video_provider",
                    "video_link_template",
                    "plenary_stream_url",
                ],
            },
        ),
        (
            _("After the event"),
            {
                "classes": ["collapse"],
                "fields": ["next_steps", "next_steps_url"],
                "description": _("Shown on the participants' closing page, with the feedback survey."),
            },
        ),
        (
            _("Global dialogue"),
            {
                "classes": ["collapse"],
                "fields": [("dialogue", "dialogue_version"), ("country", "continent"), "tags"],
                "description": _(
                    "Country, continent and tags say where the event's results count in the dialogue's global "
                    "results. Events join a dialogue when a partner creates them from its template."
                ),
            },
        ),
    ]
    readonly_fields = ["dialogue", "dialogue_version"]

    def event_of(self, obj):
        return obj

    def event_time_zone(self, request, obj):
        # The time zone chosen in the same form decides, also for a new event (none stored yet).
        if request.method == "POST" and "timezone" in request.POST:
            return zone_name(request.POST["timezone"])
        return super().event_time_zone(request, obj)

    @admin.display(description=_("starts at"), ordering="starts_at")
    def starts(self, obj):
        return format_html(
            "{} ({})", date_format(local_in(obj.starts_at, obj.timezone), "DATETIME_FORMAT"), obj.timezone
        )

    @admin.display(description=_("people"))
    def people(self, obj):
        return obj.participants.count()

    @admin.action(description=_("Set up the seed's phases: Opening 15', Break-out rooms 45', Results 20'"))
    def set_up_day0_phases(self, request, queryset):
        for event in queryset:
            outcome = phase_templates.event_phases_from_day0(event=event)
            if outcome.refused:
                self.message_user(request, outcome.refused, messages.WARNING)
            else:
                self.message_user(
                    request,
                    _("%(event)s: %(n)s phases set up; adjust their titles and minutes below the event.")
                    % {"event": event, "n": outcome.created},
                    messages.SUCCESS,
                )

    @admin.action(description=_("Export the questionnaire's texts for translation (CSV)"))
    def export_translations(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select one event."), messages.WARNING)
            return None
        event = queryset.get()
        return attachment(
            translations.translations_export_csv(event=event), "text/csv", f"{event.slug}-translations.csv"
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/translations/",
                self.admin_site.admin_view(self.import_translations),
                name="sessions_app_event_translations",
            ),
            path(
                "<int:pk>/translations.csv",
                self.admin_site.admin_view(self.export_translations_file),
                name="sessions_app_event_translations_csv",
            ),
            path(
                "<int:pk>/translations.po",
                self.admin_site.admin_view(self.export_translations_po),
                name="sessions_app_event_translations_po",
            ),
        ] + super().get_urls()

    def _own_event(self, request, pk):
        event = self.get_queryset(request).filter(pk=pk).first()
        if event is None or not self.has_change_permission(request, event):
            raise Http404(_("No such event among yours."))
        return event

    def export_translations_file(self, request, pk):
        """The translations template: every text of the questionnaire, a column per language."""
        event = self._own_event(request, pk)
        if request.GET.get("format") == "xlsx":
            header, rows = translations.translations_table(event=event)
            return table_download(header, rows, filename_stem=f"{event.slug}-translations", xlsx=True)
        return attachment(
            translations.translations_export_csv(event=event),
            "text/csv; charset=utf-8",
            f"{event.slug}-translations.csv",
        )

    def export_translations_po(self, request, pk):
        event = self._own_event(request, pk)
        language = request.GET.get("language", "").strip().lower()
        if not LANGUAGE_CODE_RE.match(language):
            return HttpResponse(_("Give the language of the file, e.g. ?language=fr."), status=400)
        content = translations.translations_export_po(event=event, language=language)
        return attachment(content, "text/x-gettext-translation; charset=utf-8", f"{event.slug}-{language}.po")

    def import_translations(self, request, pk):
        event = self._own_event(request, pk)
        errors = []
        form = TranslationsImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            read = translations.translations_import_po if upload.name.lower().endswith(".po") else None
            read = read or translations.translations_import_csv
            result = (
                read(event=event, data=upload.read())
                if read is translations.translations_import_po
                else read(event=event, data=upload.read(), filename=upload.name)
            )
            if result.ok:
                self.message_user(
                    request, _("Translations saved for %(n)s texts.") % {"n": result.created}, messages.SUCCESS
                )
                for note in result.notes:
                    self.message_user(request, note, messages.WARNING)
                return redirect("admin:sessions_app_event_change", event.pk)
            errors = result.errors
        context = {
            **self.admin_site.each_context(request),
            "title": _("Translations of %(event)s") % {"event": event},
            "form": form,
            "errors": errors,
            "event": event,
            "po_languages": translations.translation_languages(event),
            "template_links": [
                (_("CSV template"), reverse("admin:sessions_app_event_translations_csv", args=[event.pk])),
                (
                    _("Excel template"),
                    reverse("admin:sessions_app_event_translations_csv", args=[event.pk]) + "?format=xlsx",
                ),
            ],
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/sessions_app/event/translations.html", context, status=400 if errors else 200
        )

    @admin.display(description=_("live pages"))
    def links(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("control_room", kwargs={"slug": obj.slug}),
            _("control room"),
            reverse("plenary", kwargs={"slug": obj.slug, "token": obj.plenary_token}),
            _("plenary screen"),
        )


def too_few_options(kind: str, max_choices: int | None, option_count: int) -> str | None:
    """Why a multiple-choice question cannot be answered as set: fewer options than its maximum."""
    if kind == Question.Kind.MULTIPLE and max_choices and option_count < max_choices:
        return _(
            "This multiple-choice question allows up to %(max)s choices but has %(n)s options: "
            "add options or lower the maximum."
        ) % {"max": max_choices, "n": option_count}
    return None


class QuestionInlineForm(SameEventModelForm):
    """On a session's page, a question's options are its saved ones (they are edited on its own page)."""

    def clean(self):
        cleaned = super().clean()
        question = self.instance
        if not self.errors and not cleaned.get("DELETE"):
            count = question.options.count() if question.pk else 0
            problem = too_few_options(cleaned.get("kind"), cleaned.get("max_choices"), count)
            if problem:
                self.add_error("max_choices", problem)
        return cleaned


class QuestionInline(OrganiserInline, admin.TabularInline):
    model = Question
    form = QuestionInlineForm
    extra = 0
    fields = ["order", "code", "kind", "respondent", "text", "max_choices"]
    show_change_link = True


@admin.register(Session)
class SessionAdmin(TranslatedAdmin, OrganiserScopedAdmin):
    translation_kind = "session"
    form = translated_form("session", Session, SameEventModelForm)
    exclude = ["translations"]
    list_display = ["title", "event", "order", "code"]
    list_filter = [("event", OnlyYours)]
    search_fields = ["title", "code"]
    inlines = [QuestionInline]


class OptionFormSet(BaseInlineFormSet):
    """The options kept must be at least the question's "at most" (the question as typed above)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = sum(
            1 for form in self.forms if not self._should_delete_form(form) and (form.instance.pk or form.has_changed())
        )
        problem = too_few_options(self.instance.kind, self.instance.max_choices, kept)
        if problem:
            raise ValidationError(problem)


class OptionInline(OrganiserInline, admin.TabularInline):
    model = Option
    form = translated_form("option", Option, SameEventModelForm, short=True)
    formset = OptionFormSet
    extra = 0
    fields = ["order", "code", "label", *translation_field_names("option")]


@admin.register(Question)
class QuestionAdmin(TranslatedAdmin, OrganiserScopedAdmin):
    translation_kind = "question"
    form = translated_form("question", Question, SameEventModelForm)
    exclude = ["translations"]
    event_path = "session__event"
    list_display = ["code", "text", "kind", "session"]
    list_filter = ["kind", ("session__event", OnlyYours)]
    search_fields = ["code", "text"]
    inlines = [OptionInline]
