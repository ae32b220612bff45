"""The answer to a page's action in the form it was asked for: JSON to the page's scripts
(``Accept: application/json``), else the message flashed and a redirect back."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect


def action_answer(request, *, ok: bool, message: str, back: str, warnings=(), extra=None):
    """``back``: the address of the page to go back to."""
    warnings = list(warnings)
    if request.headers.get("Accept") == "application/json":
        payload = {"ok": ok, "message": message, "warnings": warnings, **(extra or {})}
        return JsonResponse(payload, status=200 if ok else 400)
    for warning in warnings:
        messages.warning(request, warning)
    if not ok:
        messages.error(request, message)
    elif message:
        messages.success(request, message)
    return redirect(back)
