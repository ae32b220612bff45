from django.urls import path

from sessions_app import views

urlpatterns = [
    path("", views.home, name="home"),
    path("join/<str:token>/", views.join, name="join"),
    path("events/<slug:slug>/", views.lobby, name="lobby"),
    path("events/<slug:slug>/check-in/", views.check_in, name="check_in"),
    path("events/<slug:slug>/control/", views.control_room, name="control_room"),
]
