"""The plenary: its snapshot (figures, reference, hidden results, group on screen), its query
count, coalesced broadcasts under a burst, the page and its stream."""

import uuid
from unittest import mock

import pytest
from django.urls import reverse

from results import services, streams
from results.models import PlenarySettings, ReferenceDataset, ReferenceResult
from results.plenary_selectors import plenary_snapshot
from tests.factories import make_groups, make_questionnaire, make_submission

pytestmark = pytest.mark.django_db


def answers(opportunity, threat, text=""):
    data = {"answers": {"q1": {"counts": {"opportunity": opportunity, "threat": threat}}}}
    if text:
        data["answers"]["q5"] = {"text": text}
    return data


@pytest.fixture
def reference():
    dataset = ReferenceDataset.objects.create(title="Made up", illustrative=True)
    ReferenceResult.objects.create(
        dataset=dataset,
        question_code="q1",
        option_code="opportunity",
        scope="country",
        scope_name="France",
        count=41,
        n=100,
    )
    ReferenceResult.objects.create(
        dataset=dataset, question_code="q1", option_code="threat", scope="global", percent=9, n=5000
    )
    return dataset


def test_the_snapshot_has_hand_computed_figures_beside_the_reference(event, session, reference):
    g1, g2, _g3 = make_groups(event, 3)
    make_submission(g1, session, answers(3, 1, text="Trust matters"))
    make_submission(g2, session, answers(1, 3))
    PlenarySettings.objects.create(
        event=event,
        reference_dataset=reference,
        scope="country",
        scope_name="France",
        results_visible=True,
        on_screen_group=g1,
    )
    snap = plenary_snapshot(event)
    assert snap["type"] == "plenary.snapshot" and snap["groups_submitted"] == 2 and snap["groups_total"] == 3
    q1 = snap["sessions"][0]["questions"][0]
    assert q1["code"] == "q1" and q1["n"] == 8
    options = {o["code"]: o for o in q1["options"]}
    assert options["opportunity"]["percent"] == 50.0 and options["opportunity"]["count"] == 4
    assert options["opportunity"]["reference"] == {"percent": 41.0, "n": 100}
    assert options["threat"]["reference"] is None  # global figure, France chosen
    assert snap["reference"]["illustrative"] is True and snap["reference"]["scope_name"] == "France"
    assert snap["on_screen"]["group"] == str(g1)
    assert snap["on_screen"]["points"] == [
        {"question": "Key points of your group's discussion", "text": "Trust matters"}
    ]
    assert all(q["kind"] != "open" for q in snap["sessions"][0]["questions"])


def test_equal_weighting_changes_the_percentages(event, session):
    g1, g2 = make_groups(event, 2)
    make_submission(g1, session, answers(3, 1))  # 75 %
    make_submission(g2, session, answers(0, 1))  # 0 %
    PlenarySettings.objects.create(event=event, results_visible=True, weighting="groups_equal")
    q1 = plenary_snapshot(event)["sessions"][0]["questions"][0]
    assert q1["options"][0]["percent"] == 37.5  # pooled would be 60.0


def test_hidden_results_show_only_the_count_of_groups(event, session):
    (g1,) = make_groups(event, 1)
    make_submission(g1, session, answers(1, 0))
    snap = plenary_snapshot(event)
    assert snap["results_visible"] is False and snap["sessions"] == [] and snap["groups_submitted"] == 1


@pytest.mark.parametrize("groups", [1, 20])
def test_the_snapshot_takes_a_constant_number_of_queries(event, session, reference, groups, django_assert_num_queries):
    made = make_groups(event, groups)
    for group in made:
        # Through the service, which keeps the session's tally up to date: nothing to recount.
        data = answers(2, 1, text="point")
        services.note_submit(group=group, session=session, data=data, idempotency_key=uuid.uuid4())
    PlenarySettings.objects.create(
        event=event, reference_dataset=reference, scope="global", results_visible=True, on_screen_group=made[0]
    )
    # 8, and 4 for the recommendation slides' count (open questions, revisions, curations, groups)
    with django_assert_num_queries(12):
        snap = plenary_snapshot(event)
    assert snap["groups_submitted"] == groups


def test_a_burst_of_200_submissions_makes_few_broadcasts_and_the_last_has_all(
    event, session, django_capture_on_commit_callbacks
):
    groups = make_groups(event, 200)
    PlenarySettings.objects.create(event=event, results_visible=True)
    scheduled = []
    with (
        mock.patch(
            "results.tasks.plenary_broadcast_task.apply_async",
            side_effect=lambda args, countdown: scheduled.append(args),
        ),
        mock.patch("results.streams.send_on_commit") as send,
    ):
        for i, group in enumerate(groups):
            with django_capture_on_commit_callbacks(execute=True):  # each submission commits on its own
                services.note_submit(group=group, session=session, data=answers(1, 0), idempotency_key=uuid.uuid4())
            if i == 120:  # the worker runs the first scheduled broadcast in the middle of the burst
                streams.plenary_broadcast(event_id=scheduled[0][0])
        # ...and, after the countdown, whatever was scheduled since.
        for args in scheduled[1:]:
            streams.plenary_broadcast(event_id=args[0])
    payloads = [call.args[1] for call in send.call_args_list]
    assert 1 <= len(payloads) <= 5 and len(scheduled) <= 5
    assert payloads[-1]["groups_submitted"] == 200
    assert payloads[-1]["sessions"][0]["questions"][0]["n"] == 200
    versions = [p["version"] for p in payloads]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)


def test_with_eager_tasks_a_submission_reaches_the_plenary(event, session, django_capture_on_commit_callbacks):
    (group,) = make_groups(event, 1)
    with mock.patch("results.streams.send_on_commit") as send, django_capture_on_commit_callbacks(execute=True):
        services.note_submit(group=group, session=session, data=answers(2, 0), idempotency_key=uuid.uuid4())
    assert send.call_count == 1
    channel, payload = send.call_args.args
    assert channel == f"plenary.{event.pk}" and payload["groups_submitted"] == 1 and payload["version"] == 1


def test_the_plenary_page_opens_with_its_token_only(client, event, session):
    page = client.get(reverse("plenary", args=[event.slug, event.plenary_token]))
    assert page.status_code == 200 and 'id="plenary-snapshot"' in page.content.decode()
    assert "Illustrative, not real results" in page.content.decode()
    assert client.get(reverse("plenary", args=[event.slug, "wrong"])).status_code == 403
    # The token opens nothing else.
    assert client.get(reverse("results_print", args=[event.slug]) + f"?token={event.plenary_token}").status_code == 302


def test_organisers_drive_the_plenary_and_others_cannot(
    client, event, session, organiser, other_organiser, reference, django_capture_on_commit_callbacks
):
    (group,) = make_groups(event, 1)
    client.force_login(other_organiser)
    target = reverse("results_control", args=[event.slug, "plenary"])
    assert client.post(target, {"results_visible": "1"}).status_code == 404
    assert not PlenarySettings.objects.filter(event=event).exists()
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            target,
            {
                "results_visible": "1",
                "reference": f"{reference.pk}|country|France",
                "on_screen_group": group.pk,
                "weighting": "groups_equal",
            },
        )
    assert response.status_code == 302
    settings_ = PlenarySettings.objects.get(event=event)
    assert settings_.results_visible and settings_.scope_name == "France" and settings_.on_screen_group == group
    assert settings_.weighting == "groups_equal" and settings_.version >= 1
    client.post(target, {"weighting": "nonsense"})
    settings_.refresh_from_db()
    assert settings_.weighting == "groups_equal"


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_plenary_stream_sends_the_snapshot_and_refuses_a_wrong_token(event):
    from channels.db import database_sync_to_async
    from channels.testing import WebsocketCommunicator

    from wetheinternet.asgi import application

    await database_sync_to_async(make_questionnaire)(event)
    origin = (b"origin", b"http://localhost")
    screen = WebsocketCommunicator(
        application, f"/ws/events/{event.slug}/plenary/{event.plenary_token}/", headers=[origin]
    )
    connected, _ = await screen.connect()
    assert connected
    snapshot = await screen.receive_json_from()
    assert snapshot["type"] == "plenary.snapshot" and snapshot["groups_submitted"] == 0
    (group,) = await database_sync_to_async(make_groups)(event, 1)
    await database_sync_to_async(services.note_submit)(
        group=group,
        session=await database_sync_to_async(lambda: event.sessions.get())(),
        data=answers(1, 1),
        idempotency_key=uuid.uuid4(),
    )
    update = await screen.receive_json_from(timeout=5)
    assert update["groups_submitted"] == 1 and update["version"] > snapshot["version"]
    await screen.disconnect()
    intruder = WebsocketCommunicator(application, f"/ws/events/{event.slug}/plenary/nope/", headers=[origin])
    connected, code = await intruder.connect()
    assert not connected and code == 4403
    await intruder.disconnect()


def test_a_lone_submission_is_broadcast_at_once_and_the_next_within_the_interval(
    event, session, django_capture_on_commit_callbacks
):
    groups = make_groups(event, 2)
    countdowns = []
    with (
        mock.patch(
            "results.tasks.plenary_broadcast_task.apply_async",
            side_effect=lambda args, countdown: countdowns.append(countdown),
        ),
        mock.patch("results.streams.send_on_commit"),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.note_submit(group=groups[0], session=session, data=answers(1, 0), idempotency_key=uuid.uuid4())
        streams.plenary_broadcast(event_id=event.pk)
        with django_capture_on_commit_callbacks(execute=True):
            services.note_submit(group=groups[1], session=session, data=answers(0, 1), idempotency_key=uuid.uuid4())
    assert countdowns[0] == 0
    assert 0 < countdowns[1] <= streams.MIN_INTERVAL
