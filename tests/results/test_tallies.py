"""Session tallies: kept up to date by every submission, they give exactly the figures of a full
recount, whatever happened (corrections, drafts, a changed questionnaire, writes outside the
service, a new grouping, concurrent submissions on PostgreSQL)."""

import random
import threading
import uuid

import pytest
from django.db import connection

from results import services
from results.answers import validate_group_results
from results.figures import tally_add, tally_merge
from results.models import PlenarySettings, SessionTally
from results.plenary_selectors import plenary_snapshot
from results.tallies import questions_key, tallies_forget
from sessions_app.models import Option, Question
from tests.factories import make_groups, make_submission

pytestmark = pytest.mark.django_db

RANKING = ["education", "regulation", "design", "fact-checking"]


def random_results(rng: random.Random) -> dict:
    q1 = dict.fromkeys(["opportunity", "threat", "both", "neither"], 0)
    for _ in range(rng.randint(0, 6)):
        q1[rng.choice(list(q1))] += 1
    voters = rng.randint(1, 6)
    q2 = dict.fromkeys(["governments", "platforms", "citizens", "media", "international"], 0)
    for _ in range(voters):
        for option in rng.sample(list(q2), rng.randint(1, 2)):
            q2[option] += 1
    q3 = dict.fromkeys([str(i) for i in range(1, 6)], 0)
    for _ in range(rng.randint(1, 6)):
        q3[str(rng.randint(1, 5))] += 1
    return {
        "answers": {
            "q1": {"counts": q1},
            "q2": {"counts": q2, "valid": voters},
            "q3": {"counts": q3},
            "q4": {"ranking": rng.sample(RANKING, len(RANKING))},
            "q5": {"text": f"point {rng.random()}"},
        }
    }


def recounted(event) -> dict:
    tallies_forget(event.sessions.values_list("pk", flat=True))
    return plenary_snapshot(event)


def submit_through_service(group, session, data):
    return services.note_submit(group=group, session=session, data=data, idempotency_key=uuid.uuid4())


@pytest.mark.parametrize("weighting", ["pooled", "groups_equal"])
def test_kept_tally_equals_a_full_recount_after_submissions_and_corrections(event, session, weighting):
    rng = random.Random(7)
    PlenarySettings.objects.create(event=event, results_visible=True, weighting=weighting)
    groups = make_groups(event, 12)
    for group in groups:
        submit_through_service(group, session, random_results(rng))
    for group in rng.sample(groups, 5):  # corrections: new revisions replace the old ones
        submit_through_service(group, session, random_results(rng))
    # A draft after submission does not count until it is submitted.
    version = groups[0].note_submissions.get().version
    services.note_draft_save(group=groups[0], session=session, data={"answers": {}}, base_version=version)
    kept = plenary_snapshot(event)
    assert kept["groups_submitted"] == 12
    assert kept == recounted(event)
    q1 = kept["sessions"][0]["questions"][0]
    assert q1["code"] == "q1" and q1["groups"] <= 12


def test_the_figures_match_hand_computed_numbers(event, session):
    PlenarySettings.objects.create(event=event, results_visible=True, weighting="groups_equal")
    a, b = make_groups(event, 2)
    submit_through_service(a, session, {"answers": {"q1": {"counts": {"opportunity": 3, "threat": 1}}}})
    submit_through_service(b, session, {"answers": {"q1": {"counts": {"opportunity": 1, "threat": 1}}}})
    q1 = plenary_snapshot(event)["sessions"][0]["questions"][0]
    by_code = {option["code"]: option for option in q1["options"]}
    # Groups equal: (3/4 + 1/2) / 2 = 62.5 %; N is all 6 respondents.
    assert by_code["opportunity"]["percent"] == 62.5 and q1["n"] == 6
    # A correction of group a to 1 of 4 replaces its answers: (1/4 + 1/2) / 2 = 37.5 %.
    submit_through_service(a, session, {"answers": {"q1": {"counts": {"opportunity": 1, "threat": 3}}}})
    q1 = plenary_snapshot(event)["sessions"][0]["questions"][0]
    assert {o["code"]: o["percent"] for o in q1["options"]}["opportunity"] == 37.5


def test_a_changed_questionnaire_is_counted_again(event, session):
    PlenarySettings.objects.create(event=event, results_visible=True)
    (group,) = make_groups(event, 1)
    submit_through_service(group, session, {"answers": {"q1": {"counts": {"opportunity": 2, "threat": 2}}}})
    before = SessionTally.objects.get(session=session).questions_key
    # The organiser removes an option: the stored answers no longer fit, and q1 counts no one.
    Option.objects.filter(question__session=session, question__code="q1", code="threat").delete()
    q1 = plenary_snapshot(event)["sessions"][0]["questions"][0]
    assert q1["n"] == 0 and [o["code"] for o in q1["options"]] == ["opportunity", "both", "neither"]
    assert SessionTally.objects.get(session=session).questions_key not in ("", before)


def test_results_written_outside_the_service_are_counted(event, session):
    PlenarySettings.objects.create(event=event, results_visible=True)
    a, b = make_groups(event, 2)
    submit_through_service(a, session, {"answers": {"q1": {"counts": {"opportunity": 2}}}})
    assert plenary_snapshot(event)["groups_submitted"] == 1
    make_submission(b, session, {"answers": {"q1": {"counts": {"threat": 3}}}})  # e.g. a script or the admin
    snapshot = plenary_snapshot(event)
    assert snapshot["groups_submitted"] == 2 and snapshot["sessions"][0]["questions"][0]["n"] == 5
    b.note_submissions.get().revisions.all().delete()
    assert plenary_snapshot(event)["sessions"][0]["questions"][0]["n"] == 2


def test_a_new_grouping_starts_from_zero_and_the_old_one_is_kept(event, session):
    PlenarySettings.objects.create(event=event, results_visible=True)
    (old,) = make_groups(event, 1)
    submit_through_service(old, session, {"answers": {"q1": {"counts": {"opportunity": 2}}}})
    old.allocation.is_current = False
    old.allocation.save()
    make_groups(event, 3)
    snapshot = plenary_snapshot(event)
    assert snapshot["groups_total"] == 3 and snapshot["groups_submitted"] == 0
    assert SessionTally.objects.filter(session=session).count() == 2


def test_tallies_merge_into_the_tally_of_all_groups(session):
    from results.selectors import session_question_specs

    questions = session_question_specs(session)
    rng = random.Random(3)
    documents = [random_results(rng) for _ in range(6)]
    cleaned = [validate_group_results(questions, d)[0] for d in documents]
    whole, first, second = {}, {}, {}
    for i, clean in enumerate(cleaned):
        tally_add(questions, whole, clean)
        tally_add(questions, first if i < 3 else second, clean)
    assert tally_merge([first, second]) == tally_merge([whole])
    # Taking every group away again leaves nothing but zeros.
    for clean in cleaned:
        tally_add(questions, whole, clean, sign=-1)
    assert whole["groups"] == 0
    assert all(number == 0 for number in numbers(whole["questions"]))


def numbers(tree):
    for value in tree.values():
        if isinstance(value, dict):
            yield from numbers(value)
        else:
            yield value


def test_the_questionnaire_fingerprint_ignores_wording(session):
    from results.selectors import session_question_specs

    key = questions_key(session_question_specs(session))
    Question.objects.filter(session=session, code="q1").update(text="Reworded")
    Option.objects.filter(question__session=session, code="both").update(label="Both of them")
    assert questions_key(session_question_specs(session)) == key
    Question.objects.filter(session=session, code="q2").update(max_choices=3)
    assert questions_key(session_question_specs(session)) != key


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_all_reach_the_tally(event, session):
    PlenarySettings.objects.create(event=event, results_visible=True)
    groups = make_groups(event, 24)
    rng = random.Random(11)
    documents = {group.pk: random_results(rng) for group in groups}
    start, errors = threading.Barrier(8), []

    def work(chunk):
        try:
            start.wait()
            for group in chunk:
                submit_through_service(group, session, documents[group.pk])
                submit_through_service(group, session, documents[group.pk])  # and a correction
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(groups[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    kept = plenary_snapshot(event)
    assert kept["groups_submitted"] == 24
    assert kept == recounted(event)
