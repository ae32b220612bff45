"""The JSON API: an event's results for its token or its organisers, a partner tool's submission
of a group's results, and the OpenAPI schema."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from results.access import api_token_event
from results.answers import FieldError
from results.api import api_event_results, api_submission_target
from results.api_schema import openapi_schema
from results.figures import Weighting
from results.views.notes_json import errors_response, json_body, submit_response
from sessions_app.models import Event


def _api_event(request, slug) -> tuple[Event | None, JsonResponse | None]:
    """An event readable by this request: its API token, or an organiser's session."""
    event = Event.objects.filter(slug=slug).first()
    token_event = api_token_event(request)
    if token_event is not None:
        if event is None or token_event.pk != event.pk:
            return None, errors_response([FieldError("", _("No such event for this token."))], status=404)
        return event, None
    if request.user.is_authenticated:
        if event is None or not event.is_organised_by(request.user):
            return None, errors_response([FieldError("", _("No such event among yours."))], status=404)
        return event, None
    response = errors_response([FieldError("Authorization", _("Send “Authorization: Bearer <token>”."))], status=401)
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
        return errors_response([FieldError("weighting", _("must be “pooled” or “groups_equal”."))])
    return JsonResponse(api_event_results(event, weighting=value), json_dumps_params={"ensure_ascii": False})


@csrf_exempt  # token authentication only: no cookie is trusted for writes
@require_http_methods(["POST"])
def api_submit(request, slug, group_id, session_code):
    """A partner tool submits a group's results with the event's token."""
    token_event = api_token_event(request)
    if token_event is None:
        response = errors_response(
            [FieldError("Authorization", _("Send “Authorization: Bearer <token>”."))], status=401
        )
        response["WWW-Authenticate"] = "Bearer"
        return response
    if token_event.slug != slug:
        return errors_response([FieldError("", _("No such event for this token."))], status=404)
    group, session = api_submission_target(event=token_event, group_id=group_id, session_code=session_code)
    if group is None or session is None:
        field = "group_id" if group is None else "session_code"
        return errors_response([FieldError(field, _("No such group or session in this event."))], status=404)
    body, error = json_body(request)
    if error:
        return error
    if "idempotency_key" not in body and request.headers.get("Idempotency-Key"):
        body["idempotency_key"] = request.headers["Idempotency-Key"]
    unknown = [key for key in body if key not in ("idempotency_key", "data")]
    if unknown:
        return errors_response(
            [FieldError(key, _("unknown field; expected idempotency_key, data.")) for key in unknown]
        )
    return submit_response(group=group, session=session, body=body, check_version=False)


@require_GET
def api_schema(request):
    return JsonResponse(openapi_schema(request.build_absolute_uri("/")[:-1]))
