"""Two partners of one dialogue, each with an event, people, groups, results and an API token."""

import re
import uuid
from dataclasses import dataclass

from django.core import mail

from groups.models import Allocation, BreakoutGroup
from groups.services import GroupPlan, allocation_apply
from results.services import api_token_create, note_submit
from sessions_app.models import Event, Participant, Session
from tests.factories import make_partner, make_person, make_site

SECRET_TEXT = "Kenya's group 1 kept this remark to itself"
SECRET_EMAIL = "wanjiru.secret@example.org"


@dataclass
class Side:
    organisation: object
    user: object
    event: Event
    group: BreakoutGroup
    person: Participant
    token: str


def _side(dialogue, django_user_model, name, slug, country, continent, person_name, person_email, text):
    organisation, user = make_partner(dialogue, name, f"{slug}-partner", django_user_model)
    event = make_site(dialogue, organisation, slug, country=country, continent=continent)
    person = make_person(event, first_name=person_name, last_name="Private", email=person_email, languages="en")
    note_taker = make_person(event, role="note_taker", first_name="Nora", languages="en")
    allocation = Allocation.objects.create(event=event, seed=1)
    allocation_apply(allocation=allocation, plans=[GroupPlan(participants=[person.pk], note_taker=note_taker.pk)])
    group = BreakoutGroup.objects.get(event=event, allocation__is_current=True)
    session = Session.objects.get(event=event)
    note_submit(
        group=group,
        session=session,
        data={"answers": {"q1": {"counts": {"opportunity": 1}}, "q5": {"text": text}}},
        idempotency_key=uuid.uuid4(),
    )
    _token, key = api_token_create(event=event, name=f"{name} tool")
    return Side(organisation, user, event, group, person, key)


def two_partners(dialogue, django_user_model) -> tuple[Side, Side]:
    """France (ours) and Kenya (the other partner, whose raw data must never show to France)."""
    ours = _side(
        dialogue,
        django_user_model,
        "Partner France",
        "france",
        "France",
        "europe",
        "Camille",
        "camille@example.org",
        "France's own key points",
    )
    theirs = _side(
        dialogue,
        django_user_model,
        "Partner Kenya",
        "kenya",
        "Kenya",
        "africa",
        "Wanjiru",
        SECRET_EMAIL,
        SECRET_TEXT,
    )
    return ours, theirs


def accept_path_from_mail(message: mail.EmailMessage) -> str:
    """The accept link's path in an invitation e-mail."""
    found = re.search(r"https?://[^/\s]+(/dialogues/accept/[^\s]+/)", message.body)
    assert found, message.body
    return found.group(1)
