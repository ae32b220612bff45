from django.shortcuts import render
from django.views.decorators.http import require_GET

from results.plenary import event_for_plenary_token


@require_GET
def plenary(request, slug, token):
    event = event_for_plenary_token(slug, token)
    if event is None:
        return render(request, "results/plenary_refused.html", status=403)
    return render(request, "results/plenary.html", {"event": event, "token": token})
