from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sessions_app import services
from sessions_app.auth import is_organiser, participant_login
from sessions_app.join_links import JoinLinkInvalid, join_token_check
from sessions_app.models import Event
from wetheinternet.ratelimit import client_address, rate_limit_hit


@require_GET
def home(request):
    events = Event.objects.organised_by(request.user) if is_organiser(request.user) else Event.objects.none()
    return render(request, "sessions_app/home.html", {"events": events})


@never_cache
@require_GET
def join(request, token):
    if rate_limit_hit("join", client_address(request), settings.JOIN_RATE_LIMIT):
        return render(request, "sessions_app/rate_limited.html", status=429)
    try:
        participant = join_token_check(token)
    except JoinLinkInvalid as exc:
        return render(request, "sessions_app/join_invalid.html", {"reason": exc.reason}, status=403)
    participant_login(request, participant)
    services.participant_record_join(participant=participant)
    return redirect("lobby", slug=participant.event.slug)
