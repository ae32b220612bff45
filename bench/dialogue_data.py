"""A dialogue of many events with submitted results, for the dialogue benchmarks.

Run inside a configured Django (``django.setup()`` done). Events are created from the dialogue's
published version like a partner's; each has one current allocation of ``groups`` groups whose
results are written in bulk, then each session's tally is counted once (as the first reader
would), so that the database looks like the middle of a Deliberation Day."""

import datetime as dt
import random
import uuid

KINDS = ["single"] * 8 + ["multiple"] * 4 + ["scale"] * 4 + ["ranking"] * 2 + ["open"] * 2
# 48 countries on six continents: about two sites each, as in the seed's 2020 dialogue.
COUNTRIES = {
    "europe": "France Germany Italy Spain Poland Sweden Greece Portugal Ireland Austria Hungary Denmark",
    "africa": "Kenya Ghana Nigeria Senegal Ethiopia Uganda Tunisia Morocco Cameroon Rwanda",
    "asia": "Japan India Indonesia Philippines Nepal Bangladesh Mongolia Jordan Lebanon Taiwan",
    "south_america": "Brazil Chile Argentina Colombia Peru Bolivia",
    "north_america": "Canada Mexico Guatemala Honduras Jamaica Panama",
    "oceania": "Australia Fiji Samoa Tonga",
}
PLACES = [(country, continent) for continent, names in COUNTRIES.items() for country in names.split()]
TAGS = ["G20", "coastal", "G20, coastal", ""]


def questionnaire(questions: int) -> tuple[dict, list[tuple[str, str, list[str]]]]:
    """A questionnaire document of one session with ``questions`` questions of every kind."""
    specs, documents = [], []
    for i in range(questions):
        kind = KINDS[i % len(KINDS)]
        respondent = "group" if kind in ("ranking", "open") else "individual"
        if kind == "scale":
            codes = [str(v) for v in range(1, 6)]
        else:
            codes = [] if kind == "open" else [f"o{j}" for j in range(1, 6)]
        specs.append((f"q{i + 1}", kind, codes))
        documents.append(
            {
                "code": f"q{i + 1}",
                "order": i + 1,
                "kind": kind,
                "respondent": respondent,
                "text": f"Question {i + 1}: what do you think about topic {i + 1}?",
                "help_text": "",
                "max_choices": 2 if kind == "multiple" else None,
                "options": [
                    {"code": c, "order": j + 1, "label": c if kind == "scale" else f"Option {c}"}
                    for j, c in enumerate(codes)
                ],
            }
        )
    document = {
        "format": "wetheinternet.questionnaire",
        "version": 1,
        "sessions": [
            {
                "code": "s1",
                "order": 1,
                "title": "The future of the Internet",
                "material": "",
                "material_url": "",
                "questions": documents,
            }
        ],
    }
    return document, specs


def group_results(specs, rng: random.Random, size: int | None = None) -> dict:
    """One group's results; ``size`` people answered (3 to 6 at random when None)."""
    answers = {}
    for code, kind, options in specs:
        valid = size if size is not None else rng.randint(3, 6)
        if kind in ("single", "scale"):
            counts = dict.fromkeys(options, 0)
            for _ in range(valid):
                counts[rng.choice(options)] += 1
            answers[code] = {"counts": counts, "valid": valid}
        elif kind == "multiple":
            counts = dict.fromkeys(options, 0)
            for _ in range(valid):
                for option in rng.sample(options, rng.randint(1, 2)):
                    counts[option] += 1
            answers[code] = {"counts": counts, "valid": valid}
        elif kind == "ranking":
            answers[code] = {"ranking": rng.sample(options, len(options))}
        else:
            answers[code] = {"text": "Key points of the group."}
    return {"answers": answers}


def build_dialogue(
    *, events: int, groups: int, questions: int, participants: int = 0, seed: int = 1, public: bool = False
) -> dict:
    """The dialogue with ``events`` partners' events, each with ``groups`` groups that have all
    submitted once (and ``participants`` people spread over them, if any).

    Returns ``{"dialogue", "specs", "last": (event, group, data)}``."""
    from django.utils import timezone

    from dialogues.models import Dialogue, DialoguePartner, DialogueVersion
    from dialogues.versions import event_create_from_version
    from groups.models import Allocation, BreakoutGroup, GroupMembership
    from results.models import NoteRevision, NoteSubmission
    from results.selectors import session_question_specs
    from results.tallies import tally_refresh
    from sessions_app.models import Organisation, Participant, Session

    rng = random.Random(seed)
    tag = uuid.uuid4().hex[:6]
    now = timezone.now()
    document, specs = questionnaire(questions)
    dialogue = Dialogue.objects.create(title="Global Citizens' Dialogue", slug=f"global-{tag}", public=public)
    DialogueVersion.objects.create(
        dialogue=dialogue,
        number=1,
        questionnaire=document,
        phases=[{"order": 1, "kind": "breakout", "title": "Rooms", "planned_minutes": 45, "session": "s1"}],
    )
    size = participants // groups if participants else None
    last = None
    for e in range(events):
        organisation = Organisation.objects.create(name=f"Partner {e + 1} ({tag})", slug=f"p-{tag}-{e + 1}")
        DialoguePartner.objects.create(
            dialogue=dialogue, organisation=organisation, contact_email=f"p{e}@example.org", results_public=True
        )
        country, continent = PLACES[e % len(PLACES)]
        event = event_create_from_version(
            dialogue=dialogue,
            organisation=organisation,
            title=f"Dialogue {e + 1} in {country}",
            slug=f"site-{tag}-{e + 1}",
            starts_at=now + dt.timedelta(minutes=15 * e),
            country=country,
            continent=continent,
            tags=TAGS[e % len(TAGS)],
        )
        allocation = Allocation.objects.create(event=event, seed=1, is_current=True, status="succeeded")
        made = BreakoutGroup.objects.bulk_create(
            BreakoutGroup(event=event, allocation=allocation, number=n) for n in range(1, groups + 1)
        )
        if participants:
            people = Participant.objects.bulk_create(
                Participant(event=event, first_name=f"P{n}", languages="en") for n in range(participants)
            )
            GroupMembership.objects.bulk_create(
                GroupMembership(group=made[n % groups], participant=person, allocation=allocation)
                for n, person in enumerate(people)
            )
        session = Session.objects.get(event=event)
        submissions = NoteSubmission.objects.bulk_create(
            NoteSubmission(group=g, session=session, status="submitted") for g in made
        )
        datas = [group_results(specs, rng, size) for _ in made]
        NoteRevision.objects.bulk_create(
            NoteRevision(submission=submission, number=1, data=data, idempotency_key=uuid.uuid4())
            for submission, data in zip(submissions, datas, strict=True)
        )
        tally_refresh(session.pk, allocation.pk, session_question_specs(session))
        last = (event, made[0], datas[0])
    return {"dialogue": dialogue, "specs": specs, "last": last}
