"""Every registered admin, walked by an organiser of another organisation: no title and no id of
the victim organisation's objects shows anywhere (changelists, each filter, add and change pages,
autocomplete, every choice field of the admins and their inlines), a foreign id posted by hand is
refused, and crafted query strings answer a page or 400, never 500.

The victim's objects carry "VICTIM" in every text and ids from 900000 up, so that a leak of
either is seen by a plain search of the page."""

import re
import uuid
from datetime import timedelta
from itertools import count
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dialogues.models import Dialogue
from groups.models import Allocation, BreakoutGroup, GroupMembership, HelpCall, RoomMessage
from results.models import ApiToken, NoteRevision, NoteSubmission, PlenarySettings, ReferenceDataset, ReferenceResult
from sessions_app.admin_scoping import ScopedRawIdWidget
from sessions_app.models import DiversityAttribute, Event, Option, Organisation, Participant, Phase, Question, Session

pytestmark = pytest.mark.django_db

LEAK = re.compile(r"victim|\b9\d{5}\b", re.IGNORECASE)
EVIL_QUERIES = [
    "q=%00",
    "q=%ED%A0%80",  # a lone surrogate, UTF-8 encoded
    "q=" + "x" * 5000,
    "attribute=gender__regex=(",
    "attribute=gender%3Dwo%00man",
    "attribute=%00",
    "event__id__exact=abc",
    "event__id__exact=99999999999999999999999",
    "event__id__exact=%00",
    "session__event__id__exact=-1",
    "status__exact=%00",
    "o=99.abc.-x",
    "p=-1",
    "p=99999999",
    "e=1",
    "_to_field=password",
    "_popup=1&_to_field=join_nonce",
    "created_at__gte=not-a-date",
    "event__organisation__members__password__startswith=pbkdf2",
    "%00=1",
]


def _world(organisation, user, *, marker: str, pks=None):
    """An organisation's event with one of everything the admin shows."""
    pk = (lambda: next(pks)) if pks else (lambda: None)
    start = timezone.now()
    event = Event.objects.create(
        pk=pk(),
        organisation=organisation,
        title=f"{marker} event",
        slug=f"{marker.lower()}-event",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        country=f"{marker}land",
    )
    session = Session.objects.create(
        pk=pk(), event=event, order=1, code=f"{marker.lower()}-s", title=f"{marker} session"
    )
    Phase.objects.create(
        pk=pk(), event=event, order=1, kind="breakout", title=f"{marker} phase", planned_minutes=45, session=session
    )
    question = Question.objects.create(
        pk=pk(), session=session, order=1, code=f"{marker.lower()}-q", kind="single", text=f"{marker} question?"
    )
    Option.objects.create(pk=pk(), question=question, order=1, code=f"{marker.lower()}-o", label=f"{marker} option")
    DiversityAttribute.objects.create(
        pk=pk(), event=event, key="gender", label=f"{marker} gender", choices=f"{marker.lower()}woman\nman"
    )
    person = Participant.objects.create(
        pk=pk(),
        event=event,
        first_name=f"{marker} person",
        email=f"{marker.lower()}@example.org",
        attributes={"gender": f"{marker.lower()}woman"},
        user=user,
    )
    allocation = Allocation.objects.create(pk=pk(), event=event, seed=1, is_current=True, status="succeeded")
    group = BreakoutGroup.objects.create(pk=pk(), event=event, allocation=allocation, number=1, name=f"{marker} group")
    GroupMembership.objects.create(pk=pk(), group=group, participant=person, allocation=allocation)
    submission = NoteSubmission.objects.create(
        pk=pk(), group=group, session=session, status="submitted", data={"key_points": f"{marker} notes"}
    )
    NoteRevision.objects.create(
        pk=pk(), submission=submission, number=1, data={"key_points": f"{marker} notes"}, idempotency_key=uuid.uuid4()
    )
    PlenarySettings.objects.create(pk=pk(), event=event, on_screen_group=group, scope_name=f"{marker} scope")
    ApiToken.objects.create(pk=pk(), event=event, name=f"{marker} token", prefix="abcd1234", key_hash=uuid.uuid4().hex)
    RoomMessage.objects.create(pk=pk(), event=event, group=group, text=f"{marker} message")
    HelpCall.objects.create(pk=pk(), event=event, group=group, participant=person)
    dataset = ReferenceDataset.objects.create(pk=pk(), organisation=organisation, title=f"{marker} reference")
    ReferenceResult.objects.create(
        pk=pk(), dataset=dataset, question_code=f"{marker.lower()}-q", option_code="o", scope="global", n=10, count=1
    )
    return event


@pytest.fixture
def victim_world(django_user_model, tester):
    # After the tester's world: SQLite would number later rows after the victim's high ids.
    pks = count(900001)
    organisation = Organisation.objects.create(pk=next(pks), name="VICTIM org", slug="victim-org")
    user = django_user_model.objects.create_user(
        pk=next(pks), username="victim-organiser", email="victim@example.org", password="pw-victim-123", is_staff=True
    )
    organisation.members.add(user)
    event = _world(organisation, user, marker="VICTIM", pks=pks)
    dialogue = Dialogue.objects.create(pk=next(pks), title="VICTIM dialogue", slug="victim-dialogue")
    dialogue.coordinators.add(user)
    return event


@pytest.fixture
def tester(django_user_model):
    organisation = Organisation.objects.create(name="Mine org", slug="mine-org")
    user = django_user_model.objects.create_user(
        username="tester", email="tester@example.org", password="pw-tester-123", is_staff=True
    )
    organisation.members.add(user)
    _world(organisation, user, marker="Mine")
    second = Event.objects.create(
        organisation=organisation,
        title="Mine second event",
        slug="mine-second",
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(hours=1),
    )
    Session.objects.create(event=second, order=1, code="second", title="Mine second session")
    return user


def _assert_no_leak(response, where, typed=None):
    """`typed`: what the request itself said (a foreign id typed into a filter is echoed in the
    search form's hidden fields, which tells the typist nothing new)."""
    assert response.status_code < 500, (where, response.status_code)
    body = response.content.decode(errors="replace")
    if typed:
        body = body.replace(f'value="{typed}"', "").replace(f"={typed}", "=")
    found = LEAK.search(body)
    assert found is None, (where, body[max(0, found.start() - 200) : found.end() + 200])


def _urls(model, name, *args):
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args)
    except NoReverseMatch:
        return None


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_the_victim_world_is_seen_by_its_own_organiser(client, victim_world, tester):
    """The markers work: the same walk as its own organiser finds them (so a clean walk means something)."""
    client.force_login(victim_world.organisation.members.get())
    for model in (Event, Session, NoteSubmission, ApiToken, Allocation, BreakoutGroup, ReferenceDataset):
        assert LEAK.search(client.get(_urls(model, "changelist")).content.decode())


def test_every_admin_shows_nothing_of_another_organisation(client, victim_world, tester):
    client.force_login(tester)
    request = _request(tester)
    walked = 0
    for model, model_admin in admin.site._registry.items():
        changelist = _urls(model, "changelist")
        response = client.get(changelist)
        _assert_no_leak(response, changelist)
        if response.status_code == 200 and response.context and "cl" in response.context:
            walked += 1
            cl = response.context["cl"]
            for spec in cl.filter_specs:
                for choice in spec.choices(cl):
                    url = changelist + choice["query_string"]
                    _assert_no_leak(client.get(url), url)
                # The victim's ids, typed into each relation's filter by hand.
                if isinstance(spec, admin.RelatedFieldListFilter):
                    for foreign in _foreign_objects(spec.field.related_model).values_list("pk", flat=True):
                        url = f"{changelist}?{spec.lookup_kwarg}={foreign}"
                        _assert_no_leak(client.get(url), url, typed=foreign)
        add = _urls(model, "add")
        if add:
            _assert_no_leak(client.get(add), add)
        if model_admin.has_view_permission(request):
            own = model_admin.get_queryset(request).first()
            if own is not None:
                change = _urls(model, "change", own.pk)
                _assert_no_leak(client.get(change), change)
    assert walked >= 10  # the scoped admins were really walked, not all refused


def test_no_foreign_object_is_offered_by_autocomplete(client, victim_world, tester):
    client.force_login(tester)
    for model in admin.site._registry:
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete):
                continue
            for term in ("", "VICTIM", "9000", "%00"):
                url = (
                    f"/admin/autocomplete/?app_label={model._meta.app_label}&model_name={model._meta.model_name}"
                    f"&field_name={field.name}&term={term}"
                )
                response = client.get(url)
                _assert_no_leak(response, url)
                assert response.status_code in (200, 400, 403, 404), (url, response.status_code)


def _model_choice_fields(form_class):
    for name, field in form_class.base_fields.items():
        if isinstance(field, ModelChoiceField):
            yield name, field


def _foreign_objects(model):
    return model._default_manager.filter(pk__gte=900000)


def test_no_choice_field_accepts_a_foreign_id(victim_world, tester):
    """What posting a foreign id by hand meets: every foreign-key and many-to-many field of every
    admin form and inline form, for the add page and the change page of one's own object."""
    request = _request(tester)
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request):
            continue
        own = model_admin.get_queryset(request).first()
        for obj in {None, own}:
            # Only forms that can be posted: a page one may only view refuses every POST.
            if not (
                model_admin.has_add_permission(request)
                if obj is None
                else model_admin.has_change_permission(request, obj)
            ):
                continue
            forms = [model_admin.get_form(request, obj)]
            forms += [
                inline.get_formset(request, obj).form for inline in model_admin.get_inline_instances(request, obj)
            ]
            for form_class in forms:
                for name, field in _model_choice_fields(form_class):
                    foreign = _foreign_objects(field.queryset.model)
                    for victim in foreign:
                        with pytest.raises(ValidationError):
                            field.clean([victim.pk] if isinstance(field, ModelMultipleChoiceField) else victim.pk)
                        checked += 1
                    assert not LEAK.search(" ".join(str(label) for _value, label in field.choices)), (model, name)
    assert checked >= 5


def test_a_phase_discusses_only_its_own_events_session(client, victim_world, tester):
    client.force_login(tester)
    event = Event.objects.get(slug="mine-event")
    phase = event.phases.get()
    own_other_event_session = Session.objects.get(code="second")
    page = client.get(f"/admin/sessions_app/event/{event.pk}/change/").content.decode()
    assert "Mine session" in page and "Mine second session" not in page and "VICTIM" not in page
    for foreign in (Session.objects.get(title="VICTIM session"), own_other_event_session):
        data = _event_form_data(event)
        data["phases-0-session"] = foreign.pk
        response = client.post(f"/admin/sessions_app/event/{event.pk}/change/", data)
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
        phase.refresh_from_db()
        assert phase.session.title == "Mine session"
    data = _event_form_data(event)
    response = client.post(f"/admin/sessions_app/event/{event.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_the_same_event_rule_holds_behind_the_choices(tester):
    """Even a choice list that someone widens later cannot attach another event's object."""
    from sessions_app.admin_scoping import SameEventModelForm

    class PhaseForm(SameEventModelForm):
        class Meta:
            model = Phase
            fields = ["event", "order", "kind", "title", "planned_minutes", "session"]

    event = Event.objects.get(slug="mine-event")
    other = Session.objects.get(code="second")
    form = PhaseForm(
        {"event": event.pk, "order": 2, "kind": "breakout", "title": "x", "planned_minutes": 5, "session": other.pk}
    )
    assert not form.is_valid() and "session" in form.errors


def test_a_token_for_a_foreign_event_is_refused(client, victim_world, tester):
    client.force_login(tester)
    response = client.post("/admin/results/apitoken/add/", {"event": victim_world.pk, "name": "Sneaky"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not ApiToken.objects.filter(name="Sneaky").exists()


def test_the_plenary_shows_only_its_own_events_groups(client, victim_world, tester):
    client.force_login(tester)
    settings_row = PlenarySettings.objects.get(event__slug="mine-event")
    foreign_group = BreakoutGroup.objects.get(name="VICTIM group")
    response = client.post(
        f"/admin/results/plenarysettings/{settings_row.pk}/change/",
        {
            "event": settings_row.event_id,
            "scope": "global",
            "scope_name": "",
            "world_scope": "",
            "on_screen_group": foreign_group.pk,
            "weighting": "pooled",
        },
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    settings_row.refresh_from_db()
    assert settings_row.on_screen_group.name == "Mine group"


def test_a_raw_id_field_names_only_ones_own_objects(victim_world, tester):
    widget = ScopedRawIdWidget(
        Phase._meta.get_field("session").remote_field, admin.site, allowed=Session.objects.filter(title="Mine session")
    )
    foreign = Session.objects.get(title="VICTIM session")
    own = Session.objects.get(title="Mine session")
    assert widget.label_and_url_for_value(foreign.pk) == ("", "")
    assert widget.label_and_url_for_value("%00") == ("", "")
    assert widget.label_and_url_for_value(own.pk)[0] == "Mine session"


def test_crafted_query_strings_never_break_a_changelist(client, victim_world, tester):
    client.force_login(tester)
    request = _request(tester)
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request):
            continue  # refused before any query is read (403, seen by the walk above)
        for query in EVIL_QUERIES:
            url = f"{_urls(model, 'changelist')}?{query}"
            response = client.get(url)
            assert response.status_code in (200, 302, 400), (url, response.status_code)
            _assert_no_leak(response, url)


def test_the_people_filter_refuses_made_up_lookups(client, victim_world, tester):
    client.force_login(tester)
    for value in ("gender__regex=(", "gender=victimwoman", "gender__contains=a", "other=man"):
        response = client.get(f"/admin/sessions_app/participant/?attribute={quote(value)}")
        assert response.status_code == 302 and response["Location"].endswith("?e=1"), value
    page = client.get("/admin/sessions_app/participant/?attribute=gender%3Dminewoman").content.decode()
    assert "Mine person" in page


def _event_form_data(event):
    local = timezone.localtime(event.starts_at)
    ends = timezone.localtime(event.ends_at)
    data = {
        "organisation": event.organisation_id,
        "title": event.title,
        "slug": event.slug,
        "description": "",
        "status": event.status,
        "starts_at_0": local.strftime("%Y-%m-%d"),
        "starts_at_1": local.strftime("%H:%M:%S"),
        "ends_at_0": ends.strftime("%Y-%m-%d"),
        "ends_at_1": ends.strftime("%H:%M:%S"),
        "timezone": event.timezone,
        "language": event.language,
        "group_size": event.group_size,
        "uneven_groups": event.uneven_groups,
        "late_joiners": event.late_joiners,
        "video_provider": event.video_provider,
        "video_link_template": "",
        "country": event.country,
        "continent": "",
        "tags": "",
    }
    phases = list(event.phases.all())
    sessions = list(event.sessions.all())
    attributes = list(event.diversity_attributes.all())
    data.update({"phases-TOTAL_FORMS": len(phases), "phases-INITIAL_FORMS": len(phases)})
    for i, phase in enumerate(phases):
        data.update(
            {
                f"phases-{i}-id": phase.pk,
                f"phases-{i}-event": event.pk,
                f"phases-{i}-order": phase.order,
                f"phases-{i}-kind": phase.kind,
                f"phases-{i}-title": phase.title,
                f"phases-{i}-planned_minutes": phase.planned_minutes,
                f"phases-{i}-session": phase.session_id or "",
            }
        )
    data.update({"sessions-TOTAL_FORMS": len(sessions), "sessions-INITIAL_FORMS": len(sessions)})
    for i, session in enumerate(sessions):
        data.update(
            {
                f"sessions-{i}-id": session.pk,
                f"sessions-{i}-event": event.pk,
                f"sessions-{i}-order": session.order,
                f"sessions-{i}-code": session.code,
                f"sessions-{i}-title": session.title,
            }
        )
    data.update(
        {"diversity_attributes-TOTAL_FORMS": len(attributes), "diversity_attributes-INITIAL_FORMS": len(attributes)}
    )
    for i, attribute in enumerate(attributes):
        data.update(
            {
                f"diversity_attributes-{i}-id": attribute.pk,
                f"diversity_attributes-{i}-event": event.pk,
                f"diversity_attributes-{i}-order": attribute.order,
                f"diversity_attributes-{i}-key": attribute.key,
                f"diversity_attributes-{i}-label": attribute.label,
                f"diversity_attributes-{i}-kind": attribute.kind,
                f"diversity_attributes-{i}-choices": attribute.choices,
                f"diversity_attributes-{i}-weight": attribute.weight,
                f"diversity_attributes-{i}-help_text": attribute.help_text,
            }
        )
    return data


def test_actions_and_imports_refuse_foreign_ids(client, victim_world, tester):
    client.force_login(tester)
    victim = Participant.objects.get(first_name="VICTIM person")
    nonce = victim.join_nonce
    response = client.post(
        "/admin/sessions_app/participant/",
        {"action": "reissue_join_links", "_selected_action": [victim.pk], "index": 0},
    )
    assert response.status_code in (200, 302)
    victim.refresh_from_db()
    assert victim.join_nonce == nonce and victim.join_revoked_at is None
    response = client.post(
        "/admin/sessions_app/participant/",
        {"action": "export_join_links", "_selected_action": [victim.pk], "index": 0},
    )
    _assert_no_leak(response, "export_join_links")
    upload = ("people.csv", b"first_name,last_name,email\nSneaky,One,s@example.org\n")
    for url in ("/admin/sessions_app/participant/import/", "/admin/sessions_app/session/import-json/"):
        response = client.post(url, {"event": victim_world.pk, "file": SimpleUploadedFile(*upload)})
        assert response.status_code == 200 and "Select a valid choice" in response.content.decode(), url
    assert not Participant.objects.filter(first_name="Sneaky").exists()
    for url in (
        f"/admin/sessions_app/event/{victim_world.pk}/translations/",
        f"/admin/sessions_app/event/{victim_world.pk}/translations.po?language=fr",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        _assert_no_leak(response, url)
