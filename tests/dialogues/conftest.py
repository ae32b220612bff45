"""Dialogue fixtures: a coalition with a template event, a published version and two partners."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from dialogues.models import Dialogue, DialoguePartner
from dialogues.versions import event_create_from_version, version_publish
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


def q1(opportunity, threat):
    return {"q1": {"counts": {"opportunity": opportunity, "threat": threat}}}


def make_two_sites(dialogue, *, france_tags: str, france_text: str = "", django_user_model=None) -> dict:
    """France (opted in to the public page; Europe): q1 3/4 and 1/2 "opportunity", a ranking per
    group; Kenya (Africa): q1 1/5, and q2 answered by 3 people. With ``django_user_model``,
    France's partner has an organiser, returned as ``partner_user``."""
    france_org, partner_user = make_partner(dialogue, "Partner France", "fr-partner", django_user_model, public=True)
    kenya_org, _ = make_partner(dialogue, "Partner Kenya", "ke-partner")
    france = make_site(dialogue, france_org, "france", country="France", continent="europe", tags=france_tags)
    kenya = make_site(dialogue, kenya_org, "kenya", country="Kenya", continent="africa")
    f1, f2 = make_groups(france, 2)
    (k1,) = make_groups(kenya, 1)
    ranking = ["education", "regulation", "design", "fact-checking"]
    text = {"q5": {"text": france_text}} if france_text else {}
    submit_results(france, f1, {**q1(3, 1), "q4": {"ranking": ranking}, **text})
    submit_results(france, f2, {**q1(1, 1), "q4": {"ranking": ranking[::-1]}})
    submit_results(kenya, k1, {**q1(1, 4), "q2": {"counts": {"citizens": 3}, "valid": 3}})
    return {"france": france, "kenya": kenya, "partner_user": partner_user}


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


__all__ = ["make_groups", "make_partner", "make_site", "make_two_sites", "q1", "submit_results"]
