"""When the database cannot be reached, answer 503 with a page for people, not a traceback."""

import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError) as exc:
            return self.unavailable(exc)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError) or (
            isinstance(exception, DatabaseError) and "connect" in str(exception).lower()
        ):
            return self.unavailable(exception)
        return None

    @staticmethod
    def unavailable(exc) -> HttpResponse:
        logger.error("Database unavailable: %s", exc)
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "10"
        return response
