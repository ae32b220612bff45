"""A dialogue (an edition) groups many partners' events that share one versioned questionnaire."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sessions_app.models import Organisation


class Dialogue(models.Model):
    """An edition of a global citizens' dialogue, run by a coalition of partner organisations.

    Its coordinators (the coalition organisers) edit the questionnaire and the phases of a
    *template event* with the usual admin, then publish them as a numbered version; partners
    create their events from the latest published version."""

    class Weighting(models.TextChoices):
        POOLED = "pooled", _("Pool all answers")
        SITES_EQUAL = "sites_equal", _("One site, one vote")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("web address name"), unique=True)
    edition = models.CharField(_("edition"), max_length=100, blank=True, help_text=_("e.g. “2026”."))
    description = models.TextField(_("description"), blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="coordinated_dialogues", blank=True, verbose_name=_("coordinators")
    )
    template_event = models.OneToOneField(
        "sessions_app.Event",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="template_of",
        verbose_name=_("template event"),
        help_text=_("Its sessions, questions, options, translations and phases are what partners' events start from."),
    )
    weighting = models.CharField(
        _("global weighting"), max_length=16, choices=Weighting.choices, default=Weighting.POOLED
    )
    min_respondents = models.PositiveSmallIntegerField(
        _("smallest N shown"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_("No figure is shown or exported for fewer respondents than this."),
    )
    public = models.BooleanField(
        _("public results page"),
        default=False,
        help_text=_("Publish the results of the partners who opted in, with open data downloads."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("dialogue")
        constraints = [models.CheckConstraint(condition=Q(min_respondents__gte=1), name="dialogue_min_respondents_1")]

    def __str__(self) -> str:
        return f"{self.title} {self.edition}".strip()

    def latest_version(self):
        return self.versions.order_by("-number").first()


class DialogueVersion(models.Model):
    """A published, immutable copy of the template: questionnaire (with translations) and phases."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    questionnaire = models.JSONField(_("questionnaire"))
    phases = models.JSONField(_("phases"), default=list)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        ordering = ["dialogue", "-number"]
        verbose_name = _("questionnaire version")
        constraints = [models.UniqueConstraint(fields=["dialogue", "number"], name="dialogue_version_unique")]

    def __str__(self) -> str:
        return f"{self.dialogue} v{self.number}"


class DialoguePartner(models.Model):
    """A partner organisation invited into a dialogue; it sees only its own events' raw data."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="dialogue_partnerships", verbose_name=_("organisation")
    )
    contact_email = models.EmailField(_("contact e-mail"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invited_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    results_public = models.BooleanField(
        _("results on the public page"),
        default=False,
        help_text=_("The partner agrees that its events' aggregated results appear on the public results page."),
    )
    recommendations_shared = models.BooleanField(
        _("recommendations shared"),
        default=False,
        help_text=_(
            "The partner agrees that its groups' recommendations (those not hidden on its events' walls) appear "
            "in the dialogue's global results, and on the public page when its results are public."
        ),
    )

    class Meta:
        ordering = ["dialogue", "organisation__name"]
        verbose_name = _("partner")
        constraints = [
            models.UniqueConstraint(fields=["dialogue", "organisation"], name="one_partnership_per_dialogue"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.dialogue}"


class SiteRelease(models.Model):
    """What the public results last published of one site: its tally entry for each question.

    An entry is replaced only once the site's answering units to that question (people, or
    groups for group answers and rankings) have grown by at least the dialogue's
    ``min_respondents`` since the entry last published: every published figure is a sum of such
    releases, so neither subtracting scopes nor comparing two moments isolates fewer answering
    units than the threshold (see docs/privacy.md)."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="releases")
    event = models.ForeignKey("sessions_app.Event", on_delete=models.CASCADE, related_name="+")
    # {session code: {question code: tally entry}}
    data = models.JSONField(default=dict)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("published figures of a site")
        constraints = [models.UniqueConstraint(fields=["dialogue", "event"], name="one_release_per_site")]

    def __str__(self) -> str:
        return f"{self.dialogue} / event {self.event_id}"
