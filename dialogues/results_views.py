"""The dialogue's global results: the coordinators' and partners' live page (and the live parts
it fetches and swaps in), the public page and its open data. Figures come from
``dialogues.results`` (cached, suppressed below the threshold)."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from dialogues import open_data
from dialogues.access import may_see_results
from dialogues.models import Dialogue
from dialogues.recommendations import cached_dialogue_recommendations, recommendations_page, recommendations_table
from dialogues.results import cached_global_snapshot
from dialogues.results_cache import (
    figures_etag,
    open_data_file,
    public_dialogue_get,
    public_page_html,
    snapshot_etag,
)
from dialogues.results_display import chosen_scopes, page_context, version_wording
from infrastructure.downloads import attachment, table_download

JSON_OPTIONS = {"ensure_ascii": False}


def dialogue_viewer(view):
    """Only the dialogue's coordinators and partners (anyone else signed in: 403)."""

    @wraps(view)
    def wrapper(request, slug):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        dialogue = get_object_or_404(Dialogue, slug=slug)
        if not may_see_results(request.user, dialogue):
            raise PermissionDenied(_("Only the dialogue's coordinators and partners see its live results."))
        return view(request, dialogue)

    return wrapper


def public_dialogue(view):
    """Anyone, when the dialogue's results are public; 404 otherwise."""

    @wraps(view)
    def wrapper(request, slug):
        dialogue = public_dialogue_get(slug)
        if dialogue is None:
            raise Http404(_("No such public dialogue."))
        return view(request, dialogue)

    return wrapper


# --- Coordinators and partners: live -----------------------------------------------------------


def _live_context(request, dialogue: Dialogue, snapshot: dict) -> dict:
    scopes = chosen_scopes(snapshot, request.GET.get("scope"), request.GET.get("compare"))
    return page_context(dialogue, snapshot, scopes, version_wording(dialogue, snapshot))


def _recommendations_context(request, dialogue: Dialogue, *, public: bool, keep: tuple[str, ...]) -> dict:
    """The recommendations' section: one page of them, filtered as asked, and the query strings
    that keep the page's other choices (``keep``: its scope pickers) in its forms and links."""
    collection = cached_dialogue_recommendations(dialogue, public=public)
    recs = recommendations_page(
        collection, country=request.GET.get("country"), tag=request.GET.get("tag"), page=request.GET.get("page")
    )
    kept = [(name, request.GET[name][:200]) for name in keep if request.GET.get(name)]
    filters = [(name, recs[name]) for name in ("country", "tag") if recs[name]]
    return {
        "recs": recs,
        "keep": kept,
        "page_query": urlencode(kept + filters) + "&" if kept + filters else "",
        "filter_query": "?" + urlencode(filters) if filters else "",
        "recs_public": public,
    }


@never_cache
@require_safe
@dialogue_viewer
def dialogue_results(request, dialogue):
    snapshot = cached_global_snapshot(dialogue)
    context = _live_context(request, dialogue, snapshot)
    context.update(_recommendations_context(request, dialogue, public=False, keep=("scope", "compare")))
    return render(request, "dialogues/results.html", context)


@require_safe
@dialogue_viewer
def dialogue_results_figures(request, dialogue):
    """The page's live parts, which it fetches every few seconds and swaps in: unchanged figures
    (for the scopes asked and the page's language) answer 304."""
    snapshot = cached_global_snapshot(dialogue)
    scopes = chosen_scopes(snapshot, request.GET.get("scope"), request.GET.get("compare"))
    etag = figures_etag(snapshot_etag(dialogue, snapshot), scopes, get_language())
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = render(request, "dialogues/results_figures.html", _live_context(request, dialogue, snapshot))
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


@require_safe
@dialogue_viewer
def dialogue_results_json(request, dialogue):
    """The snapshot as JSON, for tools that follow it: unchanged figures answer 304, not 250 kB."""
    snapshot = cached_global_snapshot(dialogue)
    etag = snapshot_etag(dialogue, snapshot)
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = JsonResponse(snapshot, json_dumps_params=JSON_OPTIONS)
    response["ETag"] = etag
    # Kept by this browser only, and asked again every time (with If-None-Match).
    response["Cache-Control"] = "private, no-cache"
    return response


def _recommendations_download(request, dialogue: Dialogue, *, public: bool, kind: str):
    collection = cached_dialogue_recommendations(dialogue, public=public)
    header, rows = recommendations_table(
        collection, country=request.GET.get("country"), tag=request.GET.get("tag"), organisation=not public
    )
    return table_download(header, rows, filename_stem=f"{dialogue.slug}-recommendations", xlsx=kind == "xlsx")


@require_safe
@dialogue_viewer
def dialogue_recommendations_csv(request, dialogue):
    return _recommendations_download(request, dialogue, public=False, kind="csv")


@require_safe
@dialogue_viewer
def dialogue_recommendations_xlsx(request, dialogue):
    return _recommendations_download(request, dialogue, public=False, kind="xlsx")


# --- The public page and its open data -----------------------------------------------------------


@require_safe
@public_dialogue
def public_results(request, dialogue):
    figures = public_page_html(dialogue, request.GET.get("scope"))
    if figures is None:
        return redirect("public_dialogue_results", slug=dialogue.slug)
    # The figures are our own template's output, escaped when rendered and cached.
    context = {
        "dialogue": dialogue,
        "figures": mark_safe(figures),  # noqa: S308
        "refresh_seconds": settings.PUBLIC_RESULTS_REFRESH_SECONDS,
        **_recommendations_context(request, dialogue, public=True, keep=("scope",)),
    }
    return render(request, "dialogues/public.html", context)


@require_safe
@public_dialogue
def public_results_csv(request, dialogue):
    return attachment(open_data_file(dialogue, "csv"), "text/csv; charset=utf-8", f"{dialogue.slug}-results.csv")


@require_safe
@public_dialogue
def public_recommendations_csv(request, dialogue):
    return _recommendations_download(request, dialogue, public=True, kind="csv")


@require_safe
@public_dialogue
def public_results_json(request, dialogue):
    return HttpResponse(open_data_file(dialogue, "json"), content_type="application/json")


def _dictionary(dialogue: Dialogue) -> dict:
    return open_data.data_dictionary(
        dialogue_slug=dialogue.slug,
        title=str(dialogue),
        weighting=dialogue.weighting,
        min_respondents=dialogue.min_respondents,
    )


@require_safe
@public_dialogue
def public_data_dictionary(request, dialogue):
    return render(
        request, "dialogues/public_dictionary.html", {"dialogue": dialogue, "dictionary": _dictionary(dialogue)}
    )


@require_safe
@public_dialogue
def public_data_dictionary_json(request, dialogue):
    return JsonResponse(_dictionary(dialogue), json_dumps_params=JSON_OPTIONS)
