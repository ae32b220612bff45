"""The plenary screen: anyone with the event's plenary link sees it; its organisers see more."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from results import plenary_selectors
from results.plenary import event_for_plenary_token, plenary_viewer_is_staff


@never_cache
@require_GET
def plenary(request, slug, token):
    event = event_for_plenary_token(slug, token)
    if event is None:
        return render(request, "results/plenary_refused.html", status=403)
    snapshot = plenary_selectors.plenary_snapshot(event, staff=plenary_viewer_is_staff(request.user, event))
    return render(request, "results/plenary.html", {"event": event, "token": token, "snapshot": snapshot})
