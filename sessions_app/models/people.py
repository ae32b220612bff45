"""The people taking part in an event, and the diversity attributes they are asked for."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sessions_app.models.events import Event, new_token, validate_timezone


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
