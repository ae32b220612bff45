"""An ASGI process killed (SIGKILL) in the middle of a note submission: the client's retry with
the same idempotency key yields exactly one submission."""

import json
import os
import signal
import socket
import time
import urllib.request
import uuid

import pytest

from results.models import NoteRevision
from results.services import api_token_create
from tests.factories import make_groups, make_questionnaire
from tests.servers import free_port, start_uvicorn, stop, subprocess_database_url

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def start_server(env, port, log):
    return start_uvicorn(env, port, output=log)


def test_a_retry_after_the_server_died_mid_submission_makes_one_submission(event, tmp_path):
    make_questionnaire(event)
    groups = make_groups(event, 6)
    _token, key = api_token_create(event=event, name="fault test")
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["DATABASE_URL"] = subprocess_database_url()
    port = free_port()
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115
    server = start_server(env, port, log)
    outcomes = []  # whether the killed attempt had committed
    try:
        # Kill at different moments: before the request is read, while it runs, after it committed.
        for group, delay in zip(groups, [0.0, 0.005, 0.02, 0.05, 0.1, 0.3], strict=True):
            idempotency_key = str(uuid.uuid4())
            path = f"/api/events/{event.slug}/groups/{group.pk}/sessions/digital-public-sphere/results/"
            body = json.dumps(
                {"idempotency_key": idempotency_key, "data": {"answers": {"q1": {"counts": {"both": 2}, "valid": 2}}}}
            ).encode()
            head = (
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {key}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            )
            with socket.create_connection(("127.0.0.1", port)) as client:
                client.sendall(head.encode() + body)
                time.sleep(delay)
                os.kill(server.pid, signal.SIGKILL)
                server.wait(timeout=10)
            server = start_server(env, port, log)
            outcomes.append(NoteRevision.objects.filter(submission__group=group).exists())
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}",
                data=body,
                method="POST",
                headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                answer = json.loads(response.read())
                assert response.status in (200, 201)
            revisions = NoteRevision.objects.filter(submission__group=group)
            assert revisions.count() == 1, f"killed after {delay} s: {revisions.count()} submissions"
            assert str(revisions.get().idempotency_key) == idempotency_key
            assert answer["revision"] == 1
        print("killed attempt had committed:", outcomes)
    finally:
        stop(server)
        log.close()
