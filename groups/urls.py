from django.urls import path

from groups import views

urlpatterns = [
    path("events/<slug:slug>/", views.participant_home, name="lobby"),
    path("events/<slug:slug>/check-in/", views.check_in, name="check_in"),
    path("events/<slug:slug>/help/", views.help_call, name="help_call"),
    path("events/<slug:slug>/control/", views.control_room, name="control_room"),
    path("events/<slug:slug>/control/rooms/<int:group_id>/", views.room_observe, name="room_observe"),
    path("events/<slug:slug>/control/<slug:action>/", views.control_action, name="control_action"),
]
