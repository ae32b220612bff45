"""A small global dialogue as demo data: a coalition, partners in several countries, results.

The coalition's coordinator publishes the Day 0 questionnaire (sessions_app/demo_questionnaire.py) as
version 1; each partner creates one event from it, with its people, a current grouping made
by the allocator, and results submitted by most groups, so that the global results show
figures at once."""

import random
import secrets
import uuid
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

from dialogues.models import Dialogue, DialoguePartner
from dialogues.versions import event_create_from_version, version_publish
from groups.allocation_runs import allocation_run
from groups.models import Allocation, BreakoutGroup, GroupMembership
from infrastructure.slugs import unique_slug
from results.models import RecommendationCuration
from results.services import note_submit
from sessions_app.demo import demo_unique_slug
from sessions_app.demo_people import demo_attributes_create, demo_login, demo_people_create
from sessions_app.demo_questionnaire import demo_questionnaire_create
from sessions_app.models import Event, Organisation, Session

# (organisation, country, continent, language, timezone, tags, local start hour)
PARTNERS = [
    ("Citoyens du Numérique", "France", Event.Continent.EUROPE, "fr", "Europe/Paris", "G20", 10),
    ("Kenya Civic Forum", "Kenya", Event.Continent.AFRICA, "en", "Africa/Nairobi", "coastal", 9),
    ("Instituto Diálogo", "Brazil", Event.Continent.SOUTH_AMERICA, "pt", "America/Sao_Paulo", "G20, coastal", 9),
    ("Japan Deliberation Network", "Japan", Event.Continent.ASIA, "en", "Asia/Tokyo", "G20, coastal", 13),
    ("Civic Canada", "Canada", Event.Continent.NORTH_AMERICA, "en", "America/Toronto", "G20", 10),
    ("Pacific Voices", "Australia", Event.Continent.OCEANIA, "en", "Australia/Sydney", "G20, coastal", 10),
    ("Foro Ciudadano", "Mexico", Event.Continent.NORTH_AMERICA, "es", "America/Mexico_City", "G20", 9),
    ("Ghana Citizens' Assembly", "Ghana", Event.Continent.AFRICA, "en", "Africa/Accra", "coastal", 9),
    ("Deliberativa India", "India", Event.Continent.ASIA, "en", "Asia/Kolkata", "G20", 11),
    ("Dialog Deutschland", "Germany", Event.Continent.EUROPE, "de", "Europe/Berlin", "G20", 10),
    ("Aotearoa Talks", "New Zealand", Event.Continent.OCEANIA, "en", "Pacific/Auckland", "coastal", 10),
    ("Diálogo Chile", "Chile", Event.Continent.SOUTH_AMERICA, "es", "America/Santiago", "coastal", 9),
]
MAX_PARTNERS = len(PARTNERS)

# Each country leans its own way, so that the comparison by country shows something.
Q1_LEANING = {"opportunity": 4, "threat": 2, "both": 3, "neither": 1}
RANKING = ["education", "regulation", "design", "fact-checking"]
KEY_POINTS = [
    "Schools should teach how to check a source before sharing it.",
    "Platforms must explain why they show us what they show us.",
    "People in rural areas are left out when debate moves online.",
    "Fact-checkers need to be independent of both governments and platforms.",
    "Public service media have a role to play online.",
]
RECOMMENDATIONS = [
    "Make digital literacy part of every school curriculum.",
    "Require platforms to open their recommendation systems to independent audits.",
    "Fund independent fact-checking in every language.",
]
# The same recommendations as the sites' groups write them; the site's organisers add the
# English translation on their wall (so the dialogue's results show both).
WRITTEN_RECOMMENDATIONS = {
    "fr": [
        "Faire de l'éducation au numérique une matière de chaque programme scolaire.",
        "Obliger les plateformes à ouvrir leurs systèmes de recommandation à des audits indépendants.",
        "Financer une vérification des faits indépendante dans toutes les langues.",
    ],
    "pt": [
        "Incluir a literacia digital no currículo de todas as escolas.",
        "Obrigar as plataformas a abrir os seus sistemas de recomendação a auditorias independentes.",
        "Financiar a verificação de factos independente em todas as línguas.",
    ],
    "es": [
        "Incluir la alfabetización digital en el plan de estudios de todas las escuelas.",
        "Exigir a las plataformas que abran sus sistemas de recomendación a auditorías independientes.",
        "Financiar la verificación de datos independiente en todos los idiomas.",
    ],
    "de": [
        "Digitale Bildung in jeden Lehrplan aufnehmen.",
        "Plattformen verpflichten, ihre Empfehlungssysteme unabhängigen Prüfungen zu öffnen.",
        "Unabhängige Faktenprüfung in jeder Sprache finanzieren.",
    ],
}


@dataclass
class DemoPartner:
    organisation: Organisation
    event: Event
    organiser_email: str
    organiser_password: str | None  # None: the account existed, its password is unchanged
    public: bool


@dataclass
class DemoDialogue:
    dialogue: Dialogue
    coordinator_email: str
    coordinator_password: str | None
    partners: list[DemoPartner] = field(default_factory=list)


def _spread(rng: random.Random, total: int, weights: dict[str, float]) -> dict[str, int]:
    """``total`` answers spread over the options at random, leaning by ``weights``."""
    counts = dict.fromkeys(weights, 0)
    for _ in range(total):
        counts[rng.choices(list(weights), weights=list(weights.values()))[0]] += 1
    return counts


def _group_results(rng: random.Random, size: int, leaning: dict[str, float], language: str = "en") -> dict:
    """One group's plausible results for the demo questionnaire (q1..q6), its recommendation
    written in ``language``."""
    answered = max(1, size - rng.choice([0, 0, 0, 1]))  # sometimes one person does not answer
    trust = _spread(rng, answered, {"1": 2, "2": 4, "3": 4, "4": 2, "5": 1})
    responsible = {"governments": 0, "platforms": 0, "citizens": 0, "media": 0, "international": 0}
    for _ in range(answered):  # each person picks at most 2
        for code in rng.sample(list(responsible), k=rng.choice([1, 2, 2])):
            responsible[code] += 1
    first = rng.choices(RANKING, weights=[5, 3, 2, 1])[0]
    ranking = [first] + rng.sample([code for code in RANKING if code != first], k=len(RANKING) - 1)
    key_points = " ".join(rng.sample(KEY_POINTS, k=2))
    choice = rng.randrange(len(RECOMMENDATIONS))
    written = WRITTEN_RECOMMENDATIONS.get(language, RECOMMENDATIONS)
    return {
        "answers": {
            "q1": {"counts": _spread(rng, answered, leaning)},
            "q2": {"counts": responsible, "valid": answered},
            "q3": {"counts": trust},
            "q4": {"ranking": ranking},
            "q5": {"text": key_points},
            "q6": {"text": written[choice]},
        }
    }


def _leaning(rng: random.Random) -> dict[str, float]:
    return {code: weight * rng.uniform(0.4, 1.8) for code, weight in Q1_LEANING.items()}


def _organisation(name: str, country: str) -> Organisation:
    organisation = Organisation.objects.filter(name=f"{name} (demo)").first()
    if organisation is None:
        slug = unique_slug(Organisation, f"{_slug(name)}-demo")
        organisation = Organisation.objects.create(name=f"{name} (demo)", slug=slug, country=country)
    return organisation


def _slug(text: str) -> str:
    return slugify(text)[:40]


def _groups_and_results(event: Event, rng: random.Random, seed: int, report_all: bool) -> None:
    """A current grouping made by the allocator, and results submitted by most of its groups."""
    allocation = Allocation.objects.create(event=event, seed=seed, parameters={"time_limit": 0.3})
    allocation_run(run_id=str(allocation.run_id))
    session = Session.objects.get(event=event)
    groups = list(BreakoutGroup.objects.filter(event=event, allocation__is_current=True).order_by("number"))
    sizes = dict(
        GroupMembership.objects.filter(group__in=groups, role=GroupMembership.Role.PARTICIPANT)
        .values_list("group")
        .annotate(n=Count("id"))
        .order_by()
    )
    leaning = _leaning(rng)
    reporting = groups if report_all else groups[:-1]  # one group is still writing
    for group in reporting:
        note_taker = (
            GroupMembership.objects.filter(group=group, role=GroupMembership.Role.NOTE_TAKER)
            .select_related("participant")
            .first()
        )
        language = group.language or event.language
        results = _group_results(rng, sizes.get(group.pk, 5), leaning, language)
        note_submit(
            group=group,
            session=session,
            data=results,
            idempotency_key=uuid.uuid4(),
            participant=note_taker.participant if note_taker else None,
        )
        written = WRITTEN_RECOMMENDATIONS.get(language)
        if written:  # the site's organisers translated it into English on their wall
            english = RECOMMENDATIONS[written.index(results["answers"]["q6"]["text"])]
            RecommendationCuration.objects.create(group=group, translations={"en": english})


def demo_dialogue_create(*, partners: int, start: datetime, seed: int = 0) -> DemoDialogue:
    """A dialogue with ``partners`` partner organisations (1..MAX_PARTNERS), each with one event."""
    if not 1 <= partners <= MAX_PARTNERS:
        raise ValueError(f"partners must be between 1 and {MAX_PARTNERS}")
    rng = random.Random(seed)
    with transaction.atomic():
        demo = _dialogue_with_partners(partners=partners, start=start, rng=rng)
    # Groups are made and results submitted as on the day: each in its own transaction.
    for index, partner in enumerate(demo.partners):
        _groups_and_results(partner.event, rng, seed=seed * 100 + index, report_all=index % 2 == 0)
    return demo


def _dialogue_with_partners(*, partners: int, start: datetime, rng: random.Random) -> DemoDialogue:
    coalition, _created = Organisation.objects.get_or_create(
        slug="coalition-demo", defaults={"name": "Global Dialogue Coalition (demo)"}
    )
    coordinator_email = "coordinator@example.org"
    coordinator, coordinator_password = demo_login(
        organisation=coalition, email=coordinator_email, username="coordinator", password=secrets.token_urlsafe(9)
    )
    template = Event.objects.create(
        organisation=coalition,
        title="Template: Global Citizens' Dialogue on the Future of the Internet",
        slug=demo_unique_slug("dialogue-template"),
        description="The questionnaire and phases every partner's event starts from.",
        starts_at=start,
        ends_at=start + timedelta(minutes=90),
        timezone="UTC",
    )
    demo_questionnaire_create(template)
    dialogue = Dialogue.objects.create(
        title="Global Citizens' Dialogue on the Future of the Internet",
        slug=unique_slug(Dialogue, "global-dialogue"),
        edition=str(start.year),
        description="Citizens in many countries deliberate on the same questions on the same day.",
        template_event=template,
        public=True,
    )
    dialogue.coordinators.add(coordinator)
    version_publish(dialogue=dialogue, user=coordinator, note="First version: the digital public sphere.")
    demo = DemoDialogue(
        dialogue=dialogue, coordinator_email=coordinator_email, coordinator_password=coordinator_password
    )
    for index, (name, country, continent, language, tz, tags, hour) in enumerate(PARTNERS[:partners]):
        organisation = _organisation(name, country)
        email = f"partner-{_slug(country)}@example.org"
        _user, password = demo_login(
            organisation=organisation,
            email=email,
            username=f"partner-{_slug(country)}",
            password=secrets.token_urlsafe(9),
        )
        public = index % 3 != 2  # most partners opt in to the public page, not all
        DialoguePartner.objects.create(
            dialogue=dialogue,
            organisation=organisation,
            contact_email=email,
            invited_by=coordinator,
            accepted_at=timezone.now(),
            results_public=public,
            recommendations_shared=public,
        )
        local_start = timezone.localtime(start, timezone=zoneinfo.ZoneInfo(tz))
        event = event_create_from_version(
            dialogue=dialogue,
            organisation=organisation,
            title=f"Citizens' Dialogue {country} {start.year}",
            slug=demo_unique_slug(f"dialogue-{_slug(country)}"),
            starts_at=local_start.replace(hour=hour, minute=0, second=0, microsecond=0),
            timezone=tz,
            language=language,
            country=country,
            continent=continent,
            tags=tags,
        )
        event.status = Event.Status.SCHEDULED
        event.save(update_fields=["status"])
        demo_attributes_create(event)
        # 30 to 44 people: at least 6 groups of 5, so that every country's figures clear the
        # dialogue's smallest N (5) even for questions the groups answer as a whole.
        demo_people_create(event, participants=rng.randint(30, 44), rng=rng, language=language, checked_in=True)
        demo.partners.append(DemoPartner(organisation, event, email, password, public))
    return demo
