"""Breakout groups, memberships and the allocation runs that form them."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sessions_app.models import Event, Participant


def new_room_token() -> str:
    return secrets.token_urlsafe(16)


class Allocation(models.Model):
    """One run of the diversity allocator for an event: reproducible and auditable."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="allocations")
    run_id = models.UUIDField(_("run id"), default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    is_current = models.BooleanField(_("current grouping"), default=False)
    seed = models.BigIntegerField(_("seed"))
    algorithm_version = models.CharField(_("algorithm version"), max_length=32, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    report = models.JSONField(_("quality report"), default=dict, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    progress = models.FloatField(_("progress"), default=0.0)
    duration_seconds = models.FloatField(_("duration (s)"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("run by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("allocation run")
        constraints = [
            models.UniqueConstraint(
                fields=["event"], condition=Q(is_current=True), name="one_current_allocation_per_event"
            ),
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=1), name="allocation_progress_0_1"),
        ]

    def __str__(self) -> str:
        return f"{self.event} – {self.created_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"


class BreakoutGroup(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="groups")
    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="groups")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    room_token = models.CharField(max_length=64, unique=True, default=new_room_token, editable=False)

    class Meta:
        ordering = ["allocation", "round", "number"]
        verbose_name = _("breakout group")
        constraints = [
            models.UniqueConstraint(fields=["allocation", "round", "number"], name="group_number_unique_per_round"),
        ]

    def __str__(self) -> str:
        return self.name or _("Group %(number)s") % {"number": self.number}


class GroupMembership(models.Model):
    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("Participant")
        FACILITATOR = "facilitator", _("Facilitator")
        NOTE_TAKER = "note_taker", _("Note taker")

    group = models.ForeignKey(BreakoutGroup, on_delete=models.CASCADE, related_name="memberships")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="memberships")
    # Copied from the group so that the database itself refuses two seats for one person in a round.
    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="memberships")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.PARTICIPANT)
    joined_late = models.BooleanField(_("joined late"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("group membership")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "allocation", "round"], name="one_membership_per_person_per_round"
            ),
            models.UniqueConstraint(
                fields=["group"], condition=Q(role="facilitator"), name="one_facilitator_per_group"
            ),
            models.UniqueConstraint(fields=["group"], condition=Q(role="note_taker"), name="one_note_taker_per_group"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} in {self.group} ({self.get_role_display()})"


class RoomMessage(models.Model):
    """A message an organiser broadcasts to every room, or to one."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="room_messages")
    group = models.ForeignKey(
        BreakoutGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("room (empty: all rooms)"),
    )
    text = models.CharField(_("message"), max_length=500)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("message to rooms")

    def __str__(self) -> str:
        return self.text


class HelpCall(models.Model):
    """“Call an organiser” from a room; acknowledged with “on my way”."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="help_calls")
    group = models.ForeignKey(BreakoutGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="help_calls")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="help_calls")
    created_at = models.DateTimeField(_("called at"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("help call")
        constraints = [
            # One open call per person: pressing the button again does not queue a second one.
            models.UniqueConstraint(
                fields=["participant"], condition=Q(acknowledged_at__isnull=True), name="one_open_help_call_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} ({self.created_at:%H:%M})"
