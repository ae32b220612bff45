"""The admin of an event's people: the participant list with its filters, join links (e-mail,
CSV, printed QR codes, withdrawal and reissue) and the import of people from a spreadsheet."""

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.db import models
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from infrastructure.downloads import attachment, table_download
from sessions_app import invitations, people_import, services
from sessions_app.admin_scoping import OnlyYours, OrganiserScopedAdmin
from sessions_app.forms import ParticipantImportForm
from sessions_app.join_links import join_url
from sessions_app.models import DiversityAttribute, Event, Participant


class CheckedInFilter(admin.SimpleListFilter):
    title = _("checked in")
    parameter_name = "checked_in"

    def lookups(self, request, model_admin):
        return [("yes", _("Checked in")), ("no", _("Not yet"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(checked_in_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(checked_in_at__isnull=True)
        return queryset


class AttributeFilter(admin.SimpleListFilter):
    """Filter people by one value of a diversity attribute, e.g. “gender: woman”."""

    title = _("diversity attribute")
    parameter_name = "attribute"

    def lookups(self, request, model_admin):
        attributes = DiversityAttribute.objects.filter(event__in=Event.objects.organised_by(request.user))
        seen = {}
        for attribute in attributes:
            for choice in attribute.choice_list:
                seen[f"{attribute.key}={choice}"] = f"{attribute.label}: {choice}"
        return sorted(seen.items(), key=lambda item: item[1])

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # Only the values the sidebar offers: anything else (`gender__regex=(`, a NUL, another
        # partner's attribute) is a wrong link, and the key never becomes part of a lookup.
        if self.value() not in {choice for choice, _label in self.lookup_choices}:
            raise IncorrectLookupParameters(_("No such diversity attribute value."))
        key, value = self.value().split("=", 1)
        text = Cast(KeyTextTransform(key, "attributes"), output_field=models.TextField())
        return queryset.alias(_attribute_value=text).filter(_attribute_value=value)


@admin.register(Participant)
class ParticipantAdmin(OrganiserScopedAdmin):
    list_display = ["__str__", "event", "role", "languages", "invited_at", "join_last_opened_at", "checked_in_at"]
    list_filter = [("event", OnlyYours), "role", CheckedInFilter, AttributeFilter]
    search_fields = ["first_name", "last_name", "email"]
    readonly_fields = [
        "join_link",
        "invited_at",
        "join_last_opened_at",
        "join_revoked_at",
        "checked_in_at",
        "consent_given_at",
    ]
    actions = ["send_invitations", "export_join_links", "print_join_links", "revoke_join_links", "reissue_join_links"]
    fields = [
        "event",
        "first_name",
        "last_name",
        "email",
        "role",
        "user",
        "languages",
        "timezone",
        "attributes",
        "consent_given_at",
        "checked_in_at",
        "join_link",
        "join_last_opened_at",
        "join_revoked_at",
    ]
    autocomplete_fields = []
    change_list_template = "admin/sessions_app/participant/change_list.html"

    @admin.display(description=_("personal join link"))
    def join_link(self, obj):
        if obj.pk is None:
            return _("Shown once the person is saved.")
        if obj.join_revoked_at:
            return _("Withdrawn. Use “Give new join links” to issue another.")
        return format_html(
            '<input type="text" readonly value="{}" size="80" aria-label="{}">', join_url(obj), _("personal join link")
        )

    @admin.action(description=_("Send the selected people their join link by e-mail"))
    def send_invitations(self, request, queryset):
        sent, skipped = invitations.invitations_send(participants=queryset.select_related("event"))
        self.message_user(
            request,
            _("Invitations sent: %(sent)s. Skipped (no e-mail or link withdrawn): %(skipped)s.")
            % {"sent": sent, "skipped": skipped},
        )

    @admin.action(description=_("Export the selected people's join links (CSV)"))
    def export_join_links(self, request, queryset):
        return attachment(invitations.invitations_csv(participants=queryset), "text/csv", "join-links.csv")

    @admin.action(description=_("Print the selected people's join links as QR codes"))
    def print_join_links(self, request, queryset):
        cards = []
        for person in queryset.select_related("event").filter(join_revoked_at__isnull=True):
            url = join_url(person)
            cards.append({"person": person, "url": url, "svg": mark_safe(invitations.join_qr_svg(url))})  # noqa: S308
        return TemplateResponse(request, "admin/sessions_app/participant/join_links_print.html", {"cards": cards})

    @admin.action(description=_("Withdraw the join links of the selected people"))
    def revoke_join_links(self, request, queryset):
        for participant in queryset:
            services.participant_revoke_join_link(participant=participant)
        self.message_user(request, _("Links withdrawn: %(n)s.") % {"n": queryset.count()})

    @admin.action(description=_("Give new join links to the selected people"))
    def reissue_join_links(self, request, queryset):
        for participant in queryset:
            services.participant_reissue_join_link(participant=participant)
        self.message_user(request, _("New links issued: %(n)s.") % {"n": queryset.count()})

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_csv), name="sessions_app_participant_import"),
            path(
                "import/template/",
                self.admin_site.admin_view(self.import_template),
                name="sessions_app_participant_import_template",
            ),
        ] + super().get_urls()

    def _template_links(self, request) -> list[tuple[str, str]]:
        url = reverse("admin:sessions_app_participant_import_template")
        links = [(_("CSV template"), url), (_("Excel template"), f"{url}?format=xlsx")]
        for event in Event.objects.organised_by(request.user).order_by("-starts_at")[:10]:
            links.append(
                (_("template for %(event)s, with its attributes") % {"event": event}, f"{url}?event={event.pk}")
            )
        return links

    def import_template(self, request):
        """The people file to fill in: the base columns and, for one of the organiser's events, its
        diversity attributes (``?event=<id>``); ``?format=xlsx`` for a workbook."""
        if not self.has_add_permission(request):
            return redirect("admin:index")
        columns = list(people_import.IMPORT_BASE_COLUMNS)
        stem = "people-template"
        event_id = request.GET.get("event", "")
        if event_id:
            event = Event.objects.organised_by(request.user).filter(pk=event_id if event_id.isdigit() else 0).first()
            if event is None:
                raise Http404(_("No such event among yours."))
            columns += [attribute.key for attribute in event.diversity_attributes.all()]
            stem = f"{event.slug}-people-template"
        return table_download(columns, [], filename_stem=stem, xlsx=request.GET.get("format") == "xlsx")

    def import_csv(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        errors = []
        form = ParticipantImportForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            event = form.cleaned_data["event"]
            upload = form.cleaned_data["file"]
            result = people_import.participants_import_csv(event=event, data=upload.read(), filename=upload.name)
            if result.ok:
                self.message_user(
                    request,
                    _("%(n)s people imported into %(event)s.") % {"n": result.created, "event": event},
                    messages.SUCCESS,
                )
                for note in result.notes:
                    self.message_user(request, note, messages.WARNING)
                return redirect(reverse("admin:sessions_app_participant_changelist") + f"?event__id__exact={event.pk}")
            errors = result.errors
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import people from a CSV or Excel file"),
            "form": form,
            "errors": errors,
            "opts": self.model._meta,
            "template_links": self._template_links(request),
        }
        status = 400 if errors else 200
        return TemplateResponse(request, "admin/sessions_app/participant/import.html", context, status=status)
