"""Tasks of the project as a whole."""

import os
import socket

from celery import shared_task


@shared_task(name="wetheinternet.worker_identity")
def worker_identity(token: str) -> dict:
    """Echo a token with the identity of the process that ran the task (used by health checks)."""
    return {"token": token, "pid": os.getpid(), "host": socket.gethostname()}
