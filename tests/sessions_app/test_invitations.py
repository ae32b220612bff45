"""Invitations: e-mail, CSV for other mailing tools, QR codes to print; who opened and checked in."""

import csv
import io
import re

import pytest
from django.core import mail

from sessions_app import services
from sessions_app.invitations import invitations_send
from tests.factories import make_person
from tests.helpers import log_in_as, without_bom

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/sessions_app/participant/"


def act(client, action, people):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [p.pk for p in people]})


def test_invitations_are_sent_in_the_persons_language_with_their_own_link(client, event, participant):
    french = make_person(event, first_name="Élodie", email="elodie@example.org", languages="fr")
    nobody = make_person(event, first_name="NoMail")
    sent, skipped = invitations_send(participants=[participant, french, nobody])
    assert (sent, skipped) == (2, 1)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["amina@example.org"].subject == "Your personal link to Day 0"
    assert "Votre lien personnel" in by_address["elodie@example.org"].subject
    body = by_address["amina@example.org"].body
    link = next(line for line in body.splitlines() if "/join/" in line).strip()
    assert log_in_as(client, participant).status_code == 302
    assert client.get(link.split("8000", 1)[1]).status_code == 302
    participant.refresh_from_db()
    assert participant.invited_at is not None


def test_withdrawn_links_are_not_sent(event, participant):
    services.participant_revoke_join_link(participant=participant)
    participant.refresh_from_db()
    assert invitations_send(participants=[participant]) == (0, 1)
    assert mail.outbox == []


def test_organisers_send_export_and_print_links_from_the_people_list(client, organiser, event, participant):
    tricky = make_person(event, first_name="=cmd|' /C calc'!A0", email="t@example.org")
    client.force_login(organiser)
    response = act(client, "send_invitations", [participant, tricky])
    assert response.status_code == 302 and len(mail.outbox) == 2

    response = act(client, "export_join_links", [participant, tricky])
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(without_bom(response.content.decode()))))
    assert {r["email"] for r in rows} == {"amina@example.org", "t@example.org"}
    assert all("/join/" in r["join_url"] for r in rows)
    assert next(r for r in rows if r["email"] == "t@example.org")["first_name"].startswith("'=")

    page = act(client, "print_join_links", [participant, tricky]).content.decode()
    assert page.count("<svg") == 2 and "Amina" in page and "calc" in page
    # The one script is the static Print button's: no inline code.
    assert page.count("<script") == 1
    assert re.findall(r"<script[^>]*>[^<]*</script>", page) == ['<script src="/static/js/print.js"></script>']

    people = client.get(CHANGELIST).content.decode()
    assert "invitation sent at" in people.lower()


def test_another_partner_cannot_export_these_links(client, other_organiser, event, participant):
    client.force_login(other_organiser)
    response = act(client, "export_join_links", [participant])
    rows = list(csv.DictReader(io.StringIO(without_bom(response.content.decode()))))
    assert rows == []  # the selection is taken among their own people only
    assert "amina" not in response.content.decode().lower()
