"""Factories for the domain objects the tests build: organisations and their organisers, events,
people, the demo questionnaire, groups, submitted notes, dialogue partners and their events.
Plain functions with the defaults most tests want; keyword arguments say what differs."""

import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from dialogues.models import DialoguePartner
from dialogues.versions import event_create_from_version
from groups.models import Allocation, BreakoutGroup
from results.models import NoteRevision, NoteSubmission
from sessions_app.demo_questionnaire import QUESTIONS
from sessions_app.models import Event, Option, Organisation, Participant, Question, Session

PASSWORD = "correct horse battery"


def make_organisation(*, name="Partner A", slug="partner-a"):
    return Organisation.objects.create(name=name, slug=slug)


def make_user(username, *, email=None, password=PASSWORD, is_staff=True, organisation=None):
    """An account (staff, as organisers are), a member of `organisation` when one is given."""
    user = get_user_model().objects.create_user(
        username=username, email=email or f"{username}@example.org", password=password, is_staff=is_staff
    )
    if organisation is not None:
        organisation.members.add(user)
    return user


def make_event(organisation, *, title="Day 0", slug="day-0", minutes=90, **fields):
    """An event of `organisation` that starts now and lasts `minutes`."""
    start = fields.pop("starts_at", None) or timezone.now()
    return Event.objects.create(
        organisation=organisation,
        title=title,
        slug=slug,
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        **fields,
    )


def make_person(event, role="participant", **fields):
    fields.setdefault("first_name", role.title())
    return Participant.objects.create(event=event, role=role, **fields)


def make_questionnaire(event, *, code="digital-public-sphere", order=1):
    """The demo event's session and its questions (q1..q6) with their options."""
    session = Session.objects.create(event=event, order=order, code=code, title="Shaping the digital public sphere")
    for position, (q_code, kind, respondent, max_choices, text, options) in enumerate(QUESTIONS, start=1):
        question = Question.objects.create(
            session=session,
            order=position,
            code=q_code,
            kind=kind,
            respondent=respondent,
            max_choices=max_choices,
            text=text,
        )
        Option.objects.bulk_create(
            Option(question=question, order=i, code=o_code, label=label)
            for i, (o_code, label) in enumerate(options, start=1)
        )
    return session


def make_groups(event, count, *, current=True):
    """`count` breakout groups of one succeeded allocation (the current one unless `current=False`)."""
    allocation = Allocation.objects.create(event=event, seed=1, is_current=current, status="succeeded")
    return BreakoutGroup.objects.bulk_create(
        BreakoutGroup(event=event, allocation=allocation, number=n) for n in range(1, count + 1)
    )


def make_submission(group, session, data, *, number=1):
    """A group's notes for a session, submitted with `data`, as revision `number` (no service, no broadcast)."""
    submission, _ = NoteSubmission.objects.get_or_create(group=group, session=session)
    submission.status = NoteSubmission.Status.SUBMITTED
    submission.data = data
    submission.save()
    return NoteRevision.objects.create(submission=submission, number=number, data=data, idempotency_key=uuid.uuid4())


def make_partner(dialogue, name, slug, django_user_model=None, *, public=False):
    """A partner organisation of `dialogue`; with `django_user_model`, also its organiser (returned second)."""
    organisation = make_organisation(name=name, slug=slug)
    DialoguePartner.objects.create(
        dialogue=dialogue, organisation=organisation, contact_email=f"{slug}@example.org", results_public=public
    )
    user = None
    if django_user_model is not None:
        user = make_user(slug, organisation=organisation)
    return organisation, user


def make_site(dialogue, organisation, slug, *, country="", continent="", tags="", language="en"):
    """A partner's event made from the dialogue's published version."""
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
