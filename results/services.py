"""Writes on group results and reference results. Views, admin and commands call these."""

import csv
import hashlib
import io
import json
import secrets
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups import streams as groups_streams
from groups.models import BreakoutGroup
from groups.selectors import membership_of
from results.answers import FieldError, validate_group_results
from results.figures import Weighting
from results.models import (
    ApiToken,
    NoteRevision,
    NoteSubmission,
    PlenarySettings,
    ReferenceDataset,
    ReferenceResult,
    Vote,
)
from results.reference_import import reference_import_csv
from results.selectors import group_answer_limit, session_question_specs
from results.streams import plenary_changed
from results.tallies import tally_record_submission
from sessions_app.models import Event, Participant, Question, Session

VOTED_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.SCALE)

DEMO_DATASET_TITLE = "Illustrative reference figures (made up for the demo, not real results)"
DEMO_DATASET_SOURCE = "Invented for the demo. These are NOT published results of the citizens' dialogues."

# Made-up shares in percent per scope, in the order of the demo questions' options
# (sessions_app/demo_questionnaire.py). q4 is the share of groups ranking each action first.
_DEMO_SCOPES = [
    # (scope, scope_name, respondents, groups)
    ("global", "", 5000, 800),
    ("continent", "Europe", 1500, 240),
    ("continent", "Africa", 1300, 210),
    ("country", "France", 100, 16),
    ("country", "Kenya", 100, 16),
]
_DEMO_FIGURES = {
    "q1": (
        ["opportunity", "threat", "both", "neither"],
        [[41, 9, 46, 4], [35, 12, 49, 4], [55, 6, 36, 3], [33, 14, 50, 3], [60, 5, 33, 2]],
    ),
    "q2": (
        ["governments", "platforms", "citizens", "media", "international"],
        [[52, 48, 37, 28, 31], [49, 55, 33, 30, 29], [58, 39, 41, 27, 34], [45, 60, 30, 35, 26], [62, 35, 44, 24, 30]],
    ),
    "q3": (
        ["1", "2", "3", "4", "5"],
        [[22, 31, 30, 13, 4], [27, 34, 27, 10, 2], [15, 26, 33, 18, 8], [30, 35, 25, 8, 2], [12, 24, 34, 20, 10]],
    ),
    "q4": (
        ["education", "regulation", "design", "fact-checking"],
        [[53, 22, 11, 14], [46, 28, 12, 14], [60, 17, 9, 14], [44, 31, 12, 13], [62, 19, 6, 13]],
    ),
}
_EXCLUSIVE = {"q1", "q3", "q4"}  # one option per respondent (or group): counts add up to N


def _counts(shares: list[int], n: int, *, exclusive: bool) -> list[int]:
    """Whole counts for the shares; for exclusive options by largest remainder, so that they sum to N."""
    exact = [share * n / 100 for share in shares]
    counts = [int(value) for value in exact]
    if exclusive:
        by_remainder = sorted(range(len(exact)), key=lambda i: exact[i] - counts[i], reverse=True)
        for i in by_remainder[: n - sum(counts)]:
            counts[i] += 1
    else:
        counts = [round(value) for value in exact]
    return counts


def _demo_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["question_code", "option_code", "scope", "scope_name", "count", "percent", "n"])
    for question_code, (option_codes, rows) in _DEMO_FIGURES.items():
        for (scope, scope_name, respondents, groups), shares in zip(_DEMO_SCOPES, rows, strict=True):
            n = groups if question_code == "q4" else respondents
            counts = _counts(shares, n, exclusive=question_code in _EXCLUSIVE)
            for option_code, count in zip(option_codes, counts, strict=True):
                writer.writerow([question_code, option_code, scope, scope_name, count, f"{100 * count / n:.2f}", n])
    return out.getvalue()


@transaction.atomic
def reference_demo_dataset_create() -> ReferenceDataset:
    """The demo's ILLUSTRATIVE reference dataset (made-up figures, never real results).

    Figures for the demo questions q1..q4, globally, for two continents and two countries.
    Created once: calling again returns the existing dataset. The figures go through the CSV
    import, so they obey every rule real data must.
    """
    dataset = ReferenceDataset.objects.filter(title=DEMO_DATASET_TITLE, illustrative=True).first()
    if dataset is not None:
        return dataset
    dataset = ReferenceDataset.objects.create(title=DEMO_DATASET_TITLE, source=DEMO_DATASET_SOURCE, illustrative=True)
    result = reference_import_csv(dataset=dataset, data=_demo_csv().encode())
    if not result.ok:
        raise ValueError("; ".join(str(error) for error in result.errors))
    return dataset


def reference_demo_attach(event: Event) -> None:
    """Show the illustrative reference dataset on a demo event's plenary (unless it has one)."""
    dataset = reference_demo_dataset_create()
    settings_, _created = PlenarySettings.objects.get_or_create(event=event)
    if settings_.reference_dataset_id is None:
        PlenarySettings.objects.filter(pk=settings_.pk).update(reference_dataset=dataset, scope="global", scope_name="")


# --- Group notes ----------------------------------------------------------------------------

DRAFT_MAX_BYTES = 200_000


class ResultsRefused(ValueError):
    """A write on results that cannot be done; the message says why. Each kind below names what was refused."""


class NotesRefused(ResultsRefused):
    """A group's notes (its working copy or a submission) that cannot be saved."""


class VoteRefused(ResultsRefused):
    """A person's own answer in the room that cannot be recorded or withdrawn."""


class QuestionOpenRefused(ResultsRefused):
    """A question that cannot be opened or closed for answers by this event."""


class PlenarySettingsRefused(ResultsRefused):
    """A change of what the plenary screen shows that cannot be made."""


class NoteConflict(Exception):
    """The writer's base version is not the saved one: someone else saved in between."""

    def __init__(self, submission: NoteSubmission):
        super().__init__("stale version")
        self.submission = submission


class NoteInvalid(Exception):
    """Submitted results that do not fit the questionnaire; `errors` are field-addressed."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors


class NoteKeyReused(Exception):
    """The idempotency key already made a revision with other results: it cannot carry these."""

    def __init__(self, revision: NoteRevision):
        super().__init__("idempotency key used for other data")
        self.revision = revision


@dataclass(frozen=True)
class SubmitResult:
    revision: NoteRevision
    created: bool


def _check_draft(data) -> None:
    if not isinstance(data, dict) or not isinstance(data.get("answers", {}), dict):
        raise NoteInvalid([FieldError("data", _("must be an object with “answers”."))])
    if len(json.dumps(data)) > DRAFT_MAX_BYTES:
        raise NoteInvalid([FieldError("data", _("the notes are too long to save."))])


def _check_group_session(group: BreakoutGroup, session: Session) -> None:
    if group.event_id != session.event_id:
        raise NotesRefused(_("That session belongs to another event."))


@transaction.atomic
def note_draft_save(
    *, group: BreakoutGroup, session: Session, data: dict, base_version: int, participant: Participant | None = None
) -> NoteSubmission:
    """Save the note taker's working copy; refused with NoteConflict when `base_version` is stale.

    The draft is not validated against the questionnaire (it may be half typed); only its size
    and shape. After a submission the working copy is the next correction."""
    _check_group_session(group, session)
    _check_draft(data)
    NoteSubmission.objects.get_or_create(group=group, session=session)
    submission = NoteSubmission.objects.select_for_update().get(group=group, session=session)
    if base_version != submission.version:
        raise NoteConflict(submission)
    submission.data = data
    submission.version += 1
    submission.updated_by = participant
    submission.save(update_fields=["data", "version", "updated_by", "updated_at"])
    return submission


def note_submit(
    *,
    group: BreakoutGroup,
    session: Session,
    data,
    idempotency_key: uuid.UUID,
    base_version: int | None = None,
    participant: Participant | None = None,
    user=None,
) -> SubmitResult:
    """Submit the group's results as a new revision, once per idempotency key.

    A retry with a key already used returns that revision and writes nothing; the same key
    with other results raises NoteKeyReused. Invalid data (figures beyond the group's size
    included, see ``group_answer_limit``) raise NoteInvalid and nothing is written; a stale
    `base_version` raises NoteConflict (None: no check, for API clients that do not keep drafts)."""
    _check_group_session(group, session)
    existing = _revision_for_key(idempotency_key, group, session)
    questions = session_question_specs(session)
    if existing is not None:
        return SubmitResult(_same_data_or_refuse(existing, questions, data), created=False)
    clean, errors = validate_group_results(questions, data, limit=group_answer_limit(group))
    if errors:
        raise NoteInvalid(errors)
    try:
        with transaction.atomic():
            return _note_submit_locked(
                group=group,
                session=session,
                questions=questions,
                clean=clean,
                key=idempotency_key,
                base_version=base_version,
                participant=participant,
                user=user,
            )
    except IntegrityError:
        # The same key committed by a concurrent request: answer with its revision.
        existing = _revision_for_key(idempotency_key, group, session)
        if existing is None:
            raise
        return SubmitResult(_same_data_or_refuse(existing, questions, data), created=False)


def _same_data_or_refuse(existing: NoteRevision, questions, data) -> NoteRevision:
    """A retry under a used key: the revision it made, when it carries the same results.

    Refused with NoteKeyReused otherwise, so that a correction sent under an old key is never
    answered with the old results as if it had been saved."""
    clean, errors = validate_group_results(questions, data)
    if errors or clean != existing.data:
        raise NoteKeyReused(existing)
    return existing


def _revision_for_key(key, group, session) -> NoteRevision | None:
    revision = NoteRevision.objects.select_related("submission").filter(idempotency_key=key).first()
    if revision is not None and (revision.submission.group_id, revision.submission.session_id) != (
        group.pk,
        session.pk,
    ):
        raise NotesRefused(_("That idempotency key was used for another group's results."))
    return revision


def _note_submit_locked(*, group, session, questions, clean, key, base_version, participant, user) -> SubmitResult:
    NoteSubmission.objects.get_or_create(group=group, session=session)
    submission = NoteSubmission.objects.select_for_update().get(group=group, session=session)
    # Checked again under the lock: a retry racing its first attempt finds the revision here.
    existing = NoteRevision.objects.filter(idempotency_key=key).first()
    if existing is not None:
        if existing.data != clean:
            raise NoteKeyReused(existing)
        return SubmitResult(existing, created=False)
    if base_version is not None and base_version != submission.version:
        raise NoteConflict(submission)
    previous = submission.revisions.order_by("-number").values_list("number", "id", "idempotency_key", "data").first()
    number = previous[0] + 1 if previous else 1
    revision = NoteRevision(
        submission=submission,
        number=number,
        data=clean,
        idempotency_key=key,
        submitted_by=participant,
        submitted_by_user=user if user is not None and user.is_authenticated else None,
    )
    revision.tally_recorded = True  # counted into the session's tally below, not recounted
    revision.save(force_insert=True)
    now = timezone.now()
    submission.data = clean
    submission.status = NoteSubmission.Status.SUBMITTED
    submission.version += 1
    submission.updated_by = participant
    submission.submitted_at = now
    submission.save(update_fields=["data", "status", "version", "updated_by", "updated_at", "submitted_at"])
    tally_record_submission(
        session_id=session.pk,
        allocation_id=group.allocation_id,
        questions=questions,
        previous=previous[1:] if previous else None,
        new=(revision.pk, revision.idempotency_key, revision.data),
        clean=clean,
    )
    plenary_changed(group.event_id)
    return SubmitResult(revision, created=True)


# --- Votes in the room ----------------------------------------------------------------------


def vote_data(question: Question, choice) -> dict:
    """A person's choice for a voted question as stored (``{"choice"}`` or ``{"choices"}``), checked
    against the question's options; shared by signed-in and open (phone) votes."""
    codes = list(question.options.values_list("code", flat=True))
    chosen = [choice] if isinstance(choice, str) else list(choice or [])
    if not chosen or not all(isinstance(code, str) for code in chosen):
        raise VoteRefused(_("Choose an answer first."))
    if any(code not in codes for code in chosen):
        raise VoteRefused(_("That is not one of the answers."))
    if len(set(chosen)) != len(chosen):
        raise VoteRefused(_("An answer is chosen twice."))
    if question.kind == Question.Kind.MULTIPLE:
        if question.max_choices and len(chosen) > question.max_choices:
            raise VoteRefused(_("Choose at most %(max)s answers.") % {"max": question.max_choices})
        return {"choices": [code for code in codes if code in chosen]}
    if len(chosen) != 1:
        raise VoteRefused(_("Choose one answer."))
    return {"choice": chosen[0]}


@transaction.atomic
def vote_cast(*, participant: Participant, question: Question, choice) -> Vote | None:
    """Record (or change) a person's own answer; an empty choice withdraws it.

    Only while the question is open and until the group's results for its session are submitted."""
    membership = membership_of(participant)
    if membership is None or membership.role == "facilitator":
        raise VoteRefused(_("Only members of a group answer its questions."))
    if question.session.event_id != participant.event_id:
        raise VoteRefused(_("That question belongs to another event."))
    if question.kind not in VOTED_KINDS or question.respondent != Question.Respondent.INDIVIDUAL:
        raise VoteRefused(_("The group answers this question together."))
    if not question.is_open:
        raise VoteRefused(_("This question is not open for answers."))
    group = membership.group
    if NoteSubmission.objects.filter(
        group=group, session_id=question.session_id, status=NoteSubmission.Status.SUBMITTED
    ).exists():
        raise VoteRefused(_("Your group's results are submitted: answers can no longer be changed."))
    # The presenter's slide of the question counts the answers so far: it hears of each.
    plenary_changed(participant.event_id)
    if choice in (None, "", []):
        Vote.objects.filter(question=question, participant=participant).delete()
        return None
    data = vote_data(question, choice)
    try:
        with transaction.atomic():
            vote, _created = Vote.objects.update_or_create(
                question=question, participant=participant, defaults={"data": data, "group": group}
            )
    except IntegrityError:
        # Two taps at once: the other request created it; this one updates it.
        vote = Vote.objects.get(question=question, participant=participant)
        vote.data, vote.group = data, group
        vote.save(update_fields=["data", "group", "updated_at"])
    return vote


@transaction.atomic
def question_open_set(*, event: Event, question: Question, is_open: bool) -> Question:
    if question.session.event_id != event.pk:
        raise QuestionOpenRefused(_("That question belongs to another event."))
    Question.objects.filter(pk=question.pk).update(is_open=is_open)
    question.is_open = is_open
    # Vote pages follow the event's state: the question opens or closes there at once; the
    # presenter's slides hide a question's figures while it is open.
    groups_streams.event_changed(event)
    plenary_changed(event.pk)
    return question


# --- Plenary --------------------------------------------------------------------------------


@transaction.atomic
def plenary_settings_update(*, event: Event, **changes) -> PlenarySettings:
    """Change what the plenary shows (scope, reveal, group on screen, weighting) and tell the screens."""
    settings_, _created = PlenarySettings.objects.select_for_update().get_or_create(event=event)
    allowed = {
        "reference_dataset",
        "scope",
        "scope_name",
        "world_scope",
        "results_visible",
        "on_screen_group",
        "weighting",
        "open_voting",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise PlenarySettingsRefused(_("Unknown setting: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    group = changes.get("on_screen_group")
    if group is not None and group.event_id != event.pk:
        raise PlenarySettingsRefused(_("That group belongs to another event."))
    if "scope" in changes and changes["scope"] not in ReferenceResult.Scope.values:
        raise PlenarySettingsRefused(_("Unknown scope."))
    if "weighting" in changes:
        changes["weighting"] = str(Weighting(changes["weighting"]))
    if changes.get("world_scope") and event.dialogue_id is None:
        raise PlenarySettingsRefused(_("Only an event of a dialogue compares with the world so far."))
    if changes.get("scope") == ReferenceResult.Scope.GLOBAL:
        changes["scope_name"] = ""
    for name, value in changes.items():
        setattr(settings_, name, value)
    settings_.save()
    plenary_changed(event.pk)
    return settings_


# --- API tokens -----------------------------------------------------------------------------


def api_token_hash(key: str) -> str:
    # The keys are 32 random bytes: a fast hash is enough, and lets the lookup use an index.
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_key(token: ApiToken) -> str:
    """Give an unsaved token a new key; returns the key, which is shown once and never stored."""
    key = "wti_" + secrets.token_urlsafe(32)
    token.prefix, token.key_hash = key[:8], api_token_hash(key)
    return key


@transaction.atomic
def api_token_create(*, event: Event, name: str) -> tuple[ApiToken, str]:
    """A new token for an event; returns it and its key."""
    token = ApiToken(event=event, name=name)
    key = api_token_key(token)
    token.save()
    return token, key
