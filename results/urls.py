from django.urls import path

from results import views

urlpatterns = [
    path("events/<slug:slug>/plenary/<str:token>/", views.plenary, name="plenary"),
]
