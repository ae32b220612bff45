"""Dialogue fixtures: a coalition with a template event, a published version and two partners."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from dialogues.models import Dialogue, DialoguePartner
from dialogues.services import event_create_from_version, version_publish
from results.services import note_submit
from sessions_app.models import Event, Organisation, Phase, Session
from tests.results.conftest import make_groups, make_questionnaire


def make_partner(dialogue, name, slug, django_user_model=None, *, public=False):
    organisation = Organisation.objects.create(name=name, slug=slug)
    DialoguePartner.objects.create(
        dialogue=dialogue, organisation=organisation, contact_email=f"{slug}@example.org", results_public=public
    )
    user = None
    if django_user_model is not None:
        user = django_user_model.objects.create_user(
            username=slug, email=f"{slug}@example.org", password="correct horse battery", is_staff=True
        )
        organisation.members.add(user)
    return organisation, user


def make_site(dialogue, organisation, slug, *, country="", continent="", tags="", language="en"):
    return event_create_from_version(
        dialogue=dialogue,
        organisation=organisation,
        title=f"Dialogue in {country or slug}",
        slug=slug,
        starts_at=timezone.now(),
        timezone="UTC",
        language=language,
        country=country,
        continent=continent,
        tags=tags,
    )


def submit_results(event, group, answers):
    session = Session.objects.get(event=event)
    return note_submit(group=group, session=session, data={"answers": answers}, idempotency_key=uuid.uuid4())


@pytest.fixture
def coordinator(db, django_user_model):
    return django_user_model.objects.create_user(
        username="coordinator", email="coordinator@example.org", password="correct horse battery", is_staff=True
    )


@pytest.fixture
def dialogue(db, coordinator):
    coalition = Organisation.objects.create(name="Coalition", slug="coalition")
    coalition.members.add(coordinator)
    start = timezone.now()
    template = Event.objects.create(
        organisation=coalition,
        title="Template",
        slug="template",
        starts_at=start,
        ends_at=start + timedelta(minutes=90),
    )
    session = make_questionnaire(template)
    Phase.objects.create(event=template, order=1, kind="opening", title="Opening", planned_minutes=15)
    Phase.objects.create(event=template, order=2, kind="breakout", title="Rooms", planned_minutes=45, session=session)
    Phase.objects.create(event=template, order=3, kind="plenary", title="Plenary", planned_minutes=20)
    dialogue = Dialogue.objects.create(title="Global Dialogue", slug="global", edition="2026", template_event=template)
    dialogue.coordinators.add(coordinator)
    version_publish(dialogue=dialogue, user=coordinator)
    return dialogue


__all__ = ["make_groups", "make_partner", "make_site", "submit_results"]
