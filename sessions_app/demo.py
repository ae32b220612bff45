"""The seed's Day 0 event as demo data: phases, a session with questions, people and staff."""

import math
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from infrastructure.slugs import unique_slug
from sessions_app.models import DiversityAttribute, Event, Option, Organisation, Participant, Phase, Question, Session

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
QUESTIONS = [
    (
        "q1",
        Question.Kind.SINGLE,
        Question.Respondent.INDIVIDUAL,
        None,
        "To you, the Internet is:",
        [("opportunity", "More an opportunity"), ("threat", "More a threat"), ("both", "Both"), ("neither", "Neither")],
    ),
    (
        "q2",
        Question.Kind.MULTIPLE,
        Question.Respondent.INDIVIDUAL,
        2,
        "Who should be most responsible for the quality of information online? (at most 2)",
        [
            ("governments", "Governments"),
            ("platforms", "Internet platforms"),
            ("citizens", "Citizens"),
            ("media", "News media"),
            ("international", "International organisations"),
        ],
    ),
    (
        "q3",
        Question.Kind.SCALE,
        Question.Respondent.INDIVIDUAL,
        None,
        "How much do you trust the information you find on social media? (1 = not at all, 5 = completely)",
        [(str(i), str(i)) for i in range(1, 6)],
    ),
    (
        "q4",
        Question.Kind.RANKING,
        Question.Respondent.GROUP,
        None,
        "Rank these actions to strengthen the digital public sphere, the most important first",
        [
            ("education", "Education and digital literacy"),
            ("regulation", "Regulation of platforms"),
            ("design", "Platform design for quality debate"),
            ("fact-checking", "Independent fact-checking"),
        ],
    ),
    ("q5", Question.Kind.OPEN, Question.Respondent.GROUP, None, "Key points of your group's discussion", []),
    ("q6", Question.Kind.OPEN, Question.Respondent.GROUP, None, "Your group's recommendation to decision-makers", []),
]

# The questionnaire in French and Spanish, so that the demo's French and Spanish interfaces show
# the questions in their language (see sessions_app.translations).
SESSION_TRANSLATIONS = {
    "fr": {
        "title": "Façonner l'espace public numérique",
        "material": (
            "Internet est devenu le lieu où beaucoup d'entre nous s'informent et débattent. Qui décide de ce que "
            "nous voyons ? Comment garder un espace public où les faits peuvent être vérifiés et où chacun peut "
            "prendre part ?"
        ),
    },
    "es": {
        "title": "Dar forma a la esfera pública digital",
        "material": (
            "Internet se ha convertido en el lugar donde muchos de nosotros nos informamos y debatimos. ¿Quién "
            "decide lo que vemos? ¿Cómo mantener una esfera pública donde los hechos puedan verificarse y todos "
            "puedan participar?"
        ),
    },
}
# question code: {language: (text, {option code: label})}
QUESTION_TRANSLATIONS = {
    "q1": {
        "fr": (
            "Pour vous, Internet est :",
            {
                "opportunity": "Plutôt une chance",
                "threat": "Plutôt une menace",
                "both": "Les deux",
                "neither": "Aucun des deux",
            },
        ),
        "es": (
            "Para usted, Internet es:",
            {"opportunity": "Más una oportunidad", "threat": "Más una amenaza", "both": "Ambas", "neither": "Ninguna"},
        ),
    },
    "q2": {
        "fr": (
            "Qui devrait être le plus responsable de la qualité de l'information en ligne ? (2 au plus)",
            {
                "governments": "Les gouvernements",
                "platforms": "Les plateformes Internet",
                "citizens": "Les citoyens",
                "media": "Les médias d'information",
                "international": "Les organisations internationales",
            },
        ),
        "es": (
            "¿Quién debería ser el principal responsable de la calidad de la información en línea? (2 como máximo)",
            {
                "governments": "Los gobiernos",
                "platforms": "Las plataformas de Internet",
                "citizens": "La ciudadanía",
                "media": "Los medios de comunicación",
                "international": "Las organizaciones internacionales",
            },
        ),
    },
    "q3": {
        "fr": (
            "Quelle confiance accordez-vous aux informations trouvées sur les réseaux sociaux ? "
            "(1 = aucune, 5 = totale)",
            {},
        ),
        "es": ("¿Cuánto confía en la información que encuentra en las redes sociales? (1 = nada, 5 = totalmente)", {}),
    },
    "q4": {
        "fr": (
            "Classez ces actions pour renforcer l'espace public numérique, la plus importante en premier",
            {
                "education": "Éducation et culture numérique",
                "regulation": "Régulation des plateformes",
                "design": "Des plateformes conçues pour un débat de qualité",
                "fact-checking": "Vérification indépendante des faits",
            },
        ),
        "es": (
            "Ordene estas acciones para fortalecer la esfera pública digital, la más importante primero",
            {
                "education": "Educación y alfabetización digital",
                "regulation": "Regulación de las plataformas",
                "design": "Plataformas diseñadas para un debate de calidad",
                "fact-checking": "Verificación independiente de los hechos",
            },
        ),
    },
    "q5": {
        "fr": ("Points clés de la discussion de votre groupe", {}),
        "es": ("Puntos clave del debate de su grupo", {}),
    },
    "q6": {
        "fr": ("La recommandation de votre groupe aux décideurs", {}),
        "es": ("La recomendación de su grupo a los responsables políticos", {}),
    },
}

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


def _weighted(rng: random.Random, choices):
    values, weights = zip(*choices, strict=False)
    return rng.choices(values, weights=weights)[0]


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
        video_link_template="https://meet.jit.si/wetheinternet-{room}",
    )
    demo_questionnaire_create(event)
    demo_attributes_create(event)
    demo_people_create(event, participants=participants, rng=rng)
    for step in _DEMO_EXTRAS:
        step(event)
    return DemoEvent(event=event, organiser_email=email, organiser_password=password)


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


def demo_questionnaire_create(event: Event) -> Session:
    """The seed's session (the digital public sphere) with its questions, and the Day 0 phases."""
    session = Session.objects.create(
        event=event,
        translations=SESSION_TRANSLATIONS,
        order=1,
        code="digital-public-sphere",
        title="Shaping the digital public sphere",
        material=(
            "The Internet has become the place where many of us inform ourselves and debate. Who decides what we "
            "see? How do we keep a public sphere where facts can be checked and everyone can take part?"
        ),
    )
    for order, (code, kind, respondent, max_choices, text, options) in enumerate(QUESTIONS, start=1):
        question = Question.objects.create(
            session=session,
            order=order,
            code=code,
            kind=kind,
            respondent=respondent,
            text=text,
            max_choices=max_choices,
            translations={lang: {"text": texts[0]} for lang, texts in QUESTION_TRANSLATIONS.get(code, {}).items()},
        )
        labels = QUESTION_TRANSLATIONS.get(code, {})
        Option.objects.bulk_create(
            Option(
                question=question,
                order=i,
                code=option_code,
                label=label,
                translations={
                    lang: {"label": texts[1][option_code]} for lang, texts in labels.items() if option_code in texts[1]
                },
            )
            for i, (option_code, label) in enumerate(options, start=1)
        )
    Phase.objects.bulk_create(
        [
            Phase(event=event, order=1, kind=Phase.Kind.OPENING, title="Opening", planned_minutes=15),
            Phase(
                event=event,
                order=2,
                kind=Phase.Kind.BREAKOUT,
                title="Break-out rooms",
                planned_minutes=45,
                session=session,
            ),
            Phase(event=event, order=3, kind=Phase.Kind.PLENARY, title="Results and conclusion", planned_minutes=20),
        ]
    )
    return session


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
