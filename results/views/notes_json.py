"""The JSON that the note taker's form and the API share: request bodies read, field-addressed
errors, conflicts, and a submission's answer."""

import uuid

from django.http import JsonResponse
from django.utils.translation import gettext as _

from infrastructure.cleaning import JsonRefused, safe_json_loads
from results import services
from results.answers import FieldError

BODY_MAX_BYTES = 256 * 1024


def errors_response(errors: list[FieldError], status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"field": error.field, "message": error.message} for error in errors]}, status=status
    )


def json_body(request) -> tuple[dict | None, JsonResponse | None]:
    if len(request.body) > BODY_MAX_BYTES:
        return None, errors_response([FieldError("", _("The request is larger than 256 kB."))], status=413)
    try:
        body = safe_json_loads(request.body or b"null")
    except JsonRefused as refused:
        # Inside the results, fields are addressed as the validator addresses them: "answers.q5.text".
        fields = [(field.removeprefix("data."), message) for field, message in refused.problems]
        return None, errors_response([FieldError(field, message) for field, message in fields])
    if not isinstance(body, dict):
        return None, errors_response([FieldError("", _("Send a JSON object."))])
    return body, None


def body_version(body: dict, name: str = "base_version") -> tuple[int | None, JsonResponse | None]:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None, errors_response([FieldError(name, _("required: the version your copy started from."))])
    return value, None


def _key(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError):
        return None


def iso(value):
    return value.isoformat() if value else None


def _submission_json(submission) -> dict:
    return {
        "version": submission.version,
        "data": submission.data,
        "updated_at": iso(submission.updated_at),
        "updated_by": submission.updated_by.first_name if submission.updated_by else None,
        "status": submission.status,
    }


def conflict_response(submission, data, base_version) -> JsonResponse:
    return JsonResponse(
        {
            "error": "conflict",
            "message": _("Someone else saved these notes in the meantime. Choose which version to keep."),
            "server": _submission_json(submission),
            "yours": {"version": base_version, "data": data},
        },
        status=409,
    )


def submit_response(*, group, session, body, participant=None, user=None, check_version=True) -> JsonResponse:
    """Submit the body's results through ``note_submit`` and answer as the form and the API expect."""
    key = _key(body.get("idempotency_key"))
    if key is None:
        return errors_response([FieldError("idempotency_key", _("required: a UUID made once per submission."))])
    base_version = None
    if check_version:
        base_version, error = body_version(body)
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
        return errors_response(invalid.errors)
    except services.NoteConflict as conflict:
        return conflict_response(conflict.submission, data, base_version)
    except services.NoteKeyReused:
        message = _("This key was used for other data: make a new idempotency key for every new submission.")
        return errors_response([FieldError("idempotency_key", message)], status=422)
    except services.NotesRefused as refused:
        return errors_response([FieldError("idempotency_key", str(refused))], status=409)
    revision = result.revision
    return JsonResponse(
        {
            "revision": revision.number,
            "created": result.created,
            "version": revision.submission.version,
            "submitted_at": iso(revision.created_at),
            "data": revision.data,
        },
        status=201 if result.created else 200,
    )
