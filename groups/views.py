from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from groups import forms, selectors, services, streams
from groups.allocation_runs import allocation_cancel, allocation_request
from groups.models import BreakoutGroup
from infrastructure.actions import action_answer
from sessions_app.decorators import organiser_of_event, participant_of_event
from sessions_app.forms import ProfileForm


@never_cache
@require_GET
@participant_of_event
def participant_home(request, event, participant):
    """The person's page for the current phase: their room during the breakout, else the lobby."""
    state = streams.event_state(event, cached=True)
    view, membership = streams.person_view(participant, state)
    context = {"event": event, "participant": participant, "state": state, "view": view}
    if view == "room":
        context.update(selectors.room_page(participant=participant, membership=membership, state=state))
        return render(request, "groups/room.html", context)
    if view == "closing":
        return redirect("closing", slug=event.slug)
    context.update({"phases": event.phases.all(), "membership": membership})
    if participant.is_staff_role:
        # Staff are not grouped by background: their lobby has no diversity form.
        return render(request, "groups/lobby.html", context)
    initial = {
        "languages": ", ".join(participant.language_list),
        "consent": participant.consent_given_at is not None,
        "timezone": participant.timezone,
    }
    initial.update({f"attr_{key}": value for key, value in participant.attributes.items()})
    context["profile_form"] = ProfileForm(event=event, initial=initial)
    return render(request, "groups/lobby.html", context)


@require_POST
@participant_of_event
def check_in(request, event, participant):
    services.participant_check_in_and_seat(participant=participant)
    return redirect("lobby", slug=event.slug)


@require_POST
@participant_of_event
def help_call(request, event, participant):
    call = services.help_call_create(participant=participant)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"call": call.pk, "status": "waiting"})
    messages.info(request, _("An organiser has been called."))
    return redirect("lobby", slug=event.slug)


@never_cache
@require_GET
@organiser_of_event
def control_room(request, event):
    context = selectors.control_room_data(event)
    context["forms"] = {
        "extend": forms.PhaseExtendForm(event=event),
        "message": forms.MessageForm(event=event),
        "allocation": forms.AllocationRunForm(event=event),
    }
    template = "groups/control_panel.html" if request.GET.get("panel") else "groups/control_room.html"
    return render(request, template, context)


@never_cache
@require_GET
@organiser_of_event
def room_observe(request, event, group_id):
    """A room as its members see it, for an organiser who is not one of them: read only, no help
    button and no notes form; the organiser is not added to the group."""
    group = BreakoutGroup.objects.filter(event=event, pk=group_id).select_related("event").first()
    if group is None:
        raise Http404(_("No such group in this event."))
    state = streams.event_state(event, cached=True)
    context = {
        "event": event,
        "state": state,
        **selectors.room_observer_page(group=group, state=state, organiser=request.user),
    }
    template = "groups/_room_observed.html" if request.GET.get("part") else "groups/room_observe.html"
    return render(request, template, context)


def _phase_start(request, event):
    form = forms.PhaseStartForm(request.POST, event=event)
    if form.is_valid():
        phase = services.phase_start(event=event, phase=form.cleaned_data["phase"])
        return form, _("“%(phase)s” started.") % {"phase": phase.title}
    return form, None


def _phase_extend(request, event):
    form = forms.PhaseExtendForm(request.POST, event=event)
    if form.is_valid():
        services.phase_extend(event=event, minutes=form.cleaned_data["minutes"])
        return form, _("Extended by %(n)s minutes.") % {"n": form.cleaned_data["minutes"]}
    return form, None


def _phase_end(request, event):
    phase = services.phase_end(event=event)
    return None, _("“%(phase)s” ended.") % {"phase": phase.title}


def _auto_end(request, event):
    enabled = request.POST.get("auto_end") == "on"
    services.event_auto_end_set(event=event, enabled=enabled)
    if enabled:
        return None, _("Phases now end automatically when their time is up.")
    return None, _("Phases now end only when you end them.")


def _message(request, event):
    form = forms.MessageForm(request.POST, event=event)
    if form.is_valid():
        services.message_broadcast(
            event=event, text=form.cleaned_data["text"], group=form.cleaned_data["group"], user=request.user
        )
        return form, _("Message sent.")
    return form, None


def _move(request, event):
    form = forms.MoveForm(request.POST, event=event)
    if form.is_valid():
        result = services.membership_move(
            participant=form.cleaned_data["participant"], group=form.cleaned_data["group"]
        )
        request.action_warnings = result.warnings
        return form, _("%(person)s moved to %(group)s.") % {
            "person": form.cleaned_data["participant"],
            "group": form.cleaned_data["group"],
        }
    return form, None


def _help_acknowledge(request, event):
    form = forms.HelpAcknowledgeForm(request.POST, event=event)
    if form.is_valid():
        services.help_call_acknowledge(call=form.cleaned_data["call"], user=request.user)
        return form, _("%(person)s knows you are on your way.") % {"person": form.cleaned_data["call"].participant}
    return form, None


def _allocation(request, event):
    form = forms.AllocationRunForm(request.POST, event=event)
    if form.is_valid():
        run = allocation_request(
            event=event,
            user=request.user,
            seed=form.cleaned_data["seed"],
            fewer_groups=form.cleaned_data["fewer_groups"],
        )
        run.refresh_from_db()
        if run.status == run.Status.FAILED:
            raise services.LiveActionRefused(run.error)
        # The panel shows the run's own status from here on (waiting, running, done, failed).
        return form, QUIET
    return form, None


def _allocation_cancel(request, event):
    form = forms.AllocationCancelForm(request.POST, event=event)
    if form.is_valid():
        allocation_cancel(event=event, allocation=form.cleaned_data["allocation"])
        return form, _("The run was cancelled; the groups stay as they were.")
    return form, None


def _note_taker(request, event):
    form = forms.NoteTakerForm(request.POST, event=event)
    if form.is_valid():
        membership = services.note_taker_appoint(participant=form.cleaned_data["volunteer"])
        return form, _("%(person)s takes the notes of %(group)s.") % {
            "person": form.cleaned_data["volunteer"],
            "group": membership.group,
        }
    return form, None


QUIET = object()  # done, with nothing to say: the panel shows the new state


ACTIONS = {
    "phase-start": _phase_start,
    "phase-extend": _phase_extend,
    "phase-end": _phase_end,
    "auto-end": _auto_end,
    "message": _message,
    "move": _move,
    "help-acknowledge": _help_acknowledge,
    "allocation": _allocation,
    "allocation-cancel": _allocation_cancel,
    "note-taker": _note_taker,
}


@require_POST
@organiser_of_event
def control_action(request, event, action):
    """Run one control-room action; answers JSON to the page's scripts, else redirects back."""
    handler = ACTIONS.get(action)
    if handler is None:
        return JsonResponse({"error": _("Unknown action.")}, status=404)
    link = {}
    try:
        form, done = handler(request, event)
    except services.LiveActionRefused as exc:
        done, error = None, str(exc)
        if exc.link:
            link = {"link": exc.link, "link_label": exc.link_label}
    else:
        error = None if done else (forms.form_errors(form) if form is not None else _("Nothing was done."))
    message = "" if done is QUIET else (done or error)
    warnings = getattr(request, "action_warnings", [])
    return action_answer(
        request,
        ok=error is None,
        message=message,
        back=reverse("control_room", kwargs={"slug": event.slug}),
        warnings=warnings,
        extra=link,
    )
