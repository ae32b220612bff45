"""The lobby stream of one person at one event."""

from sessions_app.auth import participant_for_session
from sessions_app.models import Event
from sessions_app.streams import lobby_group_name, lobby_snapshot
from wetheinternet.consumers import StreamConsumer


class LobbyConsumer(StreamConsumer):
    def authorise(self):
        event = Event.objects.filter(slug=self.scope["url_route"]["kwargs"]["slug"]).first()
        if event is None:
            return None
        participant = participant_for_session(self.scope["session"], self.scope.get("user"), event)
        if participant is None:
            return None
        return lobby_group_name(participant.pk), lobby_snapshot(participant)
