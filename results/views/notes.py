"""The note taker's form: the page, its saved state, autosave, submission, and its offline worker."""

import uuid

from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from groups import streams as groups_streams
from results import selectors, services
from results.access import notes_access
from results.answers import FieldError
from results.views.notes_json import (
    body_version,
    conflict_response,
    errors_response,
    iso,
    json_body,
    submit_response,
)
from sessions_app.models import Event, Session


def _session(event: Event, code: str) -> Session:
    return get_object_or_404(Session, event=event, code=code)


@never_cache
@require_GET
def notes_start(request, slug, group_id):
    """From the room: open the form for the session the groups work on now."""
    access = notes_access(request, slug, group_id)
    session = selectors.group_session(access.event)
    if session is None:
        return render(request, "results/no_questionnaire.html", {"event": access.event}, status=404)
    return redirect("notes_form", slug=slug, group_id=group_id, session_code=session.code)


@never_cache
@require_GET
def notes_form(request, slug, group_id, session_code):
    access = notes_access(request, slug, group_id)
    session = _session(access.event, session_code)
    page = selectors.note_page(access.group, session)
    context = {
        "event": access.event,
        "group": access.group,
        "session": session,
        "questions": selectors.form_questions(session, page["tally"]),
        "access": access,
        "page": page,
        "initial": {
            "version": page["version"],
            "data": page["data"],
            "updated_at": iso(page["updated_at"]),
            "submitted": page["submitted"],
            "idempotency_key": str(uuid.uuid4()),
        },
        # People of the event follow it from here too (organisers stay): see static/js/follow.js.
        "state": groups_streams.event_state(access.event, cached=True) if access.participant else None,
    }
    return render(request, "results/notes_form.html", context)


@never_cache
@require_GET
def notes_state(request, slug, group_id, session_code):
    """The saved working copy and the device votes, for a page that reloads its state."""
    access = notes_access(request, slug, group_id)
    session = _session(access.event, session_code)
    page = selectors.note_page(access.group, session)
    return JsonResponse(
        {
            "version": page["version"],
            "data": page["data"],
            "updated_at": iso(page["updated_at"]),
            "submitted": page["submitted"],
            "tally": page["tally"],
        }
    )


@require_POST
def notes_draft(request, slug, group_id, session_code):
    """Autosave: ``{"base_version": n, "data": {...}}`` → 200 ``{"version", "saved_at"}`` or 409."""
    access = notes_access(request, slug, group_id)
    if not access.can_write:
        return errors_response([FieldError("", _("Only the group's note taker writes its results."))], status=403)
    session = _session(access.event, session_code)
    body, error = json_body(request)
    if error:
        return error
    base_version, error = body_version(body)
    if error:
        return error
    data = body.get("data")
    try:
        submission = services.note_draft_save(
            group=access.group, session=session, data=data, base_version=base_version, participant=access.participant
        )
    except services.NoteConflict as conflict:
        return conflict_response(conflict.submission, data, base_version)
    except services.NoteInvalid as invalid:
        return errors_response(invalid.errors)
    return JsonResponse({"version": submission.version, "saved_at": iso(submission.updated_at)})


@require_POST
def notes_submit(request, slug, group_id, session_code):
    """``{"idempotency_key", "base_version", "data"}`` → 201 new revision, 200 the same on retry."""
    access = notes_access(request, slug, group_id)
    if not access.can_write:
        return errors_response([FieldError("", _("Only the group's note taker submits its results."))], status=403)
    session = _session(access.event, session_code)
    body, error = json_body(request)
    if error:
        return error
    return submit_response(
        group=access.group, session=session, body=body, participant=access.participant, user=request.user
    )


@require_GET
def notes_service_worker(request):
    """The service worker of the notes form (static/js/notes-sw.js), served from the root so that
    it may control the form pages. It holds no data: anyone may fetch it."""
    with open(finders.find("js/notes-sw.js"), encoding="utf-8") as script:
        response = HttpResponse(script.read(), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # browsers check for a new worker on every visit
    response["Service-Worker-Allowed"] = "/events/"  # at most the events' pages, never the others
    return response
