"""The recommendations wall's addresses: under the control room's, so included before the
groups' ``control/<action>/`` pattern."""

from django.urls import path

from results.views import recommendations

urlpatterns = [
    path(
        "events/<slug:slug>/control/recommendations/",
        recommendations.recommendations_wall,
        name="recommendations_wall",
    ),
    path(
        "events/<slug:slug>/control/recommendations/<slug:action>/",
        recommendations.recommendations_action,
        name="recommendations_action",
    ),
]
