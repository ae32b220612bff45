"""Shared fixtures: an organiser, another event's organiser, participants, staff, and the
service markers (postgres, redis, celery_worker) that run against real servers when their
URL is set, and fail instead of skipping in CI."""

import os
import socket
from functools import cache
from urllib.parse import urlparse

import pytest

from tests.factories import make_event, make_organisation, make_person, make_user

IN_CI = os.environ.get("CI", "").lower() == "true"


@cache
def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def _service_problem(marker: str) -> str | None:
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if marker == "postgres":
        if not database_url.startswith(("postgres://", "postgresql://")):
            return "DATABASE_URL does not point at PostgreSQL"
        if not _reachable(database_url, 5432):
            return f"PostgreSQL at {urlparse(database_url).hostname} is unreachable"
    if marker in ("redis", "celery_worker"):
        if not redis_url:
            return "REDIS_URL is not set"
        if not _reachable(redis_url, 6379):
            return f"Redis at {urlparse(redis_url).hostname} is unreachable"
    return None


@pytest.fixture(scope="session", autouse=True)
def _allocator_compiled():
    """Compile the allocator's kernels once, up front: the servers and workers the tests start
    then load them from the disk cache instead of each compiling them."""
    from groups.allocation.warm import warm_up

    warm_up()


def pytest_runtest_setup(item):
    for marker in ("postgres", "redis", "celery_worker"):
        if item.get_closest_marker(marker):
            problem = _service_problem(marker)
            if problem:
                if IN_CI:
                    pytest.fail(f"{problem}: service tests are required in CI", pytrace=False)
                pytest.skip(problem)


@pytest.fixture(autouse=True)
def _eager_tasks_unless_worker(request):
    """Tasks run in-process unless the test is about a real worker."""
    from wetheinternet.celery import app

    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    # With a namespace, Celery reads the prefixed name first: set that one.
    previous = app.conf.CELERY_TASK_ALWAYS_EAGER
    app.conf.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.CELERY_TASK_ALWAYS_EAGER = previous
    # An eager apply_async sets Celery's process-wide "would block" flag and restores the value it
    # saw; eager tasks run in several threads at once (the concurrency tests) can leave it set,
    # and a later test's result.get() then refuses to wait. Clear it between tests.
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty shared cache and no process-local copies
    (infrastructure.caching), so that no test reads what another one cached."""
    from django.core.cache import cache as django_cache

    from infrastructure.caching import clear_process_caches

    django_cache.clear()
    clear_process_caches()
    yield


@pytest.fixture
def organisation(db):
    return make_organisation()


@pytest.fixture
def organiser(db, organisation):
    return make_user("organiser", organisation=organisation)


@pytest.fixture
def event(organisation):
    return make_event(organisation, timezone="Europe/Paris")


@pytest.fixture
def other_organiser(db):
    """An organiser of another partner's event."""
    organisation = make_organisation(name="Partner B", slug="partner-b")
    user = make_user("other", organisation=organisation)
    make_event(organisation, title="Other event", slug="other")
    return user


@pytest.fixture
def participant(event):
    return make_person(event, first_name="Amina", email="amina@example.org", languages="en,fr")


@pytest.fixture
def facilitator(event):
    return make_person(event, role="facilitator", first_name="Farid")


@pytest.fixture
def note_taker(event):
    return make_person(event, role="note_taker", first_name="Nora")


@pytest.fixture
def outsider(other_organiser):
    """A participant of another event."""
    from sessions_app.models import Event

    return make_person(Event.objects.get(slug="other"), first_name="Olga")


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """The test client leaves a request's language active in the thread: start each test in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True, scope="session")
def _no_persistent_connections_in_test_threads():
    """Websocket tests touch the database from executor threads; with persistent connections
    those would keep the test database open and it could not be dropped at the end."""
    from django.db import connections

    connections.settings["default"]["CONN_MAX_AGE"] = 0
    yield
