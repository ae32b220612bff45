from django.urls import path

from sessions_app import views

urlpatterns = [
    path("join/<str:token>/", views.join, name="join"),
    path("events/<slug:slug>/profile/", views.profile, name="profile"),
    path("events/<slug:slug>/sign-out/", views.sign_out, name="participant_sign_out"),
    path("events/<slug:slug>/people/", views.people_links, name="people_links"),
]
