"""Head counts an organiser meets, through the product: for each number of participants
checked in and each staffing (no staff, one facilitator and one note taker, a full
complement), one click forms groups. Prints the groups' sizes, who goes without, the seconds
taken, and checks that every person checked in is seated exactly once.

Runs on a fresh SQLite database of its own (the product's default), with tasks in-process.

    .venv/bin/python bench/allocation/head_counts.py [--counts 2-60,100,200,500,1000,2000]
"""

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def parse_counts(text: str) -> list[int]:
    counts = []
    for part in text.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            counts += range(int(lo), int(hi) + 1)
        else:
            counts.append(int(part))
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="2-60,100,200,500,1000,2000")
    args = parser.parse_args()
    counts = parse_counts(args.counts)
    tmp = tempfile.mkdtemp(prefix="head-counts-")
    os.environ.update(
        {"DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", "DEBUG": "0", "SECRET_KEY": "bench-" + "k" * 50}
    )
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wetheinternet.settings")
    import logging

    import django

    django.setup()
    logging.getLogger("celery").setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from groups.allocation_plan import event_plan
    from groups.allocation_runs import allocation_request
    from groups.allocator_input import event_people
    from groups.models import GroupMembership
    from sessions_app.demo import demo_event_create
    from sessions_app.models import Participant

    most = max(counts)
    demo = demo_event_create(start=timezone.now(), participants=most, seed=11)
    event = demo.event
    everyone = Participant.objects.filter(event=event)
    participant_ids = list(everyone.filter(role="participant").order_by("pk").values_list("pk", flat=True))
    staff_ids = {
        r: list(everyone.filter(role=r).order_by("pk").values_list("pk", flat=True))
        for r in ("facilitator", "note_taker")
    }

    failures = 0
    columns = ["people".rjust(6), "staff".rjust(5), "groups".rjust(6), " " + "sizes".ljust(22)]
    columns += ["no facilitator".rjust(14), "no note taker".rjust(13), "seconds".rjust(7), " seated once"]
    print(" ".join(columns))
    for n in counts:
        for staffing in ("none", "one", "full"):
            everyone.update(checked_in_at=None)
            Participant.objects.filter(pk__in=participant_ids[:n]).update(checked_in_at=timezone.now())
            present, _ = event_people(event)
            groups_planned = event_plan(event, present, []).groups
            per_role = {"none": 0, "one": 1, "full": groups_planned}[staffing]
            for ids in staff_ids.values():
                Participant.objects.filter(pk__in=ids[:per_role]).update(checked_in_at=timezone.now())
            started = time.perf_counter()
            run = allocation_request(event=event, user=None, seed=n, time_limit=10)
            run.refresh_from_db()
            seconds = time.perf_counter() - started
            if run.status != "succeeded":
                failures += 1
                print(f"{n:>6} {staffing:>5} FAILED: {run.error}")
                continue
            seated = list(
                GroupMembership.objects.filter(allocation=run, participant__role="participant").values_list(
                    "participant_id", flat=True
                )
            )
            once = sorted(seated) == sorted(participant_ids[:n])
            failures += not once
            sizes = Counter(
                GroupMembership.objects.filter(allocation=run)
                .exclude(role="facilitator")
                .exclude(participant__role__in=["facilitator", "note_taker"])
                .values_list("group_id", flat=True)
            )
            size_text = ", ".join(f"{c}×{s}" for s, c in sorted(Counter(sizes.values()).items(), reverse=True))
            report = run.report
            print(
                f"{n:>6} {staffing:>5} {run.groups.count():>6}  {size_text:<22} "
                f"{len(report['groups_without_facilitator']):>14} {len(report['groups_without_note_taker']):>13} "
                f"{seconds:>7.2f}  {'yes' if once else 'NO'}"
            )
    print(f"failures: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
