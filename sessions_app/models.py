"""Events, their phases and questionnaires, and the people taking part."""

import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from infrastructure.embeds import stream_embed
from infrastructure.jitsi import jitsi_configured
from infrastructure.weblinks import is_web_address, validate_room_link_template, web_address


def new_token() -> str:
    return secrets.token_urlsafe(24)


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(tz)s” is not a known time zone, e.g. Europe/Paris."), params={"tz": value})


class Organisation(models.Model):
    """A partner organisation; its members organise its events."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), unique=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="organisations", blank=True, verbose_name=_("organisers")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")

    def __str__(self) -> str:
        return self.name


class EventQuerySet(models.QuerySet):
    def organised_by(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(organisation__members=user)


class Event(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        LIVE = "live", _("Live")
        FINISHED = "finished", _("Finished")

    class UnevenGroups(models.TextChoices):
        LARGER = "larger", _("Some groups one larger (e.g. 6)")
        SMALLER = "smaller", _("Some groups one smaller (e.g. 4)")

    class LateJoiners(models.TextChoices):
        AUTO = "auto", _("Place them automatically")
        QUEUE = "queue", _("Queue them for an organiser")

    class VideoProvider(models.TextChoices):
        BUILTIN = "builtin", _("Built-in video in the room page")
        JITSI = "jitsi", _("Self-hosted Jitsi Meet, inside the room page")
        LINK = "link", _("A link to another video service (Zoom, Teams…)")
        IN_PERSON = "in_person", _("None: the groups meet in person")

    class Continent(models.TextChoices):
        AFRICA = "africa", _("Africa")
        ASIA = "asia", _("Asia")
        EUROPE = "europe", _("Europe")
        NORTH_AMERICA = "north_america", _("North America")
        SOUTH_AMERICA = "south_america", _("South America")
        OCEANIA = "oceania", _("Oceania")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="events", verbose_name=_("organisation")
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("web address name"), unique=True)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text=_("The event's local time zone, e.g. Europe/Paris."),
    )
    language = models.CharField(_("language"), max_length=16, default="en")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    group_size = models.PositiveSmallIntegerField(_("group size"), default=5)
    uneven_groups = models.CharField(
        _("when people do not divide evenly"),
        max_length=8,
        choices=UnevenGroups.choices,
        default=UnevenGroups.LARGER,
    )
    keep_language_together = models.BooleanField(
        _("groups share a language"),
        default=True,
        help_text=_("Everyone in a group, staff included, shares at least their first language."),
    )
    allow_volunteer_note_takers = models.BooleanField(
        _("participants may volunteer as note takers"),
        default=False,
        help_text=_("When note takers are short, a participant of the group takes notes."),
    )
    late_joiners = models.CharField(
        _("people who check in late"), max_length=8, choices=LateJoiners.choices, default=LateJoiners.AUTO
    )
    auto_end_phases = models.BooleanField(
        _("end phases automatically when time is up"),
        default=False,
        help_text=_("The running phase ends by itself at its planned end (extensions included)."),
    )
    video_provider = models.CharField(
        _("video in the rooms"), max_length=10, choices=VideoProvider.choices, default=VideoProvider.BUILTIN
    )
    video_link_template = models.CharField(
        _("video room link"),
        max_length=300,
        blank=True,
        validators=[validate_room_link_template],
        help_text=_(
            "Link with {room} where each group's unguessable room name goes, e.g. "
            "https://meet.jit.si/wetheinternet-{room}. Used when the video is a link to another service."
        ),
    )
    plenary_stream_url = models.URLField(
        _("plenary stream"),
        max_length=500,
        blank=True,
        validators=[web_address],
        help_text=_(
            "Optional: the live stream or video meeting of the plenaries, shown in the opening and closing "
            "plenary. A YouTube or Vimeo address plays in the page; any other is a link."
        ),
    )
    dialogue = models.ForeignKey(
        "dialogues.Dialogue",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("dialogue"),
    )
    dialogue_version = models.PositiveIntegerField(_("questionnaire version"), null=True, blank=True, editable=False)
    country = models.CharField(_("country"), max_length=100, blank=True)
    continent = models.CharField(_("continent"), max_length=16, choices=Continent.choices, blank=True)
    tags = models.CharField(
        _("tags"),
        max_length=300,
        blank=True,
        help_text=_("Comma-separated groupings for the global results, e.g. “G20, coastal”."),
    )
    next_steps = models.TextField(
        _("what happens next"),
        blank=True,
        help_text=_("Shown on the participants' closing page: when and where the results are published."),
    )
    next_steps_url = models.URLField(
        _("where the results are published"), blank=True, validators=[web_address], help_text=_("A link, optional.")
    )
    plenary_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    # Bumped on every change that live pages follow (phases, groups, messages): clients spot gaps.
    live_version = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("event")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(condition=Q(group_size__gte=2), name="event_group_size_at_least_2"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.video_provider == self.VideoProvider.LINK and not self.video_link_template:
            raise ValidationError(
                {"video_link_template": _("A link to another video service needs its address, with {room} in it.")}
            )
        if self.video_provider == self.VideoProvider.JITSI and not jitsi_configured():
            raise ValidationError(
                {
                    "video_provider": _(
                        "Jitsi is not configured on this server: its domain, app id and secret "
                        "(JITSI_DOMAIN, JITSI_APP_ID, JITSI_APP_SECRET) must be set first."
                    )
                }
            )

    def is_organised_by(self, user) -> bool:
        return Event.objects.organised_by(user).filter(pk=self.pk).exists()

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]

    @property
    def plenary_stream(self) -> dict:
        """The plenary stream as the pages show it: a player for YouTube or Vimeo, else a link."""
        return stream_embed(self.plenary_stream_url) if self.plenary_stream_url else {}

    def running_phase(self):
        return self.phases.filter(started_at__isnull=False, ended_at__isnull=True).first()


class Phase(models.Model):
    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening plenary")
        BREAKOUT = "breakout", _("Breakout rooms")
        PLENARY = "plenary", _("Plenary")
        OTHER = "other", _("Other")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    planned_minutes = models.PositiveSmallIntegerField(_("planned minutes"))
    session = models.ForeignKey(
        "Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="phases",
        verbose_name=_("session discussed"),
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True, help_text=_("Set when started; extended live."))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        ordering = ["event", "order"]
        verbose_name = _("phase")
        constraints = [
            models.UniqueConstraint(fields=["event", "order"], name="phase_order_unique_per_event"),
            models.CheckConstraint(condition=Q(planned_minutes__gt=0), name="phase_planned_minutes_positive"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(started_at__isnull=False, ended_at__gte=F("started_at")),
                name="phase_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["event"],
                condition=Q(started_at__isnull=False, ended_at__isnull=True),
                name="one_running_phase_per_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class Session(models.Model):
    """A topic of the dialogue: information material, then discussion and questions."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("code"), help_text=_("Stable code, e.g. “digital-public-sphere”."))
    title = models.CharField(_("title"), max_length=200)
    material = models.TextField(_("information material"), blank=True)
    material_url = models.URLField(_("material link (e.g. video)"), blank=True, validators=[web_address])
    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_('By language, e.g. {"fr": {"title": "...", "material": "..."}}; or use the CSV on the event.'),
    )

    class Meta:
        ordering = ["event", "order"]
        verbose_name = _("session")
        constraints = [
            models.UniqueConstraint(fields=["event", "code"], name="session_code_unique_per_event"),
            models.UniqueConstraint(fields=["event", "order"], name="session_order_unique_per_event"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def material_link(self) -> str:
        """The material link to render: a stored address that is not http(s) is never a link."""
        return self.material_url if self.material_url and is_web_address(self.material_url) else ""


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        SCALE = "scale", _("Scale 1-5")
        RANKING = "ranking", _("Group ranking")
        OPEN = "open", _("Open text")

    class Respondent(models.TextChoices):
        INDIVIDUAL = "individual", _("Each participant")
        GROUP = "group", _("The group")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("code"), help_text=_("Stable code used to compare results, e.g. “q1”."))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    respondent = models.CharField(
        _("answered by"), max_length=16, choices=Respondent.choices, default=Respondent.INDIVIDUAL
    )
    text = models.TextField(_("question"))
    help_text = models.TextField(_("explanation"), blank=True)
    max_choices = models.PositiveSmallIntegerField(
        _("maximum choices"), null=True, blank=True, help_text=_("For multiple choice only.")
    )
    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_('By language, e.g. {"fr": {"text": "..."}}; or use the CSV on the event.'),
    )
    is_open = models.BooleanField(
        _("open for votes"), default=False, help_text=_("Participants may answer it on their own device.")
    )

    class Meta:
        ordering = ["session", "order"]
        verbose_name = _("question")
        constraints = [
            models.UniqueConstraint(fields=["session", "code"], name="question_code_unique_per_session"),
            models.UniqueConstraint(fields=["session", "order"], name="question_order_unique_per_session"),
            models.CheckConstraint(
                condition=Q(max_choices__isnull=True) | Q(max_choices__gte=1), name="question_max_choices_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"

    def clean(self):
        if self.kind == self.Kind.MULTIPLE and not self.max_choices:
            raise ValidationError({"max_choices": _("A multiple-choice question needs a maximum number of choices.")})
        if self.kind != self.Kind.MULTIPLE and self.max_choices:
            raise ValidationError({"max_choices": _("Only multiple-choice questions have a maximum.")})
        if self.kind == self.Kind.RANKING and self.respondent != self.Respondent.GROUP:
            raise ValidationError({"respondent": _("A ranking is made by the group.")})


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("code"))
    label = models.CharField(_("label"), max_length=300)
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        ordering = ["question", "order"]
        verbose_name = _("option")
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="option_code_unique_per_question"),
            models.UniqueConstraint(fields=["question", "order"], name="option_order_unique_per_question"),
        ]

    def __str__(self) -> str:
        return self.label


class DiversityAttribute(models.Model):
    """An attribute the organiser asks participants for (optional for them), used for diverse groups."""

    class Kind(models.TextChoices):
        CATEGORICAL = "categorical", _("Categories (differ or not)")
        ORDINAL = "ordinal", _("Ordered categories (e.g. age bands)")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="diversity_attributes")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    key = models.SlugField(_("key"), help_text=_("Column name in participant files, e.g. “gender”."))
    label = models.CharField(_("label"), max_length=100)
    help_text = models.CharField(_("why we ask"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CATEGORICAL)
    choices = models.TextField(_("choices"), help_text=_("One per line; in order for ordered categories."))
    weight = models.FloatField(_("weight"), default=1.0)

    class Meta:
        ordering = ["event", "order", "key"]
        verbose_name = _("diversity attribute")
        constraints = [
            models.UniqueConstraint(fields=["event", "key"], name="attribute_key_unique_per_event"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="attribute_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class ParticipantQuerySet(models.QuerySet):
    def organised_by(self, user):
        return self.filter(event__in=Event.objects.organised_by(user))

    def checked_in(self):
        return self.filter(checked_in_at__isnull=False)


class Participant(models.Model):
    """A person taking part in one event, as participant, facilitator or note taker."""

    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("Participant")
        FACILITATOR = "facilitator", _("Facilitator")
        NOTE_TAKER = "note_taker", _("Note taker")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.PARTICIPANT)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_roles",
        verbose_name=_("staff account"),
    )
    languages = models.CharField(
        _("languages"), max_length=100, blank=True, help_text=_("Language codes, first the preferred, e.g. “fr,en”.")
    )
    timezone = models.CharField(_("time zone"), max_length=64, blank=True, validators=[validate_timezone])
    attributes = models.JSONField(_("diversity attributes"), default=dict, blank=True)
    consent_given_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    join_nonce = models.CharField(max_length=32, default=new_token, editable=False)
    join_revoked_at = models.DateTimeField(_("join link revoked at"), null=True, blank=True)
    # Bumped by every withdrawal and reissue: a browser session or websocket opened with a link
    # of an older generation is over.
    link_generation = models.PositiveIntegerField(_("join link generation"), default=1, editable=False)
    invited_at = models.DateTimeField(_("invitation sent at"), null=True, blank=True)
    join_last_opened_at = models.DateTimeField(_("join link last opened"), null=True, blank=True)
    # Set with the anonymous feedback answers, in the same transaction: one survey per person,
    # without saying which answers are whose.
    feedback_given_at = models.DateTimeField(_("feedback given at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["event", "first_name", "last_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"], condition=~Q(email=""), name="participant_email_unique_per_event"
            ),
            models.UniqueConstraint(
                fields=["event", "user"], condition=Q(user__isnull=False), name="participant_user_unique_per_event"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def language_list(self) -> list[str]:
        return [code.strip() for code in self.languages.split(",") if code.strip()]

    @property
    def is_staff_role(self) -> bool:
        return self.role != self.Role.PARTICIPANT
