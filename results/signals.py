"""Results written or deleted outside `results.services` (admin, scripts, cascades) make the
session's tally count again on its next read; submissions through the service keep it current."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from results.models import NoteRevision, NoteSubmission, SessionTally
from sessions_app.models import Option, Question

# Saves of only these fields leave the figures as they are.
_WORDING = {"text", "help_text", "label", "translations", "is_open", "order"}


def _forget(submission_id: int) -> None:
    SessionTally.objects.filter(session__note_submissions__id=submission_id).update(questions_key="")


@receiver(post_save, sender=NoteRevision)
def revision_saved(sender, instance: NoteRevision, **kwargs) -> None:
    if not getattr(instance, "tally_recorded", False):
        _forget(instance.submission_id)


@receiver(post_delete, sender=NoteRevision)
def revision_deleted(sender, instance: NoteRevision, **kwargs) -> None:
    _forget(instance.submission_id)


@receiver(post_delete, sender=NoteSubmission)
def submission_deleted(sender, instance: NoteSubmission, **kwargs) -> None:
    SessionTally.objects.filter(session_id=instance.session_id).update(questions_key="")


@receiver([post_save, post_delete], sender=Question)
def question_changed(sender, instance: Question, update_fields=None, **kwargs) -> None:
    """Readers that do not check the questionnaire's fingerprint (the global view) count again."""
    if update_fields and set(update_fields) <= _WORDING:
        return
    SessionTally.objects.filter(session_id=instance.session_id).update(questions_key="")


@receiver([post_save, post_delete], sender=Option)
def option_changed(sender, instance: Option, update_fields=None, **kwargs) -> None:
    if update_fields and set(update_fields) <= _WORDING:
        return
    SessionTally.objects.filter(session__questions__id=instance.question_id).update(questions_key="")
