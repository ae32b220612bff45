"""The release rule of the public figures (docs/privacy.md): each site's entry per question moves
only in steps of at least the threshold of answering units, is stored, never goes back to an
older state, and costs a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dialogues.models import SiteRelease
from dialogues.publication import released_tallies
from dialogues.results import _tallies, global_snapshot, version_sessions
from results.models import NoteRevision
from tests.dialogues.scenarios import q1, submit_results
from tests.factories import make_groups, make_partner, make_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(dialogue):
    organisation, _ = make_partner(dialogue, "Partner Peru", "pe-partner", public=True)
    event = make_site(dialogue, organisation, "lima", country="Peru", continent="south_america")
    return event, make_groups(event, 6)


def _public_n(dialogue) -> int | None:
    found = next(q for s in global_snapshot(dialogue, public=True)["sessions"] for q in s["questions"])
    return found["figures"]["global"].get("n")


def test_the_first_step_needs_the_threshold_and_each_next_one_too(dialogue, site):
    event, groups = site
    submit_results(event, groups[0], q1(2, 2))  # 4 people
    assert _public_n(dialogue) is None
    submit_results(event, groups[1], q1(1, 0))  # 5
    assert _public_n(dialogue) == 5
    submit_results(event, groups[2], q1(1, 1))  # 7: 2 since the step
    assert _public_n(dialogue) == 5
    submit_results(event, groups[3], q1(2, 1))  # 10: 5 since the step
    assert _public_n(dialogue) == 10
    row = SiteRelease.objects.get(event=event)
    assert row.data["digital-public-sphere"]["q1"]["valid"] == 10 and row.released_at is not None
    assert "by_valid" not in row.data["digital-public-sphere"]["q1"]


def test_figures_that_fall_keep_the_last_step(dialogue, site):
    event, groups = site
    for group in groups[:2]:
        submit_results(event, group, q1(3, 2))
    assert _public_n(dialogue) == 10
    NoteRevision.objects.filter(submission__group=groups[1]).delete()  # results removed: 5 live
    assert _public_n(dialogue) == 10
    for group in groups[2:5]:  # 5 + 15 = 20 live, 10 more than the step
        submit_results(event, group, q1(3, 2))
    assert _public_n(dialogue) == 20


def test_an_older_reading_never_replaces_a_newer_step(dialogue, site):
    """Two processes build at once; the one that read the tallies first writes last."""
    event, groups = site
    sessions = version_sessions(dialogue.latest_version().questionnaire)
    submit_results(event, groups[0], q1(3, 2))
    older = _tallies(dialogue, {event.pk})
    submit_results(event, groups[1], q1(3, 2))
    newer = _tallies(dialogue, {event.pk})
    released_tallies(dialogue, [event.pk], newer, sessions)
    released_tallies(dialogue, [event.pk], older, sessions)
    assert SiteRelease.objects.get(event=event).data["digital-public-sphere"]["q1"]["valid"] == 10


def test_the_public_snapshot_takes_a_constant_number_of_queries(dialogue, site):
    event, groups = site
    submit_results(event, groups[0], q1(3, 2))
    global_snapshot(dialogue, public=True)
    with CaptureQueriesContext(connection) as nothing_due:
        global_snapshot(dialogue, public=True)
    with CaptureQueriesContext(connection) as private:
        global_snapshot(dialogue)
    assert len(nothing_due) == len(private) + 1  # the stored steps
    organisation, _ = make_partner(dialogue, "Partner Chile", "cl-partner", public=True)
    chile = make_site(dialogue, organisation, "chile", country="Chile", continent="south_america")
    chile_groups = make_groups(chile, 4)
    for group in chile_groups[:3]:
        submit_results(chile, group, q1(3, 2))
    submit_results(event, groups[1], q1(3, 2))
    with CaptureQueriesContext(connection) as two_steps:  # Chile's first, Peru's second
        assert _public_n(dialogue) == 25
    submit_results(chile, chile_groups[3], q1(3, 2))
    with CaptureQueriesContext(connection) as one_step:
        assert _public_n(dialogue) == 30
    # Whatever the number of sites: the lock, the steps read again, one insert, one update.
    assert len(nothing_due) < len(one_step) <= len(two_steps) <= len(nothing_due) + 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_builders_at_once_never_publish_two_different_steps(dialogue, site):
    """While one process releases a step (holding the dialogue's row), another that read older
    tallies waits, then sees the step and releases nothing: no step is ever taken back."""
    import threading
    import time

    from django.db import connections, transaction

    from dialogues.models import Dialogue

    event, groups = site
    sessions = version_sessions(dialogue.latest_version().questionnaire)
    submit_results(event, groups[0], q1(3, 2))
    older = _tallies(dialogue, {event.pk})
    submit_results(event, groups[1], q1(3, 2))
    newer = _tallies(dialogue, {event.pk})
    locked, waited = threading.Event(), {}

    def first():
        try:
            with transaction.atomic():
                list(Dialogue.objects.select_for_update().filter(pk=dialogue.pk))
                locked.set()
                time.sleep(0.5)
                released_tallies(dialogue, [event.pk], newer, sessions)
        finally:
            connections.close_all()

    def second():
        try:
            locked.wait(5)
            started = time.monotonic()
            released_tallies(dialogue, [event.pk], older, sessions)
            waited["seconds"] = time.monotonic() - started
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert waited["seconds"] >= 0.3  # it waited for the lock
    row = SiteRelease.objects.get(event=event)
    assert row.data["digital-public-sphere"]["q1"]["valid"] == 10
