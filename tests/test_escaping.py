"""Script and markup typed into text fields come out escaped everywhere they are shown."""

import csv
import io

import pytest

from groups import services
from groups.models import Allocation
from groups.services import GroupPlan, allocation_apply
from results.models import PlenarySettings
from sessions_app.models import Phase
from tests.factories import make_person, make_questionnaire, make_submission
from tests.helpers import log_in_as

SCRIPT = '<script>alert("x")</script>'
IMAGE = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.mark.django_db
def test_markup_in_names_messages_and_notes_is_escaped_on_every_page(client, event, organiser):
    session = make_questionnaire(event)
    Phase.objects.create(event=event, order=1, kind="breakout", title="Rooms", planned_minutes=45, session=session)
    person = make_person(event, first_name=SCRIPT, last_name=FORMULA, languages="en")
    note_taker = make_person(event, role="note_taker", first_name=IMAGE)
    allocation = Allocation.objects.create(event=event, seed=1)
    allocation_apply(allocation=allocation, plans=[GroupPlan(participants=[person.pk], note_taker=note_taker.pk)])
    group = allocation.groups.get()
    services.phase_start(event=event, phase=event.phases.get())
    services.message_broadcast(event=event, text=IMAGE, user=organiser)
    make_submission(group, session, {"answers": {"q5": {"text": SCRIPT + " " + IMAGE}, "q6": {"text": FORMULA}}})
    PlenarySettings.objects.create(event=event, results_visible=True, on_screen_group=group)

    pages = {}
    log_in_as(client, person)
    pages["room"] = client.get(f"/events/{event.slug}/")
    client.logout()
    client.force_login(organiser)
    for name, path in {
        "control room": f"/events/{event.slug}/control/",
        "plenary": f"/events/{event.slug}/plenary/{event.plenary_token}/",
        "print": f"/events/{event.slug}/results/print/",
        "admin people": "/admin/sessions_app/participant/",
        "admin person": f"/admin/sessions_app/participant/{person.pk}/change/",
        "admin notes": "/admin/results/notesubmission/",
        "key points (markdown)": f"/events/{event.slug}/results/export/key-points.md",
    }.items():
        pages[name] = client.get(path)
    for name, response in pages.items():
        body = response.content.decode()
        assert response.status_code == 200, name
        assert SCRIPT not in body and IMAGE not in body, f"raw markup on {name}"
    assert "&lt;script&gt;" in pages["room"].content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in pages["control room"].content.decode()
    assert "\\u003Cscript\\u003E" in pages["plenary"].content.decode()  # inside json_script

    # JSON is data, not a page: the text stays as typed, and browsers will not run it as HTML.
    response = client.get(f"/events/{event.slug}/results/export/groups.json")
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    for name in ("key-points.csv", "groups.csv", "questions.csv"):
        body = client.get(f"/events/{event.slug}/results/export/{name}").content.decode()
        cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))], f"formula left in {name}"
    key_points = client.get(f"/events/{event.slug}/results/export/key-points.csv").content.decode()
    assert "'=HYPERLINK" in key_points  # kept, but neutralised
