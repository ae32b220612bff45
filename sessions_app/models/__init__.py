"""Events, their phases and questionnaires, and the people taking part."""

from sessions_app.models.events import Event, EventQuerySet, Organisation, Phase, new_token, validate_timezone
from sessions_app.models.people import DiversityAttribute, Participant, ParticipantQuerySet
from sessions_app.models.questionnaire import Option, Question, Session

__all__ = [
    "DiversityAttribute",
    "Event",
    "EventQuerySet",
    "Option",
    "Organisation",
    "Participant",
    "ParticipantQuerySet",
    "Phase",
    "Question",
    "Session",
    "new_token",
    "validate_timezone",
]
