"""Importing people from CSV: a file with any bad row is refused whole, every problem listed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sessions_app.models import DiversityAttribute, Participant
from sessions_app.people_import import participants_import_csv
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def gender(event):
    return DiversityAttribute.objects.create(event=event, key="gender", label="Gender", choices="woman\nman\nanother")


GOOD = (
    "first_name,last_name,email,role,languages,timezone,gender\n"
    "Amina,Okafor,amina@example.org,participant,en fr,Africa/Lagos,woman\n"
    "Bao,Nguyen,,facilitator,vi;en,,\n"
)


def test_a_good_file_is_imported(event, gender):
    result = participants_import_csv(event=event, data=GOOD.encode())
    assert result.ok and result.created == 2
    amina = Participant.objects.get(email="amina@example.org")
    assert amina.languages == "en,fr" and amina.attributes == {"gender": "woman"}
    assert amina.timezone == "Africa/Lagos"
    assert Participant.objects.get(first_name="Bao").role == "facilitator"


def test_every_bad_row_is_listed_and_nothing_is_written(event, gender):
    make_person(event, email="taken@example.org")
    data = (
        "first_name,email,role,languages,timezone,gender\n"
        "Good,good@example.org,participant,en,,woman\n"
        ",noname@example.org,participant,en,,\n"
        "Bad,not-an-email,participant,en,,\n"
        "Role,role@example.org,chair,en,,\n"
        "Tz,tz@example.org,,en,Mars/Base,\n"
        "Lang,lang@example.org,,english!,,\n"
        "Gen,gen@example.org,,en,,robot\n"
        "Dup,good@example.org,,en,,\n"
        "Taken,taken@example.org,,en,,\n"
    )
    result = participants_import_csv(event=event, data=data.encode())
    messages = [str(error) for error in result.errors]
    assert [(e.line, e.column) for e in result.errors] == [
        (3, "first_name"),
        (4, "email"),
        (5, "role"),
        (6, "timezone"),
        (7, "languages"),
        (8, "gender"),
        (9, "email"),
        (10, "email"),
    ]
    assert "line 9, email: good@example.org is also on line 2." in messages
    assert "line 10, email: taken@example.org is already registered for this event." in messages
    assert "robot" in messages[5] and "woman, man, another" in messages[5]
    assert Participant.objects.filter(event=event).count() == 1


def test_unknown_columns_and_bad_files_are_refused(event, gender):
    result = participants_import_csv(event=event, data=b"first_name,shoe_size\nA,42\n")
    assert not result.ok and "shoe_size" in str(result.errors[0]) and "unknown column" in str(result.errors[0])
    assert not participants_import_csv(event=event, data=b"last_name\nX\n").ok
    assert "UTF-8" in str(participants_import_csv(event=event, data="first_name\nÉlodie\n".encode("latin-1")).errors[0])
    assert "empty" in str(participants_import_csv(event=event, data=b"").errors[0])
    assert "more cells" in str(participants_import_csv(event=event, data=b"first_name\nA,B\n").errors[0])
    assert "no people" in str(participants_import_csv(event=event, data=b"first_name\n").errors[0])
    assert Participant.objects.count() == 0


def test_import_through_the_admin_lists_errors(client, organiser, event, gender):
    client.force_login(organiser)
    upload = SimpleUploadedFile("people.csv", b"first_name,gender\nA,woman\nB,robot\n", content_type="text/csv")
    response = client.post("/admin/sessions_app/participant/import/", {"event": event.pk, "file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was written" in page and "line 3, gender" in page
    assert Participant.objects.count() == 0
    upload = SimpleUploadedFile("people.csv", GOOD.encode(), content_type="text/csv")
    response = client.post("/admin/sessions_app/participant/import/", {"event": event.pk, "file": upload})
    assert response.status_code == 302
    assert Participant.objects.filter(event=event).count() == 2


def test_import_into_another_partners_event_is_refused(client, other_organiser, event):
    client.force_login(other_organiser)
    upload = SimpleUploadedFile("people.csv", GOOD.encode(), content_type="text/csv")
    response = client.post("/admin/sessions_app/participant/import/", {"event": event.pk, "file": upload})
    assert "Select a valid choice" in response.content.decode()
    assert Participant.objects.count() == 0
