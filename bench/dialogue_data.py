"""A dialogue of many events with submitted results, for the dialogue benchmarks.

Run inside a configured Django (``django.setup()`` done). Events are created from the dialogue's
published version like a partner's; each has one current allocation of ``groups`` groups whose
results are written in bulk, then each session's tally is counted once (as the first reader
would), so that the database looks like the middle of a Deliberation Day."""

import random
import uuid

KINDS = ["single"] * 12 + ["multiple"] * 6 + ["scale"] * 6 + ["ranking"] * 3 + ["open"] * 3
CONTINENTS = ["asia", "oceania", "africa", "europe", "south_america", "north_america"]


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
                "text": f"Question {i + 1}",
                "help_text": "",
                "max_choices": 2 if kind == "multiple" else None,
                "options": [{"code": c, "order": j + 1, "label": f"Option {c}"} for j, c in enumerate(codes)],
            }
        )
    document = {
        "format": "wetheinternet.questionnaire",
        "version": 1,
        "sessions": [
            {"code": "s1", "order": 1, "title": "Session", "material": "", "material_url": "", "questions": documents}
        ],
    }
    return document, specs


def group_results(specs, rng: random.Random) -> dict:
    answers = {}
    for code, kind, options in specs:
        valid = rng.randint(3, 6)
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
            answers[code] = {"text": "Key points of the group. " * 5}
    return {"answers": answers}


def build_dialogue(*, events: int, groups: int, questions: int, seed: int = 1, public: bool = False):
    """Returns ``(dialogue, specs)``; every event's groups have submitted once."""
    from django.utils import timezone

    from dialogues.models import Dialogue, DialoguePartner, DialogueVersion
    from dialogues.services import event_create_from_version
    from groups.models import Allocation, BreakoutGroup
    from results.models import NoteRevision, NoteSubmission
    from results.selectors import session_question_specs
    from results.tallies import tally_refresh
    from sessions_app.models import Organisation, Session

    rng = random.Random(seed)
    tag = uuid.uuid4().hex[:6]
    document, specs = questionnaire(questions)
    dialogue = Dialogue.objects.create(title="Bench dialogue", slug=f"bench-{tag}", public=public)
    DialogueVersion.objects.create(
        dialogue=dialogue,
        number=1,
        questionnaire=document,
        phases=[{"order": 1, "kind": "breakout", "title": "Rooms", "planned_minutes": 45, "session": "s1"}],
    )
    for e in range(events):
        organisation = Organisation.objects.create(name=f"Partner {tag} {e}", slug=f"p-{tag}-{e}")
        DialoguePartner.objects.create(
            dialogue=dialogue, organisation=organisation, contact_email=f"p{e}@example.org", results_public=True
        )
        event = event_create_from_version(
            dialogue=dialogue,
            organisation=organisation,
            title=f"Site {e}",
            slug=f"site-{tag}-{e}",
            starts_at=timezone.now(),
            country=f"Country {e % 50}",
            continent=CONTINENTS[e % len(CONTINENTS)],
            tags="G20" if e % 5 == 0 else "",
        )
        allocation = Allocation.objects.create(event=event, seed=1, is_current=True, status="succeeded")
        created = BreakoutGroup.objects.bulk_create(
            BreakoutGroup(event=event, allocation=allocation, number=n) for n in range(1, groups + 1)
        )
        session = Session.objects.get(event=event)
        submissions = NoteSubmission.objects.bulk_create(
            NoteSubmission(group=g, session=session, status="submitted") for g in created
        )
        NoteRevision.objects.bulk_create(
            NoteRevision(submission=submission, number=1, data=group_results(specs, rng), idempotency_key=uuid.uuid4())
            for submission in submissions
        )
        tally_refresh(session.pk, allocation.pk, session_question_specs(session))
    return dialogue, specs
