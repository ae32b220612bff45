from django.urls import path

from results.consumers import PlenaryConsumer
from sessions_app.consumers import LobbyConsumer

websocket_urlpatterns = [
    path("ws/events/<slug:slug>/lobby/", LobbyConsumer.as_asgi()),
    path("ws/events/<slug:slug>/plenary/<str:token>/", PlenaryConsumer.as_asgi()),
]
