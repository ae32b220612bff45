from django.urls import path, re_path

from groups.consumers import ControlRoomConsumer, ParticipantConsumer
from infrastructure.consumers import UnknownRouteConsumer
from results.consumers import PlenaryConsumer

websocket_urlpatterns = [
    path("ws/events/<slug:slug>/me/", ParticipantConsumer.as_asgi()),
    path("ws/events/<slug:slug>/control/", ControlRoomConsumer.as_asgi()),
    path("ws/events/<slug:slug>/plenary/<str:token>/", PlenaryConsumer.as_asgi()),
    re_path(r"", UnknownRouteConsumer.as_asgi()),
]
