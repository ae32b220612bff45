"""The dialogue's global snapshot: 100 events x 100 participants x 30 questions, on PostgreSQL.

    python bench/dialogue_global.py [--events 100] [--groups 20] [--questions 30]
        [--database-url postgres://postgres@127.0.0.1:5432/wti_bench_dialogue]

Target: the global snapshot rebuilt right after a submission in at most 200 ms (median), with a
constant number of queries (the same for 10 events as for 100). The public snapshot (each
site's released figures, see docs/privacy.md) is timed beside it. 100 participants per event make
20 groups of 5. Baselines in the same run: reading every event's session tally (the one query
the snapshot cannot avoid) and reading every group's submitted results (what a snapshot
counting from the revisions would pay at least). Prints a table; exits non-zero when a target
is missed."""

import argparse
import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import django_on_fresh_database, print_timings, query_counts, snapshot_verdict, timings  # noqa: E402

TARGET_MS = 200.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--groups", type=int, default=20, help="groups per event (100 participants = 20 groups of 5)")
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/wti_bench_dialogue")
    args = parser.parse_args()
    if not 1 <= args.events <= 1000 or not 1 <= args.groups <= 500 or not 1 <= args.questions <= 100:
        parser.error("--events 1..1000, --groups 1..500, --questions 1..100")
    django_on_fresh_database(args.database_url)
    from bench.dialogue_data import build_dialogue, group_results
    from dialogues.results import global_snapshot
    from groups.models import BreakoutGroup
    from results.models import NoteRevision, SessionTally
    from results.services import note_submit
    from sessions_app.models import Session

    started = time.perf_counter()
    small = build_dialogue(events=10, groups=args.groups, questions=args.questions, seed=2)["dialogue"]
    built = build_dialogue(events=args.events, groups=args.groups, questions=args.questions, participants=100)
    dialogue, specs = built["dialogue"], built["specs"]
    print(f"built in {time.perf_counter() - started:.0f} s")
    queries = query_counts(
        {"10 events": lambda: global_snapshot(small), f"{args.events} events": lambda: global_snapshot(dialogue)}
    )
    snapshot = global_snapshot(dialogue)
    assert snapshot["sites_reported"] == args.events

    # The public figures' first build releases every site's figures (one write of 100 rows).
    first_public = time.perf_counter()
    assert global_snapshot(dialogue, public=True)["sites_reported"] == args.events
    print(f"first public snapshot (releases every site): {1000 * (time.perf_counter() - first_public):.1f} ms")

    rng = random.Random(5)
    groups = list(BreakoutGroup.objects.filter(event__dialogue=dialogue).select_related("event"))
    sessions = {s.event_id: s for s in Session.objects.filter(event__dialogue=dialogue)}

    def submit_one():
        group = rng.choice(groups)
        note_submit(
            group=group, session=sessions[group.event_id], data=group_results(specs, rng), idempotency_key=uuid.uuid4()
        )

    rows = {
        "baseline: read the events' tallies": timings(
            lambda: list(SessionTally.objects.filter(session__event__dialogue=dialogue).values_list("data")), args.runs
        ),
        "baseline: read all groups' results": timings(
            lambda: list(
                NoteRevision.objects.filter(submission__group__event__dialogue=dialogue).values_list("data", flat=True)
            ),
            max(3, args.runs // 5),
        ),
        "global snapshot after a submission": timings(lambda: global_snapshot(dialogue), args.runs, before=submit_one),
        "public snapshot after a submission (released figures)": timings(
            lambda: global_snapshot(dialogue, public=True), args.runs, before=submit_one
        ),
        "a submission (tally kept up to date)": timings(submit_one, args.runs),
    }
    title = f"{args.events} events x {args.groups} groups x {args.questions} questions, {args.runs} runs (ms)"
    print_timings(title, rows)
    return snapshot_verdict(rows["global snapshot after a submission"], TARGET_MS, queries, "events")


if __name__ == "__main__":
    raise SystemExit(main())
