"""The plenary screen: anyone with the event's plenary link sees it; its organisers see more.
With ``?present=1``, the same screen as slides (presenter mode, driven from the control room);
with ``?present=1&deck=1``, only those slides (what a screen in presenter mode fetches again)."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from results import plenary_selectors, presentation_selectors
from results.plenary import event_for_plenary_token, plenary_viewer_is_staff


@never_cache
@require_GET
def plenary(request, slug, token):
    event = event_for_plenary_token(slug, token)
    if event is None:
        return render(request, "results/plenary_refused.html", status=403)
    staff = plenary_viewer_is_staff(request.user, event)
    if request.GET.get("present") == "1":
        deck = presentation_selectors.presentation_deck(event, staff=staff)
        template = "results/_presenter_deck.html" if request.GET.get("deck") == "1" else "results/presenter.html"
        return render(request, template, {"event": event, "token": token, "deck": deck})
    snapshot = plenary_selectors.plenary_snapshot(event, staff=staff)
    return render(request, "results/plenary.html", {"event": event, "token": token, "snapshot": snapshot})
