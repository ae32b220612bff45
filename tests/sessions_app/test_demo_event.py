import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sessions_app.join_links import join_token_check
from sessions_app.models import Event

pytestmark = pytest.mark.django_db


def link_holder(url):
    return join_token_check(url.rstrip("/").rsplit("/", 1)[1]).pk


def run_demo(*args):
    out = StringIO()
    call_command("demo_event", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_demo_event_json_shape_and_links_work(client):
    # Tomorrow at 06:30 UTC: a fixed date would pass, and its join links expire with it.
    start = (datetime.now(UTC) + timedelta(days=1)).replace(hour=6, minute=30, second=0, microsecond=0)
    data = run_demo("--participants", "12", "--start", start.strftime("%Y-%m-%dT%H:%MZ"))
    assert set(data) == {"event", "created", "urls", "organiser", "people"}
    assert data["created"] is True
    assert set(data["urls"]) == {"admin", "control_room", "people_and_links", "plenary"}
    assert set(data["organiser"]) == {"email", "password"}
    event = Event.objects.get(slug=data["event"])
    assert event.starts_at == start
    assert [p.planned_minutes for p in event.phases.all()] == [15, 45, 20]
    assert event.sessions.get().questions.count() >= 4
    roles = [person["role"] for person in data["people"]]
    assert roles.count("participant") == 12
    assert roles.count("facilitator") == roles.count("note_taker") == 3  # enough for groups of 5
    assert all(set(person) == {"name", "role", "join_url"} for person in data["people"])

    person = data["people"][0]
    response = client.get(person["join_url"].split("8000", 1)[1])
    assert response.status_code == 302
    assert person["name"].split()[0] in client.get(response["Location"]).content.decode()

    plenary_path = data["urls"]["plenary"].split("8000", 1)[1]
    assert client.get(plenary_path).status_code == 200
    control_path = data["urls"]["control_room"].split("8000", 1)[1]
    assert client.get(control_path).status_code == 302  # a participant is not an organiser
    assert client.login(username="organiser", password=data["organiser"]["password"])
    assert client.get(control_path).status_code == 200
    assert "Day 0: Global Citizens" in client.get("/admin/sessions_app/event/").content.decode()


def test_participants_have_varied_attributes_and_languages():
    data = run_demo("--participants", "40")
    event = Event.objects.get(slug=data["event"])
    people = event.participants.filter(role="participant")
    assert len({p.attributes["gender"] for p in people}) >= 2
    assert len({p.attributes["region"] for p in people}) >= 4
    assert all(p.language_list[0] == "en" for p in people)


def test_running_twice_prints_the_existing_event_and_keeps_the_password(client):
    first = run_demo("--participants", "3")
    second = run_demo("--participants", "3")
    assert second["event"] == first["event"]
    assert second["created"] is False
    assert second["organiser"]["password"] is None  # not reset, so not known
    assert Event.objects.filter(title__startswith="Day 0").count() == 1
    # The same people's links: a link is signed with its issue time, so compare whom each is for.
    holders = [link_holder(p["join_url"]) for p in second["people"]]
    assert holders == [link_holder(p["join_url"]) for p in first["people"]]
    assert client.login(username="organiser", password=first["organiser"]["password"])


def test_text_output_twice_says_it_exists_and_points_to_every_link():
    call_command("demo_event", "--participants", "3", stdout=StringIO())
    out = StringIO()
    call_command("demo_event", "--participants", "3", stdout=out)
    text = out.getvalue()
    assert "exists already" in text and "--new" in text
    assert "password: the one printed when the account was created" in text
    assert "/people/" in text
    assert "participant " in text  # participants' links are printed too, not only staff's


def test_an_existing_organiser_password_is_never_changed(client, django_user_model):
    django_user_model.objects.create_user(username="own", email="organiser@example.org", password="my own secret")
    data = run_demo("--participants", "3")
    assert data["organiser"]["password"] is None
    assert client.login(username="own", password="my own secret")


def test_new_makes_a_second_event_only_when_asked():
    first = run_demo("--participants", "3")
    second = run_demo("--participants", "3", "--new")
    assert first["event"] != second["event"]
    assert second["created"] is True
    assert Event.objects.count() == 2


def test_bad_start_is_a_clear_error():
    with pytest.raises(CommandError, match="not an ISO 8601 time"):
        call_command("demo_event", "--start", "tomorrow")


def test_the_demo_compares_with_an_illustrative_reference_dataset_out_of_the_box(client):
    from results.models import PlenarySettings
    from results.plenary_selectors import plenary_snapshot

    data = run_demo("--participants", "5")
    event = Event.objects.get(slug=data["event"])
    settings_ = PlenarySettings.objects.get(event=event)
    assert settings_.reference_dataset.illustrative
    assert settings_.reference_dataset.results.filter(question_code="q1", scope="global").exists()
    snapshot = plenary_snapshot(event)
    assert snapshot["reference"]["illustrative"] is True


def test_the_demo_questionnaire_is_in_french_and_spanish():
    from sessions_app.translations import translated

    data = run_demo("--participants", "3")
    session = Event.objects.get(slug=data["event"]).sessions.get()
    assert translated(session, "title", "fr") == "Façonner l'espace public numérique"
    assert translated(session, "title", "es") == "Dar forma a la esfera pública digital"
    for question in session.questions.all():
        assert translated(question, "text", "fr") != question.text, question.code
        assert translated(question, "text", "es") != question.text, question.code
        for option in question.options.exclude(code__in=[str(i) for i in range(1, 6)]):
            assert translated(option, "label", "fr") != option.label, option.code
            assert translated(option, "label", "es") != option.label, option.code


def test_a_demo_whose_links_expired_is_replaced_and_said_so():
    from datetime import timedelta

    from django.utils import timezone

    old = run_demo("--participants", "3", "--start", (timezone.now() - timedelta(days=3)).isoformat())
    out = StringIO()
    call_command("demo_event", "--participants", "3", stdout=out)
    assert "join links have expired, so a new one was created" in out.getvalue()
    newest = Event.objects.order_by("-pk").first()
    assert newest.slug != old["event"] and newest.ends_at > timezone.now()
