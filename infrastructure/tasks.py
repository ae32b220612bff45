"""Background tasks looked up by their registered name.

A service that queues work asks for the task by name, so that only the task module imports the
service and never the other way round. Each app loads its task module when it is ready."""

from celery import current_app


def task_named(name: str):
    """The Celery task registered as `name` (e.g. "groups.allocation_run")."""
    return current_app.tasks[name]
