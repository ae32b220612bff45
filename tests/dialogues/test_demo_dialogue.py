"""`manage.py demo_event --dialogue N`: a small dialogue whose global results show figures."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dialogues.models import Dialogue
from dialogues.results import global_snapshot

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("demo_event", "--json", "--dialogue", *args, stdout=out)
    return json.loads(out.getvalue())


def path(url):
    return url.split("8000", 1)[1]


def test_a_dialogue_of_three_partners_with_figures_and_working_logins(client):
    data = run("3")
    assert set(data) == {"dialogue", "urls", "coordinator", "partners"}
    assert set(data["urls"]) >= {"coordination", "results", "public_results", "admin", "sign_in"}
    dialogue = Dialogue.objects.get(slug=data["dialogue"])
    assert dialogue.public and dialogue.versions.count() == 1
    partners = data["partners"]
    assert len(partners) == 3
    assert len({p["country"] for p in partners}) == 3 and len({p["continent"] for p in partners}) == 3
    assert any(p["results_public"] for p in partners) and not all(p["results_public"] for p in partners)

    snapshot = global_snapshot(dialogue)
    assert snapshot["sites_total"] == 3 and snapshot["sites_reported"] == 3
    assert all(site["groups_submitted"] >= 5 for site in snapshot["sites"])
    assert any(site["groups_submitted"] < site["groups_total"] for site in snapshot["sites"])  # one still writing
    for question in (q for s in snapshot["sessions"] for q in s["questions"]):
        for scope in snapshot["scopes"]:
            figures = question["figures"][scope["key"]]
            assert not figures.get("suppressed"), (question["code"], scope["key"])
    q1 = next(q for s in snapshot["sessions"] for q in s["questions"] if q["code"] == "q1")
    by_country = [tuple(q1["figures"][f"country:{p['country']}"]["percent"]) for p in partners]
    assert len(set(by_country)) == 3  # countries differ
    assert global_snapshot(dialogue, public=True)["sites_total"] == sum(p["results_public"] for p in partners)

    assert client.login(username="coordinator", password=data["coordinator"]["password"])
    assert client.get(path(data["urls"]["coordination"])).status_code == 200
    client.logout()
    first = partners[0]
    username = first["organiser"]["email"].split("@")[0]
    assert client.login(username=username, password=first["organiser"]["password"])
    page = client.get(path(first["urls"]["partner"]))
    assert page.status_code == 200 and first["organisation"] in page.content.decode()
    assert client.get(path(first["urls"]["control_room"])).status_code == 200
    assert client.get(path(partners[1]["urls"]["control_room"])).status_code == 404


def test_text_output_prints_the_logins(capsys):
    out = StringIO()
    call_command("demo_event", "--dialogue", "1", stdout=out)
    text = out.getvalue()
    assert "coordinator@example.org" in text and "Partner page:" in text and "/results/" in text


def test_running_twice_makes_a_second_dialogue():
    assert run("1")["dialogue"] != run("1")["dialogue"]


def test_bad_number_of_partners_is_a_clear_error():
    with pytest.raises(CommandError, match="--dialogue must be between 1 and"):
        call_command("demo_event", "--dialogue", "0")
