"""Invitations: personal join links sent by e-mail, exported for other mailing tools, or
printed as QR codes for in-person sites."""

import segno
from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from infrastructure.csvfiles import csv_text
from sessions_app.join_links import join_url
from sessions_app.models import Participant


def invitations_send(*, participants) -> tuple[int, int]:
    """E-mail each person their link, in their language; returns (sent, skipped).

    People without an e-mail address or whose link was withdrawn are skipped."""
    messages, sent_ids, skipped = [], [], 0
    for person in participants:
        if not person.email or person.join_revoked_at is not None:
            skipped += 1
            continue
        language = (person.language_list or [person.event.language])[0]
        with translation.override(language):
            context = {
                "person": person,
                "event": person.event,
                "url": join_url(person),
                "own_timezone": person.timezone,
            }
            subject = _("Your personal link to %(event)s") % {"event": person.event.title}
            body = render_to_string("sessions_app/email/invitation.txt", context)
        messages.append(mail.EmailMessage(subject=subject, body=body, to=[person.email]))
        sent_ids.append(person.pk)
    if messages:
        with mail.get_connection() as connection:
            connection.send_messages(messages)
        Participant.objects.filter(pk__in=sent_ids).update(invited_at=timezone.now())
    return len(sent_ids), skipped


def invitations_csv(*, participants) -> str:
    """The people and their links, for an organiser's own mailing tool."""
    rows = [
        [p.first_name, p.last_name, p.email, p.role, p.languages, join_url(p)]
        for p in participants
        if p.join_revoked_at is None
    ]
    return csv_text(["first_name", "last_name", "email", "role", "languages", "join_url"], rows)


def join_qr_svg(url: str) -> str:
    """An inline SVG QR code of a link (the link holds only URL-safe characters)."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2)
