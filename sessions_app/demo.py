"""The seed's Day 0 event as demo data: one event of the demo organisation (an event is what
``sessions_app`` holds: its phases, questionnaire and people), with its organiser's login.

The questionnaire is made by ``sessions_app.demo_questionnaire``, the people and staff by
``sessions_app.demo_people``; apps above add their own steps with ``demo_extra_register``."""

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from infrastructure.slugs import unique_slug
from sessions_app.demo_people import demo_attributes_create, demo_login, demo_people_create
from sessions_app.demo_questionnaire import demo_questionnaire_create
from sessions_app.models import Event, Organisation

# Steps that apps built on this one add to the demo event (e.g. results: the illustrative
# reference dataset on the plenary); they register at start-up, see demo_extra_register.
_DEMO_EXTRAS = []


def demo_extra_register(step) -> None:
    """Run ``step(event)`` on every demo event created from now on (once per step)."""
    if step not in _DEMO_EXTRAS:
        _DEMO_EXTRAS.append(step)


@dataclass
class DemoEvent:
    event: Event
    organiser_email: str
    # None when the organiser's account existed already: its password is left as it is.
    organiser_password: str | None


def demo_unique_slug(base: str) -> str:
    return unique_slug(Event, base)


DEMO_ORGANISATION_SLUG = "missions-publiques-demo"
DEMO_ORGANISER_EMAIL = "organiser@example.org"


def demo_event_existing() -> Event | None:
    """The latest Day 0 demo event, if one was created already."""
    return (
        Event.objects.filter(organisation__slug=DEMO_ORGANISATION_SLUG, slug__startswith="day-0")
        .order_by("-pk")
        .first()
    )


def demo_event_links_expired(event: Event) -> bool:
    """Whether the event is over for long enough that its join links no longer open (see join_links)."""
    return timezone.now() > event.ends_at + timedelta(hours=settings.JOIN_LINK_GRACE_HOURS)


@transaction.atomic
def demo_event_create(*, start: datetime, participants: int = 30, seed: int = 0) -> DemoEvent:
    rng = random.Random(seed)
    organisation, _ = Organisation.objects.get_or_create(
        slug=DEMO_ORGANISATION_SLUG, defaults={"name": "Missions Publiques (demo)", "country": "France"}
    )
    email = DEMO_ORGANISER_EMAIL
    _user, password = demo_login(
        organisation=organisation, email=email, username="organiser", password=secrets.token_urlsafe(9)
    )

    event = Event.objects.create(
        organisation=organisation,
        title="Day 0: Global Citizens' Dialogue on the Future of the Internet",
        slug=demo_unique_slug("day-0"),
        description=(
            "Experience one session of the Global Citizens' Dialogue on the Future of the Internet in 90 minutes: "
            "a short opening, 45 minutes in small groups of 5 with maximum diversity, and a plenary where note "
            "takers present their group's results beside those of the citizens of the national dialogues."
        ),
        starts_at=start,
        ends_at=start + timedelta(minutes=90),
        timezone="UTC",
        status=Event.Status.SCHEDULED,
        video_provider=Event.VideoProvider.BUILTIN,
    )
    demo_questionnaire_create(event)
    demo_attributes_create(event)
    demo_people_create(event, participants=participants, rng=rng)
    for step in _DEMO_EXTRAS:
        step(event)
    return DemoEvent(event=event, organiser_email=email, organiser_password=password)
