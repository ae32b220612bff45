"""Pages and JSON endpoints of group results: the note taker's form, votes, plenary, exports, API."""

import re
import uuid

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from groups import streams as groups_live
from groups.models import BreakoutGroup
from groups.selectors import membership_of
from infrastructure.cleaning import JsonRefused, safe_json_loads
from infrastructure.downloads import attachment, table_download
from infrastructure.spreadsheets import XLSX_CONTENT_TYPE
from results import exports, paper_tallies, selectors, services
from results.access import api_token_event, notes_access
from results.aggregation import FieldError, Weighting
from results.api_schema import openapi_schema
from results.models import ReferenceDataset
from results.plenary import event_for_plenary_token, plenary_viewer_is_staff
from sessions_app.decorators import organiser_of_event, participant_of_event
from sessions_app.models import Event, Question, Session

BODY_MAX_BYTES = 256 * 1024
MAX_ID = 2**63


# --- Helpers --------------------------------------------------------------------------------


def _errors(errors: list[FieldError], status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"field": error.field, "message": error.message} for error in errors]}, status=status
    )


def _json_body(request) -> tuple[dict | None, JsonResponse | None]:
    if len(request.body) > BODY_MAX_BYTES:
        return None, _errors([FieldError("", _("The request is larger than 256 kB."))], status=413)
    try:
        body = safe_json_loads(request.body or b"null")
    except JsonRefused as refused:
        # Inside the results, fields are addressed as the validator addresses them: "answers.q5.text".
        fields = [(field.removeprefix("data."), message) for field, message in refused.problems]
        return None, _errors([FieldError(field, message) for field, message in fields])
    if not isinstance(body, dict):
        return None, _errors([FieldError("", _("Send a JSON object."))])
    return body, None


def _version(body: dict, name: str = "base_version") -> tuple[int | None, JsonResponse | None]:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None, _errors([FieldError(name, _("required: the version your copy started from."))])
    return value, None


def _key(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError):
        return None


def _iso(value):
    return value.isoformat() if value else None


def _submission_json(submission) -> dict:
    return {
        "version": submission.version,
        "data": submission.data,
        "updated_at": _iso(submission.updated_at),
        "updated_by": submission.updated_by.first_name if submission.updated_by else None,
        "status": submission.status,
    }


def _conflict(submission, data, base_version) -> JsonResponse:
    return JsonResponse(
        {
            "error": "conflict",
            "message": _("Someone else saved these notes in the meantime. Choose which version to keep."),
            "server": _submission_json(submission),
            "yours": {"version": base_version, "data": data},
        },
        status=409,
    )


def _session(event: Event, code: str) -> Session:
    return get_object_or_404(Session, event=event, code=code)


# --- The note taker's form ------------------------------------------------------------------


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
            "updated_at": _iso(page["updated_at"]),
            "submitted": page["submitted"],
            "idempotency_key": str(uuid.uuid4()),
        },
        # People of the event follow it from here too (organisers stay): see static/js/follow.js.
        "state": groups_live.event_state(access.event, cached=True) if access.participant else None,
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
            "updated_at": _iso(page["updated_at"]),
            "submitted": page["submitted"],
            "tally": page["tally"],
        }
    )


@require_POST
def notes_draft(request, slug, group_id, session_code):
    """Autosave: ``{"base_version": n, "data": {...}}`` → 200 ``{"version", "saved_at"}`` or 409."""
    access = notes_access(request, slug, group_id)
    if not access.can_write:
        return _errors([FieldError("", _("Only the group's note taker writes its results."))], status=403)
    session = _session(access.event, session_code)
    body, error = _json_body(request)
    if error:
        return error
    base_version, error = _version(body)
    if error:
        return error
    data = body.get("data")
    try:
        submission = services.note_draft_save(
            group=access.group, session=session, data=data, base_version=base_version, participant=access.participant
        )
    except services.NoteConflict as conflict:
        return _conflict(conflict.submission, data, base_version)
    except services.NoteInvalid as invalid:
        return _errors(invalid.errors)
    return JsonResponse({"version": submission.version, "saved_at": _iso(submission.updated_at)})


def _submit(request, *, group, session, body, participant=None, user=None, check_version=True):
    key = _key(body.get("idempotency_key"))
    if key is None:
        return _errors([FieldError("idempotency_key", _("required: a UUID made once per submission."))])
    base_version = None
    if check_version:
        base_version, error = _version(body)
        if error:
            return error
    data = body.get("data")
    try:
        result = services.note_submit(
            group=group,
            session=session,
            data=data,
            idempotency_key=key,
            base_version=base_version,
            participant=participant,
            user=user,
        )
    except services.NoteInvalid as invalid:
        return _errors(invalid.errors)
    except services.NoteConflict as conflict:
        return _conflict(conflict.submission, data, base_version)
    except services.NoteKeyReused:
        message = _("This key was used for other data: make a new idempotency key for every new submission.")
        return _errors([FieldError("idempotency_key", message)], status=422)
    except services.NotesRefused as refused:
        return _errors([FieldError("idempotency_key", str(refused))], status=409)
    revision = result.revision
    return JsonResponse(
        {
            "revision": revision.number,
            "created": result.created,
            "version": revision.submission.version,
            "submitted_at": _iso(revision.created_at),
            "data": revision.data,
        },
        status=201 if result.created else 200,
    )


@require_POST
def notes_submit(request, slug, group_id, session_code):
    """``{"idempotency_key", "base_version", "data"}`` → 201 new revision, 200 the same on retry."""
    access = notes_access(request, slug, group_id)
    if not access.can_write:
        return _errors([FieldError("", _("Only the group's note taker submits its results."))], status=403)
    session = _session(access.event, session_code)
    body, error = _json_body(request)
    if error:
        return error
    return _submit(
        request, group=access.group, session=session, body=body, participant=access.participant, user=request.user
    )


# --- Votes in the room ----------------------------------------------------------------------


@never_cache
@require_GET
@participant_of_event
def vote_page(request, event, participant):
    membership = membership_of(participant)
    session = selectors.group_session(event)
    # The page follows the event like the lobby and the room: `state` is what it was drawn from.
    state = groups_live.event_state(event, cached=True)
    if membership is None or session is None:
        context = {"event": event, "questions": [], "membership": membership, "state": state}
        return render(request, "results/vote.html", context)
    questions = [
        q
        for q in selectors.session_questions(session)
        if q.kind in services.VOTED_KINDS and q.respondent == Question.Respondent.INDIVIDUAL
    ]
    mine = {v.question_id: v.data for v in participant.votes.filter(question__in=questions)}
    rows = []
    for question in questions:
        data = mine.get(question.pk) or {}
        rows.append({"question": question, "chosen": data.get("choices") or [data.get("choice")]})
    context = {
        "event": event,
        "membership": membership,
        "session": session,
        "rows": rows,
        "locked": session.note_submissions.filter(group=membership.group, status="submitted").exists(),
        "state": state,
    }
    return render(request, "results/vote.html", context)


@require_POST
@participant_of_event
def vote_cast(request, event, participant, question_id):
    question = get_object_or_404(Question, pk=min(question_id, MAX_ID - 1), session__event=event)
    choice = [] if "withdraw" in request.POST else request.POST.getlist("choice")
    try:
        vote = services.vote_cast(participant=participant, question=question, choice=choice)
    except services.NotesRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Your answer is saved.") if vote else _("Your answer is withdrawn."))
    return redirect("vote", slug=event.slug)


# --- Control room: questions and plenary ----------------------------------------------------


def _posted_id(request, name: str) -> int:
    """A posted id, or 0 (matches nothing) when it is not a whole number the database can hold."""
    value = request.POST.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 10 and int(value) < 2**31 else 0


def _question_open(request, event, is_open):
    question = get_object_or_404(Question, pk=_posted_id(request, "question"), session__event=event)
    services.question_open_set(event=event, question=question, is_open=is_open)
    return (_("“%(code)s” is open.") if is_open else _("“%(code)s” is closed.")) % {"code": question.code}


def _plenary(request, event):
    changes = {}
    post = request.POST
    if "reference" in post:
        value = post["reference"]
        changes["world_scope"] = ""
        if not value:
            changes["reference_dataset"] = None
        elif value.startswith("world|"):
            scope_key = value.partition("|")[2]
            if value not in {scope["value"] for scope in selectors.plenary_world_scopes(event)}:
                raise services.NotesRefused(_("Choose a scope of the dialogue's results from the list."))
            changes["world_scope"] = scope_key
        else:
            dataset_id, _sep, rest = value.partition("|")
            scope, _sep, scope_name = rest.partition("|")
            dataset_id = int(dataset_id) if dataset_id.isdigit() and len(dataset_id) <= 10 else 0
            dataset = ReferenceDataset.objects.filter(pk=dataset_id if dataset_id < 2**31 else 0).first()
            if dataset is None:
                raise services.NotesRefused(_("Choose reference results from the list."))
            changes.update(reference_dataset=dataset, scope=scope, scope_name=scope_name)
    if "results_visible" in post:
        changes["results_visible"] = post["results_visible"] == "1"
    if "on_screen_group" in post:
        group_id = post["on_screen_group"]
        changes["on_screen_group"] = (
            get_object_or_404(BreakoutGroup, pk=_posted_id(request, "on_screen_group"), event=event)
            if group_id.isdigit()
            else None
        )
    if "weighting" in post:
        if post["weighting"] not in Weighting._value2member_map_:
            raise services.NotesRefused(_("Unknown weighting."))
        changes["weighting"] = post["weighting"]
    services.plenary_settings_update(event=event, **changes)
    return _("The plenary screen is updated.")


CONTROL_ACTIONS = {
    "question-open": lambda request, event: _question_open(request, event, True),
    "question-close": lambda request, event: _question_open(request, event, False),
    "plenary": _plenary,
}


@require_POST
@organiser_of_event
def control_action(request, event, action):
    """Run one control-room action; answers JSON to the page's scripts, else redirects back."""
    handler = CONTROL_ACTIONS.get(action)
    if handler is None:
        return JsonResponse({"error": _("Unknown action.")}, status=404)
    try:
        message, ok = handler(request, event), True
    except services.NotesRefused as refused:
        message, ok = str(refused), False
    except Http404:
        message, ok = _("That is not part of this event: reload the control room."), False
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"ok": ok, "message": message, "warnings": []}, status=200 if ok else 400)
    (messages.success if ok else messages.error)(request, message)
    return redirect("control_room", slug=event.slug)


# --- Plenary screen -------------------------------------------------------------------------


@never_cache
@require_GET
def plenary(request, slug, token):
    event = event_for_plenary_token(slug, token)
    if event is None:
        return render(request, "results/plenary_refused.html", status=403)
    snapshot = selectors.plenary_snapshot(event, staff=plenary_viewer_is_staff(request.user, event))
    return render(request, "results/plenary.html", {"event": event, "token": token, "snapshot": snapshot})


# --- Exports --------------------------------------------------------------------------------


def _weighting(request, event) -> str:
    value = request.GET.get("weighting")
    if value in Weighting._value2member_map_:
        return value
    return selectors.plenary_settings_of(event).weighting


@require_GET
@organiser_of_event
def export(request, event, name):
    if name in ("questions.csv", "questions.json"):
        results = selectors.event_results(event, weighting=_weighting(request, event))
        if name.endswith(".json"):
            return JsonResponse(results, json_dumps_params={"ensure_ascii": False})
        return attachment(exports.questions_csv(results), "text/csv; charset=utf-8", f"{event.slug}-questions.csv")
    rows = selectors.group_result_rows(event)
    specs = selectors.event_question_specs(event)
    if name == "results.xlsx":
        results = selectors.event_results(event, weighting=_weighting(request, event))
        content = exports.results_xlsx(results, rows, specs)
        return attachment(content, XLSX_CONTENT_TYPE, f"{event.slug}-results.xlsx")
    if name == "groups.csv":
        return attachment(exports.groups_csv(rows, specs), "text/csv; charset=utf-8", f"{event.slug}-groups.csv")
    if name == "groups.json":
        payload = {
            "event": event.slug,
            "groups": [
                {
                    "group": row["group"],
                    "group_id": row["group_id"],
                    "session": row["session"],
                    "revision": row["revision"],
                    "submitted_at": _iso(row["submitted_at"]),
                    "data": row["data"],
                }
                for row in rows
            ],
        }
        return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
    points = exports.key_points(rows, specs)
    if name == "key-points.csv":
        return attachment(exports.key_points_csv(points), "text/csv; charset=utf-8", f"{event.slug}-key-points.csv")
    if name == "key-points.md":
        text = exports.key_points_markdown(event.title, points)
        return attachment(text, "text/markdown; charset=utf-8", f"{event.slug}-key-points.md")
    return HttpResponse(status=404)


@never_cache
@require_GET
@organiser_of_event
def results_print(request, event):
    results = selectors.event_results(event, weighting=_weighting(request, event))
    rows = selectors.group_result_rows(event)
    points = exports.key_points(rows, selectors.event_question_specs(event))
    return render(request, "results/print.html", {"event": event, "results": results, "points": points})


# --- JSON API -------------------------------------------------------------------------------


def _api_event(request, slug) -> tuple[Event | None, JsonResponse | None]:
    """An event readable by this request: its API token, or an organiser's session."""
    event = Event.objects.filter(slug=slug).first()
    token_event = api_token_event(request)
    if token_event is not None:
        if event is None or token_event.pk != event.pk:
            return None, _errors([FieldError("", _("No such event for this token."))], status=404)
        return event, None
    if request.user.is_authenticated:
        if event is None or not event.is_organised_by(request.user):
            return None, _errors([FieldError("", _("No such event among yours."))], status=404)
        return event, None
    response = _errors([FieldError("Authorization", _("Send “Authorization: Bearer <token>”."))], status=401)
    response["WWW-Authenticate"] = "Bearer"
    return None, response


@csrf_exempt  # token authentication only: no cookie is trusted for writes
@require_http_methods(["GET"])
def api_results(request, slug):
    event, error = _api_event(request, slug)
    if error:
        return error
    value = request.GET.get("weighting")
    if value is not None and value not in Weighting._value2member_map_:
        return _errors([FieldError("weighting", _("must be “pooled” or “groups_equal”."))])
    results = selectors.event_results(event, weighting=value or selectors.plenary_settings_of(event).weighting)
    groups = BreakoutGroup.objects.filter(event=event, allocation__is_current=True).order_by("round", "number")
    results["groups"] = [{"id": g.pk, "number": g.number, "round": g.round, "name": str(g)} for g in groups]
    return JsonResponse(results, json_dumps_params={"ensure_ascii": False})


@csrf_exempt  # token authentication only: no cookie is trusted for writes
@require_http_methods(["POST"])
def api_submit(request, slug, group_id, session_code):
    """A partner tool submits a group's results with the event's token."""
    token_event = api_token_event(request)
    if token_event is None:
        response = _errors([FieldError("Authorization", _("Send “Authorization: Bearer <token>”."))], status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response
    if token_event.slug != slug:
        return _errors([FieldError("", _("No such event for this token."))], status=404)
    group = (
        BreakoutGroup.objects.filter(pk=group_id, event=token_event, allocation__is_current=True).first()
        if group_id < MAX_ID
        else None
    )
    session = Session.objects.filter(event=token_event, code=session_code).first()
    if group is None or session is None:
        field = "group_id" if group is None else "session_code"
        return _errors([FieldError(field, _("No such group or session in this event."))], status=404)
    body, error = _json_body(request)
    if error:
        return error
    if "idempotency_key" not in body and request.headers.get("Idempotency-Key"):
        body["idempotency_key"] = request.headers["Idempotency-Key"]
    unknown = [key for key in body if key not in ("idempotency_key", "data")]
    if unknown:
        return _errors([FieldError(key, _("unknown field; expected idempotency_key, data.")) for key in unknown])
    return _submit(request, group=group, session=session, body=body, check_version=False)


@require_GET
def api_schema(request):
    return JsonResponse(openapi_schema(request.build_absolute_uri("/")[:-1]))


# --- Paper tallies: sites without the app ---------------------------------------------------

PAPER_UPLOAD_MAX_BYTES = 2 * 1024 * 1024


def _paper_session(event: Event, code: str | None) -> Session | None:
    """The session asked for, else the event's first one."""
    sessions = Session.objects.filter(event=event).order_by("order")
    return (sessions.filter(code=code).first() if code else None) or sessions.first()


def _paper_page(request, event, session, *, errors=(), status=200, pending=None):
    context = {
        "pending": pending,
        "event": event,
        "session": session,
        "sessions": Session.objects.filter(event=event).order_by("order"),
        "questions": paper_tallies.paper_questions(session) if session else [],
        "has_groups": bool(paper_tallies.paper_groups(event)),
        "groups": paper_tallies.paper_groups_status(event=event, session=session) if session else [],
        "errors": errors,
        "max_tables": paper_tallies.PAPER_TABLES_MAX,
        "table_size": paper_tallies.PAPER_TABLE_SIZE_DEFAULT,
        "max_table_size": paper_tallies.COUNT_MAX,
        "max_mb": PAPER_UPLOAD_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "results/paper_tallies.html", context, status=status)


def _paper_summary(result) -> str:
    """What an accepted upload did, in one sentence for the page."""
    updated = ngettext(
        "%(n)s group updated with a new revision",
        "%(n)s groups updated with a new revision",
        len(result.updated),
    ) % {"n": len(result.updated)}
    unchanged = ngettext("%(n)s group already up to date", "%(n)s groups already up to date", len(result.unchanged)) % {
        "n": len(result.unchanged)
    }
    names = ", ".join(str(group) for group in result.updated)
    if not result.unchanged:
        message = _("%(updated)s: %(names)s.") % {"updated": updated, "names": names}
    elif names:
        message = _("%(updated)s: %(names)s. %(unchanged)s.") % {
            "updated": updated,
            "names": names,
            "unchanged": unchanged,
        }
    else:
        message = _("Nothing changed: %(unchanged)s.") % {"unchanged": unchanged}
    return message


# A file that would replace note takers' results waits here for the organiser's confirmation.
PAPER_PENDING_SECONDS = 30 * 60


def _pending_key(event, request, confirmation: str) -> str:
    return f"paper-upload:{event.pk}:{request.user.pk}:{confirmation}"


def _paper_import(request, event, session, *, data: bytes, filename: str, confirmed: str = ""):
    result = paper_tallies.paper_tallies_import(
        event=event, session=session, data=data, user=request.user, filename=filename, confirmed=confirmed
    )
    if result.needs_confirmation:
        cache.set(_pending_key(event, request, result.confirmation), (filename, data), PAPER_PENDING_SECONDS)
        return _paper_page(request, event, session, pending=result)
    if result.ok:
        messages.success(request, _paper_summary(result))
        for note in result.notes:
            messages.warning(request, note)
        return redirect(f"{reverse('paper_tallies', args=[event.slug])}?session={session.code}")
    return _paper_page(request, event, session, errors=result.errors, status=400)


@csrf_protect
def _paper_upload(request, event):
    session = Session.objects.filter(event=event, code=request.POST.get("session", "")).first()
    upload = request.FILES.get("file")
    confirmation = request.POST.get("confirm", "")
    if session is not None and confirmation and upload is None:
        if not re.fullmatch(r"[0-9a-f]{64}", confirmation):
            return _paper_page(request, event, session, errors=[_("Upload the file again.")], status=400)
        pending = cache.get(_pending_key(event, request, confirmation))
        if pending is None:
            message = _("The file waited more than 30 minutes for your answer: upload it again.")
            return _paper_page(request, event, session, errors=[message], status=400)
        cache.delete(_pending_key(event, request, confirmation))
        filename, data = pending
        return _paper_import(request, event, session, data=data, filename=filename, confirmed=confirmation)
    if session is None:
        errors = [_("Choose one of the event's sessions.")]
    elif upload is None:
        errors = [_("Choose the CSV file to upload.")]
    elif upload.size > PAPER_UPLOAD_MAX_BYTES:
        errors = [_("The file is larger than %(n)s MB.") % {"n": PAPER_UPLOAD_MAX_BYTES // (1024 * 1024)}]
    else:
        return _paper_import(request, event, session, data=upload.read(), filename=upload.name)
    return _paper_page(request, event, session or _paper_session(event, None), errors=errors, status=400)


@csrf_exempt  # checked by _paper_upload once the size is known: the body is never parsed when too large
@never_cache
@require_http_methods(["GET", "POST"])
@organiser_of_event
def paper_tallies_page(request, event):
    """Choose the session, download the template, upload the filled file, see what it did."""
    if request.method == "GET":
        return _paper_page(request, event, _paper_session(event, request.GET.get("session")))
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > PAPER_UPLOAD_MAX_BYTES + 64 * 1024:  # the file plus the form's other fields
        message = _("The file is larger than %(n)s MB.") % {"n": PAPER_UPLOAD_MAX_BYTES // (1024 * 1024)}
        return _paper_page(
            request, event, _paper_session(event, request.GET.get("session")), errors=[message], status=413
        )
    return _paper_upload(request, event)


@require_GET
@organiser_of_event
def paper_tallies_template(request, event):
    """The CSV to fill in: every group × question × option of the session."""
    session = _paper_session(event, request.GET.get("session"))
    if session is None:
        return HttpResponse(status=404)
    if request.GET.get("format") == "xlsx":  # text cells stay text: a code such as "-1" is no formula
        rows = paper_tallies.paper_template_rows(event=event, session=session)
        return table_download(
            paper_tallies.COLUMNS, rows, filename_stem=f"{event.slug}-{session.code}-paper-tallies", xlsx=True
        )
    content = paper_tallies.paper_template_csv(event=event, session=session)
    return attachment(content, "text/csv; charset=utf-8", f"{event.slug}-{session.code}-paper-tallies.csv")


def _small_whole(text: str) -> int:
    """A form's whole number of at most 6 digits, else 0 (refused by the service)."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else 0


@require_POST
@organiser_of_event
def paper_tables_create(request, event):
    """Create the tables of a site without the app as the event's groups."""
    count = _small_whole(request.POST.get("count", ""))
    size_text = request.POST.get("table_size", "").strip()
    table_size = _small_whole(size_text) if size_text else paper_tallies.PAPER_TABLE_SIZE_DEFAULT
    try:
        paper_tallies.paper_groups_create(event=event, count=count, table_size=table_size, user=request.user)
    except paper_tallies.PaperTablesRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("%(n)s paper tables created.") % {"n": count})
    return redirect("paper_tallies", slug=event.slug)


# --- The note taker's form offline ----------------------------------------------------------


@require_GET
def notes_service_worker(request):
    """The service worker of the notes form (static/js/notes-sw.js), served from the root so that
    it may control the form pages. It holds no data: anyone may fetch it."""
    with open(finders.find("js/notes-sw.js"), encoding="utf-8") as script:
        response = HttpResponse(script.read(), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # browsers check for a new worker on every visit
    response["Service-Worker-Allowed"] = "/events/"  # at most the events' pages, never the others
    return response
