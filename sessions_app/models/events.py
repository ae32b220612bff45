"""Partner organisations, their events and the events' phases."""

import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from infrastructure.embeds import stream_embed
from infrastructure.jitsi import jitsi_configured
from infrastructure.weblinks import validate_room_link_template, web_address


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
