"""Messages that are seen: the broadcast expires with its phase; each room keeps a dated list of
its messages and everyone's of this phase, newest first, each one dismissable."""

import re

import pytest
from django.urls import reverse

from groups import services, streams
from tests.helpers import log_in_as

pytestmark = pytest.mark.django_db


def test_a_broadcast_expires_at_the_end_of_its_phase(event, phases, grouped, organiser):
    services.phase_start(event=event, phase=phases[0])
    services.message_broadcast(event=event, text="Welcome, all", user=organiser)
    event.refresh_from_db()
    assert streams.event_state(event)["message"]["text"] == "Welcome, all"
    services.phase_end(event=event)
    event.refresh_from_db()
    assert streams.event_state(event)["message"] is None  # not carried into the break
    services.message_broadcast(event=event, text="Back in five minutes", user=organiser)
    event.refresh_from_db()
    assert streams.event_state(event)["message"]["text"] == "Back in five minutes"
    services.phase_start(event=event, phase=phases[1])
    event.refresh_from_db()
    assert streams.event_state(event, cached=True)["message"] is None  # nor into the next phase


def test_a_room_lists_its_messages_and_everyones_of_this_phase_newest_first(
    client, event, phases, grouped, participant, organiser
):
    group1, group2 = grouped.groups.get(number=1), grouped.groups.get(number=2)
    services.phase_start(event=event, phase=phases[0])
    services.message_broadcast(event=event, text="From the opening", user=organiser)
    services.phase_end(event=event)
    services.phase_start(event=event, phase=phases[1])
    services.message_broadcast(event=event, text="Everyone: ten minutes", user=organiser)
    services.message_broadcast(event=event, text="Only for group 2", user=organiser, group=group2)
    services.message_broadcast(event=event, text="Group 1: share your screen", user=organiser, group=group1)
    log_in_as(client, participant)
    html = client.get(reverse("lobby", args=[event.slug])).content.decode()
    listed = re.search(r'<ul id="room-messages".*?</ul>', html, re.S).group(0)
    texts = re.findall(r'<span class="message-text">(.*?)</span>', listed)
    assert texts == ["Group 1: share your screen", "Everyone: ten minutes"]
    assert listed.count("data-dismiss") == 2 and listed.count("<time datetime=") == 2
    assert "to everyone" in listed.split("Everyone: ten minutes")[0].rsplit("<li", 1)[1]
    assert 'id="minute-warning"' in html and "js/messages.js" in html


def test_a_room_without_messages_hides_the_list(client, event, phases, grouped, participant):
    services.phase_start(event=event, phase=phases[1])
    log_in_as(client, participant)
    html = client.get(reverse("lobby", args=[event.slug])).content.decode()
    assert re.search(r'<section class="card room-messages"[^>]*\bhidden\b', html)


def test_the_control_room_marks_help_calls_for_its_alert(client, event, phases, grouped, participant, organiser):
    call = services.help_call_create(participant=participant)
    client.force_login(organiser)
    html = client.get(reverse("control_room", args=[event.slug])).content.decode()
    assert 'id="help-alert"' in html and "js/help-alerts.js" in html
    assert html.index('id="help-alert"') < html.index('id="panel"')  # near the top, above the panel
    assert f'data-help-call="{call.pk}"' in html
    assert 'data-help-many="%(n)s people are calling for help"' in html
    services.help_call_acknowledge(call=call, user=organiser)
    panel = client.get(reverse("control_room", args=[event.slug]) + "?panel=1").content.decode()
    assert "data-help-call=" not in panel
