from django import forms
from django.utils.translation import gettext_lazy as _

from groups.models import Allocation, BreakoutGroup, GroupMembership, HelpCall
from groups.services import MAX_EXTEND_MINUTES
from sessions_app.models import Participant, Phase


class EventForm(forms.Form):
    """A control-room form whose choices are limited to one event."""

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        current_groups = BreakoutGroup.objects.filter(event=event, allocation__is_current=True, round=1)
        for name, field in self.fields.items():
            if name == "phase":
                field.queryset = Phase.objects.filter(event=event)
            elif name == "group":
                field.queryset = current_groups
            elif name == "participant":
                field.queryset = Participant.objects.filter(event=event)
            elif name == "call":
                field.queryset = HelpCall.objects.filter(event=event)
            elif name == "allocation":
                field.queryset = Allocation.objects.filter(event=event)
            elif name == "volunteer":
                # Participants seated in the current grouping (a double click finds them already taking notes).
                field.queryset = Participant.objects.filter(
                    event=event,
                    role=Participant.Role.PARTICIPANT,
                    memberships__allocation__is_current=True,
                    memberships__role__in=[GroupMembership.Role.PARTICIPANT, GroupMembership.Role.NOTE_TAKER],
                ).distinct()


class PhaseStartForm(EventForm):
    phase = forms.ModelChoiceField(queryset=Phase.objects.none(), label=_("Phase"))


class PhaseExtendForm(EventForm):
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=MAX_EXTEND_MINUTES, initial=5)


class MessageForm(EventForm):
    text = forms.CharField(label=_("Message"), max_length=500)
    group = forms.ModelChoiceField(
        queryset=BreakoutGroup.objects.none(), required=False, label=_("To"), empty_label=_("All rooms")
    )


class MoveForm(EventForm):
    participant = forms.ModelChoiceField(queryset=Participant.objects.none(), label=_("Person"))
    group = forms.ModelChoiceField(queryset=BreakoutGroup.objects.none(), label=_("To group"))


class HelpAcknowledgeForm(EventForm):
    call = forms.ModelChoiceField(queryset=HelpCall.objects.none())


class AllocationRunForm(EventForm):
    seed = forms.IntegerField(
        label=_("Seed (optional)"),
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        help_text=_("The same seed and people give the same groups."),
    )
    fewer_groups = forms.BooleanField(
        required=False, label=_("Fewer, larger groups so that every group has a facilitator")
    )


class AllocationCancelForm(EventForm):
    allocation = forms.ModelChoiceField(queryset=Allocation.objects.none(), label=_("Run"))


class NoteTakerForm(EventForm):
    volunteer = forms.ModelChoiceField(queryset=Participant.objects.none(), label=_("Participant"))


def form_errors(form) -> str:
    return "; ".join(
        f"{form.fields[f].label if f in form.fields else f}: {' '.join(e)}" for f, e in form.errors.items()
    )
