"""Paper tallies of sites without the app: the page, the template to fill in, the upload (with its
confirmation when it would replace a note taker's results) and the creation of paper tables."""

import re

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from infrastructure.downloads import attachment, table_download
from results import paper_confirmation, paper_sheet, paper_tables, paper_tallies
from sessions_app.decorators import organiser_of_event
from sessions_app.models import Session

PAPER_UPLOAD_MAX_BYTES = 2 * 1024 * 1024


def _paper_page(request, event, session, *, errors=(), status=200, pending=None):
    context = {
        "pending": pending,
        "event": event,
        "session": session,
        "sessions": paper_tallies.paper_sessions(event),
        "questions": paper_sheet.paper_questions(session) if session else [],
        "has_groups": bool(paper_tables.paper_groups(event)),
        "groups": paper_tables.paper_groups_status(event=event, session=session) if session else [],
        "errors": errors,
        "max_tables": paper_tables.PAPER_TABLES_MAX,
        "table_size": paper_tables.PAPER_TABLE_SIZE_DEFAULT,
        "max_table_size": paper_tables.PAPER_TABLE_SIZE_MAX,
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


def _paper_import(request, event, session, *, data: bytes, filename: str, confirmed: str = ""):
    result = paper_tallies.paper_tallies_import(
        event=event, session=session, data=data, user=request.user, filename=filename, confirmed=confirmed
    )
    if result.needs_confirmation:
        paper_confirmation.paper_upload_hold(
            event=event, user=request.user, confirmation=result.confirmation, filename=filename, data=data
        )
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
        pending = paper_confirmation.paper_upload_take(event=event, user=request.user, confirmation=confirmation)
        if pending is None:
            message = _("The file waited more than 30 minutes for your answer: upload it again.")
            return _paper_page(request, event, session, errors=[message], status=400)
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
    return _paper_page(request, event, session or paper_tallies.paper_session(event, None), errors=errors, status=400)


@csrf_exempt  # checked by _paper_upload once the size is known: the body is never parsed when too large
@never_cache
@require_http_methods(["GET", "POST"])
@organiser_of_event
def paper_tallies_page(request, event):
    """Choose the session, download the template, upload the filled file, see what it did."""
    if request.method == "GET":
        return _paper_page(request, event, paper_tallies.paper_session(event, request.GET.get("session")))
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > PAPER_UPLOAD_MAX_BYTES + 64 * 1024:  # the file plus the form's other fields
        message = _("The file is larger than %(n)s MB.") % {"n": PAPER_UPLOAD_MAX_BYTES // (1024 * 1024)}
        session = paper_tallies.paper_session(event, request.GET.get("session"))
        return _paper_page(request, event, session, errors=[message], status=413)
    return _paper_upload(request, event)


@require_GET
@organiser_of_event
def paper_tallies_template(request, event):
    """The CSV to fill in: every group × question × option of the session."""
    session = paper_tallies.paper_session(event, request.GET.get("session"))
    if session is None:
        return HttpResponse(status=404)
    if request.GET.get("format") == "xlsx":  # text cells stay text: a code such as "-1" is no formula
        rows = paper_sheet.paper_template_rows(event=event, session=session)
        return table_download(
            paper_sheet.COLUMNS, rows, filename_stem=f"{event.slug}-{session.code}-paper-tallies", xlsx=True
        )
    content = paper_sheet.paper_template_csv(event=event, session=session)
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
    table_size = _small_whole(size_text) if size_text else paper_tables.PAPER_TABLE_SIZE_DEFAULT
    try:
        paper_tables.paper_groups_create(event=event, count=count, table_size=table_size, user=request.user)
    except paper_tables.PaperTablesRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("%(n)s paper tables created.") % {"n": count})
    return redirect("paper_tallies", slug=event.slug)
