"""Building the plenary snapshot: 1,000 groups x 20 questions, on PostgreSQL.

    python bench/plenary_snapshot.py [--groups 1000] [--questions 20]
        [--database-url postgres://postgres@127.0.0.1:5432/wti_bench_snapshot]

Target: at most 50 ms (median) for the snapshot rebuilt right after a submission, with a constant
number of queries (the same for 10 groups as for 1,000). Submissions keep each session's tally up
to date, so the snapshot reads one row per session. Baselines in the same run: reading every
group's submitted data from the database (what a snapshot counting from the revisions has to pay
at least) and a full recount from the revisions. The cost of a submission, tally included, is
shown too. Prints a table; exits non-zero when a target is missed."""

import argparse
import random
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import django_on_fresh_database, print_timings, query_counts, snapshot_verdict, timings  # noqa: E402
from bench.dialogue_data import group_results, questionnaire  # noqa: E402

TARGET_MS = 50.0


def build(groups: int, questions: int, rng: random.Random):
    from django.utils import timezone

    from groups.models import Allocation, BreakoutGroup
    from results.models import NoteRevision, NoteSubmission, PlenarySettings
    from results.questionnaire import questionnaire_import
    from sessions_app.models import Event, Organisation

    organisation = Organisation.objects.create(name="Bench", slug=f"bench-{uuid.uuid4().hex[:6]}")
    now = timezone.now()
    event = Event.objects.create(
        organisation=organisation,
        title="Bench",
        slug=f"bench-{uuid.uuid4().hex[:8]}",
        starts_at=now,
        ends_at=now + timezone.timedelta(hours=2),
    )
    document, specs = questionnaire(questions)
    (session,) = questionnaire_import(event=event, data=document).sessions
    allocation = Allocation.objects.create(event=event, seed=1, is_current=True, status="succeeded")
    created = BreakoutGroup.objects.bulk_create(
        BreakoutGroup(event=event, allocation=allocation, number=n) for n in range(1, groups + 1)
    )
    submissions = NoteSubmission.objects.bulk_create(
        NoteSubmission(group=g, session=session, status="submitted") for g in created
    )
    NoteRevision.objects.bulk_create(
        (
            NoteRevision(submission=submission, number=1, data=group_results(specs, rng), idempotency_key=uuid.uuid4())
            for submission in submissions
        ),
        batch_size=500,
    )
    PlenarySettings.objects.create(event=event, results_visible=True)
    return event


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/wti_bench_snapshot")
    args = parser.parse_args()
    if not 1 <= args.groups <= 20_000 or not 1 <= args.questions <= 100 or not 1 <= args.runs <= 200:
        parser.error("--groups 1..20000, --questions 1..100, --runs 1..200")
    django_on_fresh_database(args.database_url)
    from groups.models import BreakoutGroup
    from results.models import NoteRevision
    from results.plenary_selectors import plenary_snapshot
    from results.services import note_submit
    from results.tallies import tallies_forget
    from sessions_app.models import Session

    rng = random.Random(1)
    small = build(10, args.questions, rng)
    event = build(args.groups, args.questions, rng)
    for target in (small, event):
        plenary_snapshot(target)  # the bench writes revisions directly: the first read counts them once
    queries = query_counts(
        {"10 groups": lambda: plenary_snapshot(small), f"{args.groups} groups": lambda: plenary_snapshot(event)}
    )
    snapshot = plenary_snapshot(event)
    assert snapshot["groups_submitted"] == args.groups

    def baseline():
        return list(NoteRevision.objects.filter(submission__group__event=event).values_list("data", flat=True))

    groups = list(BreakoutGroup.objects.filter(event=event))
    session = Session.objects.get(event=event)
    documents = list(NoteRevision.objects.filter(submission__group__event=event).values_list("data", flat=True)[:50])

    def submit_one():
        note_submit(group=rng.choice(groups), session=session, data=rng.choice(documents), idempotency_key=uuid.uuid4())

    def recount():
        tallies_forget([session.pk])
        return plenary_snapshot(event)

    rows = {
        "baseline: read the submitted data": timings(baseline, args.runs),
        "baseline: count all groups again": timings(recount, args.runs),
        "plenary snapshot after a submission": timings(lambda: plenary_snapshot(event), args.runs, before=submit_one),
        "a submission (tally kept up to date)": timings(submit_one, args.runs),
    }
    print_timings(f"{args.groups} groups x {args.questions} questions, {args.runs} runs (ms)", rows)
    return snapshot_verdict(rows["plenary snapshot after a submission"], TARGET_MS, queries, "groups")


if __name__ == "__main__":
    raise SystemExit(main())
