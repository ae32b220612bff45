"""Dialogue versions: publishing the template event's questionnaire (translations included)
and phases as a numbered version, and creating a partner's event from a version."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from dialogues.access import DialogueRefused, is_partner
from dialogues.models import Dialogue, DialogueVersion
from results.questionnaire import questionnaire_export, questionnaire_import
from sessions_app.models import Event, Option, Organisation, Phase, Question, Session


def _with_translations(document: dict, sessions) -> dict:
    """The questionnaire export, with each session's, question's and option's translations."""
    by_code = {session.code: session for session in sessions}
    questions = {
        (q.session_id, q.code): q for q in Question.objects.filter(session__in=sessions).prefetch_related("options")
    }
    for raw in document["sessions"]:
        session = by_code[raw["code"]]
        raw["translations"] = session.translations or {}
        for raw_question in raw["questions"]:
            question = questions[(session.pk, raw_question["code"])]
            raw_question["translations"] = question.translations or {}
            options = {option.code: option for option in question.options.all()}
            for raw_option in raw_question["options"]:
                raw_option["translations"] = options[raw_option["code"]].translations or {}
    return document


def _without_translations(document: dict) -> dict:
    """The document as the questionnaire importer takes it (translations are applied after)."""
    return {
        **document,
        "sessions": [
            {
                **{k: v for k, v in s.items() if k != "translations"},
                "questions": [
                    {
                        **{k: v for k, v in q.items() if k != "translations"},
                        "options": [{k: v for k, v in o.items() if k != "translations"} for o in q["options"]],
                    }
                    for q in s["questions"]
                ],
            }
            for s in document["sessions"]
        ],
    }


@transaction.atomic
def version_publish(*, dialogue: Dialogue, user=None, note: str = "") -> DialogueVersion:
    """Copy the template event's questionnaire, translations and phases into a new version."""
    dialogue = Dialogue.objects.select_for_update().get(pk=dialogue.pk)
    template = dialogue.template_event
    if template is None:
        raise DialogueRefused(_("Choose the dialogue's template event first."))
    sessions = list(Session.objects.filter(event=template).order_by("order"))
    if not sessions:
        raise DialogueRefused(_("The template event has no session: add the questionnaire to it first."))
    document = _with_translations(questionnaire_export(sessions), sessions)
    phases = [
        {
            "order": phase.order,
            "kind": phase.kind,
            "title": phase.title,
            "planned_minutes": phase.planned_minutes,
            "session": phase.session.code if phase.session_id else None,
        }
        for phase in Phase.objects.filter(event=template).select_related("session").order_by("order")
    ]
    latest = dialogue.latest_version()
    return DialogueVersion.objects.create(
        dialogue=dialogue,
        number=(latest.number + 1) if latest else 1,
        questionnaire=document,
        phases=phases,
        note=note[:300],
        published_by=user if user is not None and user.is_authenticated else None,
    )


@transaction.atomic
def event_create_from_version(
    *,
    dialogue: Dialogue,
    organisation: Organisation,
    title: str,
    slug: str,
    starts_at: dt.datetime,
    timezone: str = "UTC",
    language: str = "en",
    country: str = "",
    continent: str = "",
    tags: str = "",
    version: DialogueVersion | None = None,
) -> Event:
    """A partner's event with the dialogue's questionnaire (translations included) and phases.

    Refused when the organisation is not a partner of the dialogue or nothing is published."""
    if not is_partner(dialogue, organisation):
        raise DialogueRefused(_("%(organisation)s is not a partner of this dialogue.") % {"organisation": organisation})
    version = version or dialogue.latest_version()
    if version is None:
        raise DialogueRefused(_("The coordinators have not published the questionnaire yet."))
    minutes = sum(phase["planned_minutes"] for phase in version.phases) or 90
    event = Event(
        organisation=organisation,
        dialogue=dialogue,
        dialogue_version=version.number,
        title=title,
        slug=slug,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        timezone=timezone,
        language=language,
        country=country,
        continent=continent,
        tags=tags,
    )
    event.full_clean()
    event.save()
    imported = questionnaire_import(event=event, data=_without_translations(version.questionnaire))
    if not imported.ok:
        raise DialogueRefused("; ".join(str(error) for error in imported.errors))
    _apply_translations(event, version.questionnaire)
    sessions = {session.code: session for session in imported.sessions}
    Phase.objects.bulk_create(
        Phase(
            event=event,
            order=phase["order"],
            kind=phase["kind"],
            title=phase["title"],
            planned_minutes=phase["planned_minutes"],
            session=sessions.get(phase["session"]) if phase["session"] else None,
        )
        for phase in version.phases
    )
    return event


def _apply_translations(event: Event, document: dict) -> None:
    sessions = {s.code: s for s in Session.objects.filter(event=event)}
    questions = {(q.session_id, q.code): q for q in Question.objects.filter(session__event=event)}
    options = {(o.question_id, o.code): o for o in Option.objects.filter(question__session__event=event)}
    for raw in document["sessions"]:
        session = sessions[raw["code"]]
        if raw.get("translations"):
            session.translations = raw["translations"]
            session.save(update_fields=["translations"])
        for raw_question in raw["questions"]:
            question = questions[(session.pk, raw_question["code"])]
            if raw_question.get("translations"):
                question.translations = raw_question["translations"]
                question.save(update_fields=["translations"])
            for raw_option in raw_question["options"]:
                option = options[(question.pk, raw_option["code"])]
                if raw_option.get("translations"):
                    option.translations = raw_option["translations"]
                    option.save(update_fields=["translations"])
