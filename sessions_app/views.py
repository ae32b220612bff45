"""The home page (an organiser's events and dialogues) and the pages of an event's people: opening
a personal join link, a person's profile and sign-out, and the organisers' page of join links."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from infrastructure.ratelimit import client_address, rate_limit_hit
from sessions_app import services
from sessions_app.auth import participant_login, participant_logout
from sessions_app.decorators import organiser_of_event, participant_of_event
from sessions_app.forms import ProfileForm
from sessions_app.join_links import JoinLinkInvalid, join_token_check
from sessions_app.selectors import people_with_links


@never_cache
@require_GET
def join(request, token):
    # Only failed attempts count, and only they are refused: a whole venue behind one address may
    # join in the same minute even after some mistyped links, while guessing from one address is
    # slowed down to the limit.
    try:
        participant = join_token_check(token)
    except JoinLinkInvalid as exc:
        if rate_limit_hit("join-failed", client_address(request), settings.JOIN_RATE_LIMIT):
            return render(request, "sessions_app/rate_limited.html", status=429)
        return render(request, "sessions_app/join_invalid.html", {"reason": exc.reason}, status=403)
    participant_login(request, participant)
    services.participant_record_join(participant=participant)
    return redirect("lobby", slug=participant.event.slug)


@require_POST
@participant_of_event
def profile(request, event, participant):
    form = ProfileForm(request.POST, event=event)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else field
            messages.error(request, f"{label}: {' '.join(errors)}")
        return redirect("lobby", slug=event.slug)
    services.participant_update_profile(
        participant=participant,
        languages=form.cleaned_data["languages"],
        attributes=form.attribute_values(),
        consent=form.cleaned_data["consent"],
        timezone_name=form.cleaned_data["timezone"],
    )
    messages.success(request, _("Thank you, your answers are saved."))
    return redirect("lobby", slug=event.slug)


@require_POST
@participant_of_event
def sign_out(request, event, participant):
    participant_logout(request, event)
    messages.success(
        request,
        _("You have signed out of %(event)s. Open your personal link to come back.") % {"event": event.title},
    )
    return redirect("home")


@never_cache
@require_GET
@organiser_of_event
def people_links(request, event):
    """Every person of the event with their personal join link, for the event's organisers."""
    roles = people_with_links(event=event)
    people = [person for role in roles for person in role["people"]]
    return render(request, "sessions_app/people_links.html", {"event": event, "roles": roles, "people": people})
