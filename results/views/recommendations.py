"""The recommendations wall in the control room: the page, and the organiser's curation (star,
hide, group similar ones). Actions answer JSON to scripts, else redirect back to the wall."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from infrastructure.actions import action_answer
from results.recommendation_selectors import CARDS_PER_PAGE, wall, wall_cards, wall_news, wall_state
from results.recommendations import (
    CurationRefused,
    recommendation_curate,
    recommendation_group,
    recommendation_translate,
)
from sessions_app.decorators import organiser_of_event

YES_NO = {"1": True, "0": False}


@never_cache
@require_GET
@organiser_of_event
def recommendations_wall(request, event):
    """The wall; with ``?part=news&seen=<its signature>``, only the box that says whether the wall
    changed since the page was drawn (the page asks every few seconds, static/js/wall.js)."""
    if request.GET.get("part") == "news":  # every 5 s: the cards alone, no pages nor clustering
        state = wall_state(wall_cards(event))
        news = wall_news(state, request.GET.get("seen", "")[:64], request.GET.get("written", ""))
        return render(request, "results/_wall_news.html", {"event": event, "wall": state, "news": news})
    context = {"event": event, "wall": wall(event), "per_page": CARDS_PER_PAGE}
    return render(request, "results/recommendations.html", context)


def _yes_no(post, name):
    if name not in post:
        return None
    if post[name] not in YES_NO:
        raise CurationRefused(_("Say whether it is starred or hidden: yes or no."))
    return YES_NO[post[name]]


def _curate(post, event):
    recommendation_curate(
        event=event,
        group=post.get("group", ""),
        starred=_yes_no(post, "starred"),
        hidden=_yes_no(post, "hidden"),
        label=post.get("label"),
    )
    return _("The wall is updated.")


def _group(post, event):
    ids = [part for value in post.getlist("groups") for part in value.split(",") if part.strip()]
    recommendation_group(event=event, groups=ids, label=post.get("label", ""))
    return _("The recommendations are shown together.")


def _translate(post, event):
    curation = recommendation_translate(
        event=event, group=post.get("group", ""), language=post.get("language", ""), text=post.get("text", "")
    )
    if post.get("language") in curation.translations:
        return _("The translation is kept.")
    return _("The translation is taken away.")


ACTIONS = {"curate": _curate, "group": _group, "translate": _translate}


@require_POST
@organiser_of_event
def recommendations_action(request, event, action):
    back = reverse("recommendations_wall", kwargs={"slug": event.slug})
    handler = ACTIONS.get(action)
    if handler is None:
        return action_answer(request, ok=False, message=_("Unknown action."), back=back)
    try:
        message, ok = handler(request.POST, event), True
    except CurationRefused as refused:
        message, ok = str(refused), False
    return action_answer(request, ok=ok, message=message, back=back)
