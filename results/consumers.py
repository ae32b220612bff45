"""The plenary stream: a read-only screen opened with the event's plenary token."""

from results.plenary import event_for_plenary_token, plenary_group_name, plenary_snapshot
from wetheinternet.consumers import StreamConsumer


class PlenaryConsumer(StreamConsumer):
    def authorise(self):
        kwargs = self.scope["url_route"]["kwargs"]
        event = event_for_plenary_token(kwargs["slug"], kwargs["token"])
        if event is None:
            return None
        return [plenary_group_name(event.pk)], plenary_snapshot(event)
