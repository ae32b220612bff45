from django import forms
from django.utils.translation import gettext_lazy as _

from sessions_app.models import Event


class ParticipantImportForm(forms.Form):
    event = forms.ModelChoiceField(queryset=Event.objects.none(), label=_("Event"))
    file = forms.FileField(
        label=_("CSV file"),
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
