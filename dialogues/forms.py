import datetime as dt
import zoneinfo
from functools import cache

from django import forms
from django.conf import global_settings, settings
from django.utils.translation import gettext_lazy as _

from sessions_app.event_time import aware_in
from sessions_app.models import Event


@cache
def timezone_choices() -> list[tuple[str, str]]:
    names = sorted(name for name in zoneinfo.available_timezones() if "/" in name or name == "UTC")
    return [(name, name.replace("_", " ")) for name in names]


class InviteForm(forms.Form):
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200)
    email = forms.EmailField(label=_("Contact e-mail"))
    language = forms.ChoiceField(
        label=_("Language of the e-mail"), choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE
    )


class PublishForm(forms.Form):
    note = forms.CharField(
        label=_("What changed"),
        max_length=300,
        required=False,
        help_text=_("Partners see this note beside the version number."),
    )


class PartnerEventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Web address name"),
        max_length=50,
        help_text=_("Letters, digits and hyphens, e.g. “dialogue-nairobi-2026”; it appears in the event's links."),
    )
    starts_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts_time = forms.TimeField(label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices, initial="UTC")
    language = forms.ChoiceField(label=_("Language"), choices=global_settings.LANGUAGES, initial="en")
    country = forms.CharField(label=_("Country"), max_length=100)
    continent = forms.ChoiceField(label=_("Continent"), choices=[("", "—"), *Event.Continent.choices])
    tags = forms.CharField(
        label=_("Tags"),
        max_length=300,
        required=False,
        help_text=_("Comma-separated groupings for the global results, e.g. “G20, coastal”."),
    )

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Event.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("An event already has this web address name: choose another."))
        return slug

    def starts_at(self) -> dt.datetime:
        """The start as an aware time: the date and time given are in the chosen time zone."""
        local = dt.datetime.combine(self.cleaned_data["starts_on"], self.cleaned_data["starts_time"])
        return aware_in(local, self.cleaned_data["timezone"])


class ResultsPublicForm(forms.Form):
    results_public = forms.BooleanField(
        label=_("Show our events' aggregated results on the dialogue's public results page"), required=False
    )


class RecommendationsSharedForm(forms.Form):
    recommendations_shared = forms.BooleanField(
        label=_("Show our groups' recommendations in the dialogue's global results"), required=False
    )
