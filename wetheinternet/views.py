"""The site's own pages, above every app: the home page lists what the signed-in organiser runs
(events, and the dialogues they coordinate or take part in)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from dialogues.selectors import dialogues_of
from sessions_app.auth import is_organiser
from sessions_app.models import Event


@require_GET
def home(request):
    events = Event.objects.organised_by(request.user) if is_organiser(request.user) else Event.objects.none()
    return render(request, "sessions_app/home.html", {"events": events, "dialogues": dialogues_of(request.user)})
