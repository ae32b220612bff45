"""Dialogues in the admin: coordinators see and edit only their dialogues, superusers all."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from dialogues.access import DialogueRefused, consent_refused, is_coordinator
from dialogues.forms import PublishForm
from dialogues.models import Dialogue, DialoguePartner, DialogueVersion
from dialogues.versions import version_publish
from sessions_app.admin_scoping import ReadableQueryAdmin, ReadOnlyInline
from sessions_app.models import Event


class DialoguePartnerForm(forms.ModelForm):
    """The opt-in may be switched off here; on only by the partner's own organisers."""

    user = None  # set per request by the inline

    class Meta:
        model = DialoguePartner
        fields = ["results_public", "recommendations_shared"]

    def _consent(self, field: str, refusal: str) -> bool:
        """The consent as ticked, refused when switched on by someone who is not the partner's."""
        value = self.cleaned_data.get(field, False)
        if consent_refused(self.user, self.instance, field, value):
            raise forms.ValidationError(refusal, params={"organisation": self.instance.organisation.name})
        return value

    def clean_recommendations_shared(self):
        return self._consent(
            "recommendations_shared",
            _("Only an organiser of %(organisation)s can agree to share its recommendations, on its partner page."),
        )

    def clean_results_public(self):
        return self._consent(
            "results_public",
            _("Only an organiser of %(organisation)s can agree to publish its results, on its partner page."),
        )


class DialoguePartnerInline(admin.TabularInline):
    """Partners join by invitation (the coordination page); here their opt-in may be switched off."""

    model = DialoguePartner
    form = DialoguePartnerForm
    extra = 0
    fields = [
        "organisation_name",
        "contact_email",
        "invited_at",
        "accepted_at",
        "results_public",
        "recommendations_shared",
    ]
    readonly_fields = ["organisation_name", "contact_email", "invited_at", "accepted_at"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type("DialoguePartnerFormFor", (formset.form,), {"user": request.user})
        return formset

    @admin.display(description=_("organisation"))
    def organisation_name(self, obj):
        return obj.organisation.name  # no link: a coordinator does not administer the partners

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return obj is None or is_coordinator(request.user, obj)

    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission


class DialogueVersionInline(ReadOnlyInline, admin.TabularInline):
    model = DialogueVersion
    extra = 0
    fields = ["number", "published_at", "publisher", "note"]
    readonly_fields = fields
    ordering = ["-number"]

    @admin.display(description=_("published by"))
    def publisher(self, obj):
        return obj.published_by.email if obj.published_by else "—"

    def has_view_permission(self, request, obj=None):
        return obj is None or is_coordinator(request.user, obj)


@admin.register(Dialogue)
class DialogueAdmin(ReadableQueryAdmin, admin.ModelAdmin):
    list_display = ["__str__", "slug", "template_event", "partner_count", "latest", "public", "pages"]
    search_fields = ["title", "slug", "edition"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [DialoguePartnerInline, DialogueVersionInline]
    actions = ["publish_version"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "edition", "description", "coordinators", "template_event"]}),
        (_("Global results"), {"fields": ["weighting", "min_respondents", "public"]}),
    ]
    filter_horizontal = ["coordinators"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(coordinators=request.user)

    def _coordinates_any(self, request) -> bool:
        user = request.user
        return user.is_active and (user.is_superuser or user.coordinated_dialogues.exists())

    def has_module_permission(self, request):
        return self._coordinates_any(request)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return self._coordinates_any(request)
        return is_coordinator(request.user, obj)

    has_change_permission = has_view_permission

    # A new edition, and its coordinators, are the platform's administrators' to create.
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        # The list of all accounts is the administrators' to see.
        return [] if request.user.is_superuser else ["coordinators"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "template_event" and not request.user.is_superuser:
            kwargs["queryset"] = Event.objects.organised_by(request.user).filter(dialogue__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("partners"))
    def partner_count(self, obj):
        return obj.partners.count()

    @admin.display(description=_("latest version"))
    def latest(self, obj):
        version = obj.latest_version()
        return version.number if version else "—"

    @admin.display(description=_("pages"))
    def pages(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("dialogue_coordinator", kwargs={"slug": obj.slug}), _("coordination")
        )

    def view_on_site(self, obj):
        return reverse("dialogue_coordinator", kwargs={"slug": obj.slug})

    @admin.action(description=_("Publish a new version of the questionnaire"))
    def publish_version(self, request, queryset):
        dialogues = [dialogue for dialogue in queryset if is_coordinator(request.user, dialogue)]
        form = PublishForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            for dialogue in dialogues:
                try:
                    version = version_publish(dialogue=dialogue, user=request.user, note=form.cleaned_data["note"])
                except DialogueRefused as exc:
                    self.message_user(request, f"{dialogue}: {exc}", messages.ERROR)
                else:
                    self.message_user(
                        request,
                        _("%(dialogue)s: version %(number)s is published.")
                        % {"dialogue": dialogue, "number": version.number},
                        messages.SUCCESS,
                    )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Publish a new version"),
            "dialogues": dialogues,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "dialogues/admin_publish.html", context)
