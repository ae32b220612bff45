"""The plenary stream: a read-only screen opened with the event's plenary token."""

import time

from infrastructure.caching import LocalMemo
from infrastructure.consumers import StreamConsumer
from results.plenary import event_for_plenary_token, plenary_viewer_is_staff
from results.plenary_selectors import plenary_snapshot
from results.streams import plenary_group_names

# Screens ask for the snapshot again every few seconds (a safety net for a lost broadcast, e.g.
# while Redis restarts); a process builds it at most once per REFRESH_REUSE_SECONDS per event.
REFRESH_REUSE_SECONDS = 2.0
_recent = LocalMemo("results: plenary snapshots", clock=time.monotonic)  # by (event id, staff)


class PlenaryConsumer(StreamConsumer):
    event_id = None
    staff = False

    def authorise(self):
        kwargs = self.scope["url_route"]["kwargs"]
        event = event_for_plenary_token(kwargs["slug"], kwargs["token"])
        if event is None:
            return None
        self.event_id = event.pk
        self.staff = plenary_viewer_is_staff(self.scope.get("user"), event)
        snapshot = plenary_snapshot(event, staff=self.staff)
        _recent.put((event.pk, self.staff), snapshot)
        return plenary_group_names(event.pk, staff=self.staff), snapshot

    def snapshot_again(self):
        snapshot = _recent.get((self.event_id, self.staff), max_age=REFRESH_REUSE_SECONDS)
        if snapshot is not None:
            return plenary_group_names(self.event_id, staff=self.staff), snapshot
        return self.authorise()
