"""Group results (note submissions and their revisions) and the citizens' reference results."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groups.models import BreakoutGroup
from infrastructure.cleaning import StoredJSONDecoder
from sessions_app.models import Event, Organisation, Participant, Question, Session


class NoteSubmission(models.Model):
    """A group's results for one session: the current draft or submitted state."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    group = models.ForeignKey(BreakoutGroup, on_delete=models.CASCADE, related_name="note_submissions")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="note_submissions")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    data = models.JSONField(_("content"), default=dict, blank=True, decoder=StoredJSONDecoder)
    # Bumped on every saved change: a writer who did not see the latest version gets a conflict.
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_by = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("updated by")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("group notes")
        verbose_name_plural = _("group notes")
        constraints = [
            models.UniqueConstraint(fields=["group", "session"], name="one_note_submission_per_group_session"),
        ]

    def __str__(self) -> str:
        return f"{self.group} – {self.session}"


class NoteRevision(models.Model):
    """An immutable submitted state; corrections after submission add a revision."""

    submission = models.ForeignKey(NoteSubmission, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    data = models.JSONField(_("content"), decoder=StoredJSONDecoder)
    idempotency_key = models.UUIDField(_("idempotency key"), unique=True)
    submitted_by = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["submission", "number"]
        verbose_name = _("note revision")
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="note_revision_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.submission} r{self.number}"


class ReferenceDatasetQuerySet(models.QuerySet):
    def for_event(self, event):
        """The datasets an event may compare with: the shared ones and its organisation's own."""
        return self.filter(models.Q(organisation__isnull=True) | models.Q(organisation_id=event.organisation_id))


class ReferenceDataset(models.Model):
    """Citizens' results from the national dialogues, imported for comparison. A dataset with no
    organisation is shared by all events (the coalition manages it); one with an organisation is
    that organisation's own, for its events only."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reference_datasets",
        verbose_name=_("organisation"),
        help_text=_("Empty: shared by all events, managed by the coalition."),
    )
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("source"), max_length=300, blank=True)
    illustrative = models.BooleanField(
        _("illustrative only"), default=False, help_text=_("Shown with a notice that these are not real figures.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReferenceDatasetQuerySet.as_manager()

    class Meta:
        verbose_name = _("reference dataset")

    def __str__(self) -> str:
        return self.title


class ReferenceResult(models.Model):
    class Scope(models.TextChoices):
        GLOBAL = "global", _("Global")
        CONTINENT = "continent", _("Continent")
        COUNTRY = "country", _("Country")

    dataset = models.ForeignKey(ReferenceDataset, on_delete=models.CASCADE, related_name="results")
    question_code = models.SlugField(_("question code"))
    option_code = models.SlugField(_("option code"))
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)
    scope_name = models.CharField(_("scope name"), max_length=100, blank=True)
    count = models.PositiveIntegerField(_("count"), null=True, blank=True)
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2, null=True, blank=True)
    n = models.PositiveIntegerField(_("N"))

    class Meta:
        verbose_name = _("reference result")
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "question_code", "option_code", "scope", "scope_name"],
                name="reference_result_unique",
            ),
            models.CheckConstraint(
                condition=Q(count__isnull=False) | Q(percent__isnull=False), name="reference_has_count_or_percent"
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__gte=0, percent__lte=100),
                name="reference_percent_0_100",
            ),
            models.CheckConstraint(condition=Q(n__gt=0), name="reference_n_positive"),
            models.CheckConstraint(
                condition=Q(count__isnull=True) | Q(count__lte=models.F("n")), name="reference_count_at_most_n"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_code}/{self.option_code} {self.scope} {self.scope_name}"


class Vote(models.Model):
    """One person's own answer to an individual question, cast in their room. Only tallies are shown."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    group = models.ForeignKey(BreakoutGroup, on_delete=models.CASCADE, related_name="votes")
    # {"choice": "code"} (single, scale) or {"choices": ["a", "b"]} (multiple).
    data = models.JSONField(_("answer"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("vote")
        constraints = [
            models.UniqueConstraint(fields=["question", "participant"], name="one_vote_per_person_per_question"),
        ]

    def __str__(self) -> str:
        return f"vote {self.pk} on {self.question_id}"


class OpenVote(models.Model):
    """An answer cast with the slides' code by someone without a personal link (open voting):
    one per device and question, counted apart from the participants' votes."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="open_votes")
    device = models.UUIDField(_("device"))
    data = models.JSONField(_("answer"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("open vote")
        constraints = [
            models.UniqueConstraint(fields=["question", "device"], name="one_open_vote_per_device_per_question"),
        ]

    def __str__(self) -> str:
        return f"open vote {self.pk} on {self.question_id}"


class PlenarySettings(models.Model):
    """What the plenary screen shows; `version` grows with every recompute sent to the screens."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="plenary_settings")
    reference_dataset = models.ForeignKey(
        ReferenceDataset,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reference results"),
    )
    scope = models.CharField(
        _("reference scope"), max_length=16, choices=ReferenceResult.Scope.choices, default=ReferenceResult.Scope.GLOBAL
    )
    scope_name = models.CharField(_("scope name"), max_length=100, blank=True)
    world_scope = models.CharField(
        _("compare with the world so far"),
        max_length=120,
        blank=True,
        help_text=_(
            "For an event of a dialogue: compare with the dialogue's live results for this scope "
            "(“global”, “continent:europe”, “country:Kenya”, “tag:G20”) instead of the reference results."
        ),
    )
    results_visible = models.BooleanField(_("results shown"), default=False)
    on_screen_group = models.ForeignKey(
        BreakoutGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("group on screen"),
    )
    weighting = models.CharField(
        _("weighting"),
        max_length=16,
        choices=[("pooled", _("Pool all answers")), ("groups_equal", _("Every group weighs the same"))],
        default="pooled",
    )
    version = models.PositiveBigIntegerField(default=0, editable=False)
    # Presenter mode (results.presentation): the slide every screen shows, the figures revealed or
    # hidden by hand ({"<session code>/<question code>": true | false}; a question not listed
    # follows the default), the group whose recommendation is on screen, and the version of
    # this state (the `plenary.presenter` payload's).
    present_slide = models.PositiveIntegerField(_("presenter slide"), default=0)
    present_reveal = models.JSONField(_("figures revealed by hand"), default=dict, blank=True)
    present_group = models.ForeignKey(
        BreakoutGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("group whose recommendation is presented"),
    )
    present_version = models.PositiveBigIntegerField(default=0, editable=False)
    # Voting from a phone (results.phone_votes): the event's short code on the slides (/v/<code>/),
    # made when first needed, and whether anyone with it may vote without a personal link.
    vote_code = models.CharField(_("vote code"), max_length=8, unique=True, null=True, blank=True, editable=False)
    open_voting = models.BooleanField(
        _("open voting"),
        default=False,
        help_text=_("Anyone with the code on the slides may vote, once per device, without a personal link."),
    )

    class Meta:
        verbose_name = _("plenary settings")
        verbose_name_plural = _("plenary settings")

    def __str__(self) -> str:
        return str(self.event)

    def clean(self):
        dataset = self.reference_dataset
        if dataset is not None and dataset.organisation_id not in (None, getattr(self.event, "organisation_id", None)):
            raise ValidationError(
                {"reference_dataset": _("Choose shared reference results or your event's organisation's own.")}
            )


class ApiToken(models.Model):
    """A partner tool's key to one event's results API. Only a hash of the key is stored."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("event"))
    name = models.CharField(_("name"), max_length=100, help_text=_("Who uses it, e.g. “Partner survey tool”."))
    prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class SessionTally(models.Model):
    """The running sums of a session's submitted group results, for one grouping of the event.

    Kept up to date by every submission (in its transaction, under a row lock), so that the
    plenary and the dialogue's global view read one small row per session instead of every
    group's results. ``questions_key`` fingerprints the questionnaire it was counted against: a
    changed questionnaire makes the next reader count again from the revisions."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="tallies")
    allocation = models.ForeignKey("groups.Allocation", on_delete=models.CASCADE, related_name="+")
    questions_key = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, decoder=StoredJSONDecoder)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("session tally")
        constraints = [
            models.UniqueConstraint(fields=["session", "allocation"], name="one_tally_per_session_allocation"),
        ]

    def __str__(self) -> str:
        return f"tally {self.session_id}/{self.allocation_id}"


class FeedbackQuestion(models.Model):
    """A question of the participants' anonymous feedback survey on the closing page."""

    class Kind(models.TextChoices):
        SCALE = "scale", _("Scale from 1 to 5")
        TEXT = "text", _("Free text")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="feedback_questions")
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.SCALE)
    text = models.CharField(_("question"), max_length=300)
    translations = models.JSONField(
        _("translations"), default=dict, blank=True, help_text=_('Per language code: {"text": …}.')
    )

    class Meta:
        ordering = ["event", "order"]
        verbose_name = _("feedback question")
        verbose_name_plural = _("feedback questions")
        constraints = [
            models.UniqueConstraint(fields=["event", "order"], name="feedback_question_order_unique_per_event"),
        ]

    def __str__(self) -> str:
        return self.text


class FeedbackAnswer(models.Model):
    """One anonymous answer: it has no link to the person who gave it (see
    Participant.feedback_given_at) and no time, so answers cannot be matched to people by the
    moment they came in."""

    question = models.ForeignKey(FeedbackQuestion, on_delete=models.CASCADE, related_name="answers")
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("feedback answer")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5), name="feedback_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"feedback answer {self.pk}"


class RecommendationCuration(models.Model):
    """What the organiser chose for a group's recommendation on the wall and the plenary's slides:
    starred (shown first), hidden (never shown), and the label of a set of similar ones shown
    together (empty: on its own), and its translations, which readers of the dialogue's results
    see in their language. A group without a row is shown, unstarred, on its own."""

    group = models.OneToOneField(BreakoutGroup, on_delete=models.CASCADE, related_name="curation")
    starred = models.BooleanField(_("starred"), default=False)
    hidden = models.BooleanField(_("hidden"), default=False)
    cluster_label = models.CharField(_("grouped under"), max_length=80, blank=True)
    # The recommendation in other languages, written by the event's organisers: {"fr": "…"}.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("recommendation curation")

    def __str__(self) -> str:
        return str(self.group)
