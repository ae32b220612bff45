"""Best effort for what only notifies: when Redis is down, the database still holds the truth,
so a lost notification is logged and the request carries on; clients catch up on reconnect."""

import logging
from contextlib import contextmanager

from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

logger = logging.getLogger("infrastructure.resilience")

TRANSIENT_ERRORS = (RedisError, BrokerError, OSError)


@contextmanager
def best_effort(what: str):
    try:
        yield
    except TRANSIENT_ERRORS as exc:
        logger.warning("%s skipped: %s", what, exc)
