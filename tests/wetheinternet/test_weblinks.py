"""Address fields take http:// and https:// only: a javascript: or data: link is refused in the
model, in the admin's forms and in questionnaire imports (one stored earlier is never rendered:
tests/groups/test_pages.py)."""

import json

import pytest
from django.core.exceptions import ValidationError

from results.questionnaire import questionnaire_import
from sessions_app.models import Session

pytestmark = pytest.mark.django_db

HOSTILE = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data://text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://files.example.org/material.pdf",
    "//evil.example.org/x",
    "https://",
    "https://exa mple.org/",
]
GOOD = ["https://www.youtube.com/watch?v=abc", "http://example.org/material.pdf"]


@pytest.mark.parametrize("url", HOSTILE)
def test_hostile_addresses_are_refused_by_the_models(event, url):
    session = Session(event=event, order=1, code="s", title="S", material_url=url)
    with pytest.raises(ValidationError) as refused:
        session.full_clean()
    assert "material_url" in refused.value.message_dict
    event.video_link_template = url.replace("alert(1)", "x-{room}")
    with pytest.raises(ValidationError) as refused:
        event.full_clean()
    assert refused.value.message_dict["video_link_template"] == [
        "Enter a web address that starts with http:// or https://."
    ]


@pytest.mark.parametrize("url", GOOD)
def test_web_addresses_are_accepted(event, url):
    Session(event=event, order=1, code="s", title="S", material_url=url).full_clean()
    event.video_link_template = url + "-{room}"
    event.full_clean()


def test_the_admin_form_says_what_is_wrong(client, organiser, event):
    client.force_login(organiser)
    response = client.post(
        "/admin/sessions_app/session/add/",
        {
            "event": event.pk,
            "order": 1,
            "code": "s1",
            "title": "Sneaky",
            "material": "",
            "material_url": "javascript:alert(1)",
            "translations": "{}",
            "questions-TOTAL_FORMS": 0,
            "questions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert not Session.objects.filter(title="Sneaky").exists()


def test_a_questionnaire_file_with_a_javascript_link_is_refused(event):
    document = {
        "format": "wetheinternet.questionnaire",
        "version": 1,
        "sessions": [{"code": "s", "order": 1, "title": "S", "material_url": "javascript:alert(1)", "questions": []}],
    }
    result = questionnaire_import(event=event, data=json.dumps(document).encode())
    assert not result.ok
    assert any("material_url" in str(error) for error in result.errors)
    assert not Session.objects.filter(event=event, code="s").exists()
