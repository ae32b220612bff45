"""An event's questionnaire: its sessions, their questions and the questions' options."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from infrastructure.weblinks import is_web_address, web_address
from sessions_app.models.events import Event


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
