"""Reads for the dialogue's pages: the coordinators' overview of partners, a partner's own events."""

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse

from dialogues.models import Dialogue, DialoguePartner
from groups.models import BreakoutGroup
from results.models import NoteSubmission
from sessions_app.models import Event


def dialogues_coordinated_by(user):
    if not user.is_authenticated:
        return Dialogue.objects.none()
    return Dialogue.objects.all() if user.is_superuser else Dialogue.objects.filter(coordinators=user)


def dialogues_of(user) -> list[dict]:
    """The dialogues a person coordinates or takes part in as a partner's organiser, for the home page."""
    if not user.is_authenticated:
        return []
    coordinated = set(dialogues_coordinated_by(user).values_list("pk", flat=True))
    partnered = set(DialoguePartner.objects.filter(organisation__members=user).values_list("dialogue_id", flat=True))
    dialogues = Dialogue.objects.filter(pk__in=coordinated | partnered).order_by("-created_at")
    return [{"dialogue": d, "coordinator": d.pk in coordinated, "partner": d.pk in partnered} for d in dialogues]


def _per_event(queryset, counted: str):
    """How many distinct ``counted`` the queryset has for the outer event, as a subquery."""
    rows = queryset.order_by().values("event").annotate(n=Count(counted, distinct=True)).values("n")[:1]
    return Coalesce(Subquery(rows), 0, output_field=IntegerField())


def events_with_progress(queryset):
    """Events with ``groups_total`` (current grouping) and ``groups_reported`` (submitted results)."""
    current = BreakoutGroup.objects.filter(event=OuterRef("pk"), allocation__is_current=True)
    reported = NoteSubmission.objects.filter(
        group__event=OuterRef("pk"), group__allocation__is_current=True, status=NoteSubmission.Status.SUBMITTED
    ).annotate(event=F("group__event"))
    return queryset.annotate(groups_total=_per_event(current, "id"), groups_reported=_per_event(reported, "group"))


def coordinator_partners(dialogue: Dialogue) -> list[DialoguePartner]:
    """Every partner with its organisation, its organisers and its events in this dialogue."""
    events = events_with_progress(Event.objects.filter(dialogue=dialogue).order_by("starts_at", "pk"))
    partners = list(
        DialoguePartner.objects.filter(dialogue=dialogue)
        .select_related("organisation", "invited_by")
        .prefetch_related(Prefetch("organisation__events", queryset=events, to_attr="dialogue_events"))
    )
    for partner in partners:
        partner.events = partner.organisation.dialogue_events
        partner.reported = sum(1 for event in partner.events if event.groups_reported)
    return partners


def partnerships_of(user, dialogue: Dialogue):
    """The dialogue's partnerships whose organisation this person organises (superusers: all)."""
    if not user.is_authenticated:
        return DialoguePartner.objects.none()
    partners = DialoguePartner.objects.filter(dialogue=dialogue).select_related("organisation")
    return partners if user.is_superuser else partners.filter(organisation__members=user)


def partner_events(partner: DialoguePartner):
    """The partner's own events in the dialogue: nothing of any other partner."""
    return events_with_progress(
        Event.objects.filter(dialogue=partner.dialogue, organisation=partner.organisation).order_by("starts_at", "pk")
    )


def results_path(dialogue: Dialogue) -> str:
    """The global results page (another part of the app); its address even before it exists."""
    try:
        return reverse("dialogue_results", kwargs={"slug": dialogue.slug})
    except NoReverseMatch:
        return f"/dialogues/{dialogue.slug}/results/"


def versions_of(dialogue: Dialogue):
    return dialogue.versions.select_related("published_by").order_by("-number")
