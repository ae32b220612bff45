"""The dialogue's pages: the coordinators' page, a partner's page, and the invitation's accept page."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dialogues import access, invitations, selectors, versions
from dialogues.access import DialogueRefused
from dialogues.forms import InviteForm, PartnerEventForm, PublishForm, RecommendationsSharedForm, ResultsPublicForm
from dialogues.invitations import InvitationInvalid
from dialogues.models import Dialogue

REFUSED = "dialogues/refused.html"


def _refused(request, message: str, status: int = 403):
    return render(request, REFUSED, {"message": message}, status=status)


def coordinator_of_dialogue(view):
    """Only the dialogue's coordinators and superusers; others are told so (403)."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        dialogue = get_object_or_404(Dialogue, slug=slug)
        if not access.is_coordinator(request.user, dialogue):
            return _refused(request, _("Only the coordinators of this dialogue open its page."))
        return view(request, dialogue, *args, **kwargs)

    return wrapper


def partner_of_dialogue(view):
    """Only organisers of this partner organisation (superusers: any partner); others get 404."""

    @wraps(view)
    def wrapper(request, slug, organisation, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        dialogue = get_object_or_404(Dialogue, slug=slug)
        partner = selectors.partnerships_of(request.user, dialogue).filter(organisation__slug=organisation).first()
        if partner is None:
            raise Http404(_("No such partner among yours."))
        return view(request, dialogue, partner, *args, **kwargs)

    return wrapper


# --- Coordinators ---------------------------------------------------------------------------


def _coordinator_page(request, dialogue, *, invite_form=None, publish_form=None, status=200):
    context = {
        "dialogue": dialogue,
        "partners": selectors.coordinator_partners(dialogue),
        "versions": selectors.versions_of(dialogue),
        "results_path": selectors.results_path(dialogue),
        "invite_form": invite_form or InviteForm(initial={"language": request.LANGUAGE_CODE}),
        "publish_form": publish_form or PublishForm(),
    }
    return render(request, "dialogues/coordinator.html", context, status=status)


@never_cache
@require_GET
@coordinator_of_dialogue
def coordinator(request, dialogue):
    return _coordinator_page(request, dialogue)


@require_POST
@coordinator_of_dialogue
def invite(request, dialogue):
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _coordinator_page(request, dialogue, invite_form=form, status=400)
    try:
        invitation = invitations.partner_invite(
            dialogue=dialogue,
            organisation_name=form.cleaned_data["organisation_name"],
            email=form.cleaned_data["email"],
            invited_by=request.user,
            language=form.cleaned_data["language"],
        )
    except DialogueRefused as exc:
        form.add_error(None, str(exc))
        return _coordinator_page(request, dialogue, invite_form=form, status=400)
    values = {"organisation": invitation.partner.organisation.name, "email": invitation.partner.contact_email}
    if invitation.created:
        messages.success(request, _("%(organisation)s is invited: the link was sent to %(email)s.") % values)
    else:
        messages.success(
            request, _("%(organisation)s was already invited: the link was sent again to %(email)s.") % values
        )
    return redirect("dialogue_coordinator", slug=dialogue.slug)


@require_POST
@coordinator_of_dialogue
def publish(request, dialogue):
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _coordinator_page(request, dialogue, publish_form=form, status=400)
    try:
        version = versions.version_publish(dialogue=dialogue, user=request.user, note=form.cleaned_data["note"])
    except DialogueRefused as exc:
        form.add_error(None, str(exc))
        return _coordinator_page(request, dialogue, publish_form=form, status=400)
    messages.success(
        request, _("Version %(number)s is published: new events start from it.") % {"number": version.number}
    )
    return redirect("dialogue_coordinator", slug=dialogue.slug)


# --- Partners -------------------------------------------------------------------------------


@never_cache
@require_GET
def partner_home(request, slug):
    """The partner page of the person's organisation; with several, they pick one."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    dialogue = get_object_or_404(Dialogue, slug=slug)
    partnerships = list(selectors.partnerships_of(request.user, dialogue))
    if not partnerships:
        return _refused(request, _("This page is for the organisers of the dialogue's partner organisations."))
    if len(partnerships) == 1:
        return redirect("dialogue_partner", slug=dialogue.slug, organisation=partnerships[0].organisation.slug)
    return render(request, "dialogues/partner_pick.html", {"dialogue": dialogue, "partnerships": partnerships})


def _partner_page(request, dialogue, partner, *, event_form=None, status=200):
    version = dialogue.latest_version()
    events = list(selectors.partner_events(partner))
    initial = {"timezone": "UTC", "language": request.LANGUAGE_CODE or "en", "country": partner.organisation.country}
    if events:  # a partner's next event is most likely where and in which language its last one was
        last = events[-1]
        initial.update(timezone=last.timezone, language=last.language, country=last.country, continent=last.continent)
    context = {
        "dialogue": dialogue,
        "partner": partner,
        "version": version,
        "events": events,
        "event_form": event_form or PartnerEventForm(initial=initial),
        "public_form": ResultsPublicForm(initial={"results_public": partner.results_public}),
        "recommendations_form": RecommendationsSharedForm(
            initial={"recommendations_shared": partner.recommendations_shared}
        ),
        "results_path": selectors.results_path(dialogue),
        "is_coordinator": access.is_coordinator(request.user, dialogue),
    }
    return render(request, "dialogues/partner.html", context, status=status)


@never_cache
@require_GET
@partner_of_dialogue
def partner(request, dialogue, partner):
    return _partner_page(request, dialogue, partner)


@require_POST
@partner_of_dialogue
def partner_event_create(request, dialogue, partner):
    form = PartnerEventForm(request.POST)
    if not form.is_valid():
        return _partner_page(request, dialogue, partner, event_form=form, status=400)
    try:
        event = versions.event_create_from_version(
            dialogue=dialogue,
            organisation=partner.organisation,
            title=form.cleaned_data["title"],
            slug=form.cleaned_data["slug"],
            starts_at=form.starts_at(),
            timezone=form.cleaned_data["timezone"],
            language=form.cleaned_data["language"],
            country=form.cleaned_data["country"],
            continent=form.cleaned_data["continent"],
            tags=form.cleaned_data["tags"],
        )
    except DialogueRefused as exc:
        form.add_error(None, str(exc))
        return _partner_page(request, dialogue, partner, event_form=form, status=400)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return _partner_page(request, dialogue, partner, event_form=form, status=400)
    messages.success(
        request,
        _("%(event)s is created from version %(version)s. Add its people and diversity questions in the admin.")
        % {"event": event.title, "version": event.dialogue_version},
    )
    return redirect("dialogue_partner", slug=dialogue.slug, organisation=partner.organisation.slug)


def _consent_posted(request, dialogue, partner, *, form_class, field: str, change, said: tuple[str, str]):
    """A consent's checkbox posted on the partner page: ``change`` sets it (refused: the refusal
    page), then back to the page saying ``said`` (when on, when off)."""
    form = form_class(request.POST)
    form.is_valid()  # a missing checkbox is "no"
    value = bool(form.cleaned_data.get(field))
    try:
        change(partner, value, request.user)
    except DialogueRefused as exc:
        return _refused(request, str(exc))
    messages.success(request, said[0] if value else said[1])
    return redirect("dialogue_partner", slug=dialogue.slug, organisation=partner.organisation.slug)


@require_POST
@partner_of_dialogue
def partner_results_public(request, dialogue, partner):
    return _consent_posted(
        request,
        dialogue,
        partner,
        form_class=ResultsPublicForm,
        field="results_public",
        change=lambda p, value, user: invitations.partner_results_public_set(partner=p, public=value, user=user),
        said=(
            _("Your events' aggregated results will appear on the public results page."),
            _("Your events' results will not appear on the public results page."),
        ),
    )


@require_POST
@partner_of_dialogue
def partner_recommendations_shared(request, dialogue, partner):
    return _consent_posted(
        request,
        dialogue,
        partner,
        form_class=RecommendationsSharedForm,
        field="recommendations_shared",
        change=lambda p, value, user: invitations.partner_recommendations_shared_set(
            partner=p, shared=value, user=user
        ),
        said=(
            _("Your groups' recommendations will appear in the dialogue's results, as chosen on your walls."),
            _("Your groups' recommendations will not appear in the dialogue's results."),
        ),
    )


@require_POST
@partner_of_dialogue
def partner_accept(request, dialogue, partner):
    try:
        invitations.partner_accept(partner=partner, user=request.user)
    except DialogueRefused as exc:
        return _refused(request, str(exc))
    messages.success(request, _("Thank you: %(organisation)s takes part.") % {"organisation": partner.organisation})
    return redirect("dialogue_partner", slug=dialogue.slug, organisation=partner.organisation.slug)


# --- Accepting an invitation ----------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def accept(request, token):
    """An invited organiser accepts: a new account first chooses its password, then is signed in."""
    try:
        link = invitations.accept_token_check(token)
    except InvitationInvalid as exc:
        return render(request, "dialogues/invalid_link.html", {"reason": exc.reason}, status=400)
    partner = link.partner
    context = {"dialogue": partner.dialogue, "partner": partner, "invited": link.user}
    if request.user.is_authenticated:
        if not partner.organisation.members.filter(pk=request.user.pk).exists():
            return render(request, "dialogues/accept_wrong_user.html", context, status=403)
        if request.method == "POST":
            invitations.partner_accept(partner=partner, user=request.user)
            messages.success(
                request, _("Thank you: %(organisation)s takes part.") % {"organisation": partner.organisation}
            )
            return redirect("dialogue_partner", slug=partner.dialogue.slug, organisation=partner.organisation.slug)
        return render(request, "dialogues/accept.html", {**context, "mode": "confirm"})
    if not link.password_unset:
        return redirect_to_login(request.get_full_path())
    if not link.password_link_valid:
        return render(
            request,
            "dialogues/invalid_link.html",
            {"reason": _("This link was already used to choose a password. Sign in instead.")},
            status=400,
        )
    form = SetPasswordForm(link.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitations.partner_accept_with_password(link=link, password=form.cleaned_data["new_password1"])
        except InvitationInvalid as exc:
            return render(request, "dialogues/invalid_link.html", {"reason": exc.reason}, status=400)
        login(request, link.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Welcome: your password is saved and %(organisation)s takes part.")
            % {"organisation": partner.organisation},
        )
        return redirect("dialogue_partner", slug=partner.dialogue.slug, organisation=partner.organisation.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "dialogues/accept.html", {**context, "mode": "password", "form": form}, status=status)
