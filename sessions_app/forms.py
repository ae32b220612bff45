"""The forms of events and people: the people import, a person's own profile and the
questionnaire translations import."""

import re
import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from sessions_app.models import Event
from sessions_app.services import LANGUAGE_CODE_RE


class ParticipantImportForm(forms.Form):
    event = forms.ModelChoiceField(queryset=Event.objects.none(), label=_("Event"))
    file = forms.FileField(
        label=_("CSV or Excel (.xlsx) file"),
        help_text=_(
            "Columns: first_name, last_name, email, role, languages, timezone, and one column per "
            "diversity attribute of the event. The first line names the columns."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = Event.objects.organised_by(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class ProfileForm(forms.Form):
    """A person's languages and the diversity attributes the organisers ask for, each optional."""

    languages = forms.CharField(
        label=_("Languages you can discuss in"),
        max_length=100,
        required=False,
        help_text=_("Language codes, the one you prefer first, e.g. “fr, en”."),
    )
    timezone = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    consent = forms.BooleanField(
        label=_(
            "I agree that my answers below are used only to form diverse groups, and are seen only by the organisers."
        ),
        required=False,
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.attributes = list(event.diversity_attributes.all())
        for attribute in self.attributes:
            self.fields[f"attr_{attribute.key}"] = forms.ChoiceField(
                label=attribute.label,
                required=False,
                help_text=attribute.help_text,
                choices=[("", _("Prefer not to say"))] + [(c, c) for c in attribute.choice_list],
            )

    def clean_languages(self):
        codes = [c.strip().lower() for c in re.split(r"[\s,;]+", self.cleaned_data["languages"]) if c.strip()]
        bad = [c for c in codes if not LANGUAGE_CODE_RE.match(c)]
        if bad:
            raise forms.ValidationError(
                _("“%(codes)s” is not a language code such as en or pt-br."), params={"codes": ", ".join(bad)}
            )
        return codes

    def clean_timezone(self):
        value = self.cleaned_data["timezone"]
        return value if value in zoneinfo.available_timezones() else ""

    def attribute_values(self) -> dict:
        return {
            a.key: self.cleaned_data[f"attr_{a.key}"] for a in self.attributes if self.cleaned_data.get(f"attr_{a.key}")
        }


class TranslationsImportForm(forms.Form):
    file = forms.FileField(
        label=_("Translated CSV, Excel (.xlsx) or PO file"),
        help_text=_(
            "The CSV file exported with “Export the questionnaire's texts for translation”, with the "
            "language columns filled in, or a PO file downloaded below and translated. A file with any "
            "problem is refused whole."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload
