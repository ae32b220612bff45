"""View guards: each view says who may open it."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from sessions_app.auth import participant_for_request
from sessions_app.models import Event


def organiser_of_event(view):
    """Only organisers of this event; others get 404 so that events do not leak."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        event = Event.objects.organised_by(request.user).filter(slug=slug).first()
        if event is None:
            raise Http404(_("No such event among yours."))
        return view(request, event, *args, **kwargs)

    return wrapper


def participant_of_event(view):
    """Only a person of this event, logged in by their join link or staff account."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        event = get_object_or_404(Event, slug=slug)
        participant = participant_for_request(request, event)
        if participant is None:
            return render(request, "sessions_app/not_joined.html", {"event": event}, status=403)
        return view(request, event, participant, *args, **kwargs)

    return wrapper
