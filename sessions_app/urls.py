"""The URLs of events' people: the home page, the personal join link, a person's profile and
sign-out, and the organisers' page of join links."""

from django.urls import path

from sessions_app import views

urlpatterns = [
    path("join/<str:token>/", views.join, name="join"),
    path("events/<slug:slug>/profile/", views.profile, name="profile"),
    path("events/<slug:slug>/sign-out/", views.sign_out, name="participant_sign_out"),
    path("events/<slug:slug>/people/", views.people_links, name="people_links"),
]
