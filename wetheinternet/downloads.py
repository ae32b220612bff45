"""Files offered for download."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def attachment(content, content_type: str, filename: str) -> HttpResponse:
    """``content`` sent as a file to save under ``filename``."""
    return HttpResponse(
        content, content_type=content_type, headers={"Content-Disposition": content_disposition_header(True, filename)}
    )
