"""The demo's people: participants with varied names, languages and diversity attributes, one
facilitator and one note taker per group, and the organiser's staff login."""

import math
import random

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from sessions_app.models import DiversityAttribute, Event, Organisation, Participant

FIRST_NAMES = [
    "Amina",
    "Bao",
    "Carlos",
    "Dalia",
    "Emeka",
    "Fatima",
    "Gabriel",
    "Hana",
    "Ines",
    "Jonas",
    "Kavya",
    "Lucas",
    "Mariam",
    "Nikolai",
    "Olga",
    "Pedro",
    "Qin",
    "Rosa",
    "Samir",
    "Tariq",
    "Uma",
    "Valentina",
    "Wei",
    "Ximena",
    "Yusuf",
    "Zanele",
    "Aiko",
    "Bruno",
    "Chloé",
    "Diego",
    "Elif",
    "Farid",
    "Grace",
    "Hugo",
    "Ivana",
    "Jamal",
]
LAST_NAMES = [
    "Okafor",
    "Nguyen",
    "García",
    "Haddad",
    "Kim",
    "Silva",
    "Dubois",
    "Petrov",
    "Mensah",
    "Rossi",
    "Sato",
    "Khan",
    "Müller",
    "López",
    "Cohen",
    "Ibrahim",
    "Novak",
    "Andersen",
    "Mbeki",
    "Costa",
    "Yilmaz",
    "Singh",
    "Chen",
    "Moreau",
]
# (key, label, kind, [(choice, share)], why we ask)
ATTRIBUTES = [
    (
        "age_band",
        "Age",
        DiversityAttribute.Kind.ORDINAL,
        [("18-24", 12), ("25-34", 18), ("35-44", 18), ("45-54", 17), ("55-64", 16), ("65+", 19)],
        "So that every group mixes generations.",
    ),
    (
        "gender",
        "Gender",
        DiversityAttribute.Kind.CATEGORICAL,
        [("woman", 50), ("man", 48), ("another", 2)],
        "So that groups are balanced.",
    ),
    (
        "education",
        "Education",
        DiversityAttribute.Kind.ORDINAL,
        [("primary", 15), ("secondary", 50), ("tertiary", 35)],
        "So that every kind of experience is heard.",
    ),
    (
        "occupation",
        "Occupation",
        DiversityAttribute.Kind.CATEGORICAL,
        [("student", 12), ("employed", 50), ("self-employed", 10), ("unemployed", 8), ("retired", 20)],
        "So that groups mix walks of life.",
    ),
    (
        "region",
        "Region",
        DiversityAttribute.Kind.CATEGORICAL,
        [
            ("Africa", 17),
            ("Asia-Pacific", 30),
            ("Europe", 20),
            ("Latin America", 13),
            ("Middle East", 8),
            ("North America", 12),
        ],
        "So that groups mix parts of the world.",
    ),
    (
        "urban_rural",
        "Urban or rural",
        DiversityAttribute.Kind.CATEGORICAL,
        [("urban", 60), ("rural", 40)],
        "So that city and countryside both speak.",
    ),
]


def _weighted(rng: random.Random, choices):
    values, weights = zip(*choices, strict=False)
    return rng.choices(values, weights=weights)[0]


def demo_login(*, organisation: Organisation, email: str, username: str, password: str):
    """A staff account of the organisation, and the password to print: ``password`` when the
    account is created now, None when it exists already, whose password is never changed (its
    owner may have chosen their own)."""
    user_model = get_user_model()
    user = user_model.objects.filter(email=email).first()
    shown_password = None
    if user is None:
        user = user_model(username=username, email=email, is_staff=True)
        user.set_password(password)
        user.save()
        shown_password = password
    elif not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    organisation.members.add(user)
    _email_address_verified(user)
    return user, shown_password


def demo_attributes_create(event: Event) -> None:
    for order, (key, label, kind, choices, why) in enumerate(ATTRIBUTES, start=1):
        DiversityAttribute.objects.create(
            event=event,
            order=order,
            key=key,
            label=label,
            kind=kind,
            help_text=why,
            choices="\n".join(choice for choice, _share in choices),
        )


def demo_people_create(
    event: Event, *, participants: int, rng: random.Random, language: str = "en", checked_in: bool = False
) -> list[Participant]:
    """Participants with varied attributes, and one facilitator and one note taker per group."""
    people = []
    groups = max(1, math.ceil(participants / event.group_size))
    for i in range(participants):
        attributes = {key: _weighted(rng, choices) for key, _l, _k, choices, _w in ATTRIBUTES}
        second = rng.choice(["", "", "fr", "es", "ar", "pt"])
        people.append(_person(rng, event, i, Participant.Role.PARTICIPANT, attributes, second, language))
    for role in (Participant.Role.FACILITATOR, Participant.Role.NOTE_TAKER):
        for _ in range(groups):
            people.append(_person(rng, event, len(people), role, {}, "", language))
    if checked_in:
        for person in people:
            person.checked_in_at = timezone.now()
    return Participant.objects.bulk_create(people)


def _person(rng, event, index, role, attributes, second_language, language="en") -> Participant:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return Participant(
        event=event,
        first_name=first,
        last_name=last,
        role=role,
        email=f"{slugify(first)}.{slugify(last)}.{index}@example.org",
        languages=",".join(dict.fromkeys(code for code in [language, second_language] if code)),
        attributes=attributes,
        # Demo people answered the diversity questions when they registered.
        consent_given_at=timezone.now() if attributes else None,
    )


def _email_address_verified(user) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
