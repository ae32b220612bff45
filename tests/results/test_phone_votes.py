"""Votes from a phone with the code on the presenter's slides: the code, a participant's way to
their vote page, open voting and its refusals, and the slide's live count."""

import uuid

import pytest
from django.urls import reverse

from results import phone_votes, services
from results.models import OpenVote, PlenarySettings, Vote
from results.presentation_selectors import presentation_deck
from results.views.phone_votes import DEVICE_COOKIE
from tests.factories import make_event
from tests.helpers import log_in_as
from tests.results import notes_fixtures

pytestmark = pytest.mark.django_db
questionnaire, teams = notes_fixtures.questionnaire, notes_fixtures.teams  # shared fixtures


def opened(session, code):
    question = session.questions.get(code=code)
    question.is_open = True
    question.save(update_fields=["is_open"])
    return question


def allow_open_voting(event):
    PlenarySettings.objects.update_or_create(event=event, defaults={"open_voting": True})


def test_the_code_is_short_unambiguous_stored_and_unique(event, organisation):
    code = phone_votes.vote_code_of(event)
    assert len(code) == phone_votes.CODE_LENGTH and set(code) <= set(phone_votes.ALPHABET)
    assert not set("01OIL") & set(phone_votes.ALPHABET)
    assert phone_votes.vote_code_of(event) == code == PlenarySettings.objects.get(event=event).vote_code
    others = {phone_votes.vote_code_of(make_event(organisation, slug=f"e{i}")) for i in range(30)}
    assert code not in others and len(others) == 30
    assert phone_votes.event_for_vote_code(f" {code.lower()} ")[0] == event
    for wrong in ["", "ABC", "0OOOOO", code + "2", "\x00" * 6, "\ud800" * 6, None, 10**20]:
        assert phone_votes.event_for_vote_code(wrong) is None


def test_unknown_codes_get_a_404_page(client, event):
    phone_votes.vote_code_of(event)
    for path in ["/v/ZZZZZZ/", "/v/%00%00/", "/v/%ED%A0%80/", f"/v/{'9' * 400}/"]:
        response = client.get(path)
        assert response.status_code == 404 and b"no vote with this code" in response.content
    assert client.post("/v/ZZZZZZ/1/", {"choice": "x"}).status_code == 404


def test_a_participant_goes_to_their_vote_page_and_the_slide_counts_live(
    client, event, teams, questionnaire, participant, django_capture_on_commit_callbacks
):
    q1 = opened(questionnaire, "q1")
    code = phone_votes.vote_code_of(event)
    log_in_as(client, participant)
    response = client.get(reverse("phone_vote", args=[code]))
    assert response.status_code == 302 and response["Location"] == reverse("vote", args=[event.slug])
    before = PlenarySettings.objects.get(event=event).version
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("vote_cast", args=[event.slug, q1.pk]), {"choice": "both"})
    assert Vote.objects.get(participant=participant).data == {"choice": "both"}
    assert PlenarySettings.objects.get(event=event).version > before  # the screens were sent a new plenary
    slide = next(s for s in presentation_deck(event)["slides"] if s["key"] == f"{questionnaire.code}/q1")
    assert slide["is_open"] and slide["device_votes"] == 1 and slide["open_votes"] == 0
    deck = presentation_deck(event)
    assert deck["vote"]["code"] == code and deck["vote"]["url"].endswith(f"/v/{code}/")
    assert deck["vote"]["svg"].startswith("<svg") and "style=" not in deck["vote"]["svg"]


def test_without_a_session_and_open_voting_off_the_page_says_open_your_link(client, event, teams, questionnaire):
    q1 = opened(questionnaire, "q1")
    code = phone_votes.vote_code_of(event)
    page = client.get(reverse("phone_vote", args=[code]))
    assert page.status_code == 200 and "open your personal link first" in page.content.decode()
    assert q1.text not in page.content.decode()
    assert client.post(reverse("phone_vote_cast", args=[code, q1.pk]), {"choice": "both"}).status_code == 403
    assert not OpenVote.objects.exists()


def test_open_voting_once_per_device_counted_apart(client, event, teams, questionnaire, participant):
    q1 = opened(questionnaire, "q1")
    allow_open_voting(event)
    code = phone_votes.vote_code_of(event)
    page = client.get(reverse("phone_vote", args=[code])).content.decode()
    assert q1.text in page and "csrfmiddlewaretoken" in page
    response = client.post(reverse("phone_vote_cast", args=[code, q1.pk]), {"choice": "threat"})
    assert response.status_code == 302 and DEVICE_COOKIE in response.cookies
    assert OpenVote.objects.get().data == {"choice": "threat"} and not Vote.objects.exists()
    # The same device again (its cookie replayed): still one vote, the first.
    client.post(reverse("phone_vote_cast", args=[code, q1.pk]), {"choice": "both"})
    assert OpenVote.objects.get().data == {"choice": "threat"}
    assert "has answered this question" in client.get(reverse("phone_vote", args=[code])).content.decode()
    # Another device, and a participant: counted apart on the slide.
    other = type(client)()
    other.post(reverse("phone_vote_cast", args=[code, q1.pk]), {"choice": "both"})
    services.vote_cast(participant=participant, question=q1, choice="both")
    assert OpenVote.objects.count() == 2 and Vote.objects.count() == 1
    slide = next(s for s in presentation_deck(event)["slides"] if s["key"] == f"{questionnaire.code}/q1")
    assert slide["device_votes"] == 3 and slide["open_votes"] == 2


def test_a_forged_device_cookie_is_a_new_device_not_someone_elses(client, event, teams, questionnaire):
    q1 = opened(questionnaire, "q1")
    allow_open_voting(event)
    code = phone_votes.vote_code_of(event)
    client.post(reverse("phone_vote_cast", args=[code, q1.pk]), {"choice": "threat"})
    device = OpenVote.objects.get().device
    client.cookies[DEVICE_COOKIE] = str(device)  # unsigned: not believed
    client.post(reverse("phone_vote_cast", args=[code, q1.pk]), {"choice": "both"})
    assert OpenVote.objects.filter(device=device).count() == 1 and OpenVote.objects.count() == 2


@pytest.mark.parametrize(
    "choice, status",
    # A NUL is refused by the project's request checks (400) before the view; the others by the view.
    [("nope", 200), ("\x00", 400), ("%ED%A0%80", 200), (str(10**20), 200), (["threat", "both"], 200), ("", 200)],
)
def test_bad_open_answers_store_nothing(client, event, teams, questionnaire, choice, status):
    q1 = opened(questionnaire, "q1")
    allow_open_voting(event)
    code = phone_votes.vote_code_of(event)
    url = reverse("phone_vote_cast", args=[code, q1.pk])
    if choice == "%ED%A0%80":  # a lone surrogate, as bytes a client may send
        response = client.post(url, "choice=%ED%A0%80", "application/x-www-form-urlencoded", follow=True)
    else:
        response = client.post(url, {"choice": choice}, follow=True)
    assert response.status_code == status and b"error" in response.content
    assert not OpenVote.objects.exists()


def test_closed_group_and_foreign_questions_are_refused(client, event, teams, questionnaire, outsider):
    allow_open_voting(event)
    code = phone_votes.vote_code_of(event)
    closed = questionnaire.questions.get(code="q1")
    response = client.post(reverse("phone_vote_cast", args=[code, closed.pk]), {"choice": "both"}, follow=True)
    assert "not open for answers" in response.content.decode()
    group_question = opened(questionnaire, "q7")
    response = client.post(reverse("phone_vote_cast", args=[code, group_question.pk]), {"choice": "yes"}, follow=True)
    assert "group answers this question" in response.content.decode()
    # A question of another event, posted by hand with this event's code; ids beyond a bigint.
    from sessions_app.models import Option, Question, Session

    foreign_session = Session.objects.create(event=outsider.event, order=1, code="x", title="X")
    foreign = Question.objects.create(
        session=foreign_session, order=1, code="f", kind="single", text="F?", is_open=True
    )
    Option.objects.create(question=foreign, order=1, code="yes", label="Yes")
    PlenarySettings.objects.update_or_create(event=outsider.event, defaults={"open_voting": True})
    for question_id in [foreign.pk, 10**20, 2**63]:
        response = client.post(f"/v/{code}/{question_id}/", {"choice": "yes"}, follow=True)
        assert response.status_code == 200 and "not one of this event" in response.content.decode()
    with pytest.raises(services.VoteRefused):
        phone_votes.open_vote_cast(event=event, question=foreign, device=uuid.uuid4(), choice="yes")
    assert not OpenVote.objects.exists()


def test_open_votes_are_rate_limited(client, event, teams, questionnaire, settings):
    settings.OPEN_VOTE_RATE_LIMIT = "2/60"
    q1 = opened(questionnaire, "q1")
    allow_open_voting(event)
    code = phone_votes.vote_code_of(event)
    statuses = [type(client)().post(reverse("phone_vote_cast", args=[code, q1.pk]), {"choice": "both"}).status_code]
    statuses += [type(client)().post(reverse("phone_vote_cast", args=[code, q1.pk]), {"choice": "both"}).status_code]
    statuses += [type(client)().post(reverse("phone_vote_cast", args=[code, q1.pk]), {"choice": "both"}).status_code]
    assert statuses == [302, 302, 429] and OpenVote.objects.count() == 2


def test_the_organisers_switch_open_voting_in_the_control_room(client, event, organiser, other_organiser):
    url = reverse("results_control", args=[event.slug, "plenary"])
    client.force_login(other_organiser)
    assert client.post(url, {"open_voting": "1"}).status_code == 404
    assert not PlenarySettings.objects.filter(event=event, open_voting=True).exists()
    client.force_login(organiser)
    assert "Allow open voting" in client.get(reverse("control_room", args=[event.slug])).content.decode()
    client.post(url, {"open_voting": "1"})
    assert PlenarySettings.objects.get(event=event).open_voting
    assert "Open voting is on" in client.get(reverse("control_room", args=[event.slug])).content.decode()
    client.post(url, {"open_voting": "0"})
    assert not PlenarySettings.objects.get(event=event).open_voting
