"""Dialogue fixtures: a coalition with a template event, a published version and two partners."""

import pytest

from dialogues.models import Dialogue
from dialogues.versions import version_publish
from sessions_app.models import Phase
from tests.factories import make_event, make_organisation, make_questionnaire, make_user


@pytest.fixture
def coordinator(db):
    return make_user("coordinator")


@pytest.fixture
def dialogue(db, coordinator):
    coalition = make_organisation(name="Coalition", slug="coalition")
    coalition.members.add(coordinator)
    template = make_event(coalition, title="Template", slug="template")
    session = make_questionnaire(template)
    Phase.objects.create(event=template, order=1, kind="opening", title="Opening", planned_minutes=15)
    Phase.objects.create(event=template, order=2, kind="breakout", title="Rooms", planned_minutes=45, session=session)
    Phase.objects.create(event=template, order=3, kind="plenary", title="Plenary", planned_minutes=20)
    dialogue = Dialogue.objects.create(title="Global Dialogue", slug="global", edition="2026", template_event=template)
    dialogue.coordinators.add(coordinator)
    version_publish(dialogue=dialogue, user=coordinator)
    return dialogue
