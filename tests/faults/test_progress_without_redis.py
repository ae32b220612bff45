"""A running allocation's progress is a hint: when the channel layer's Redis cannot be reached,
the report is logged and skipped, and the run goes on (the database row holds the truth)."""

import logging

import pytest
from django.test import override_settings

from groups.models import Allocation
from groups.streams import allocation_progress
from tests.servers import free_port

pytestmark = pytest.mark.django_db


def test_progress_is_skipped_when_redis_is_unreachable(event, caplog):
    allocation = Allocation.objects.create(event=event, seed=1, status="running")
    nobody_listens = f"redis://127.0.0.1:{free_port()}/0"
    layers = {
        "default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer", "CONFIG": {"hosts": [nobody_listens]}}
    }
    with override_settings(CHANNEL_LAYERS=layers), caplog.at_level(logging.WARNING, "infrastructure.resilience"):
        allocation_progress(allocation, report=1, fraction=0.5, best_score=12.0)
    assert any("skipped" in record.getMessage() for record in caplog.records)
