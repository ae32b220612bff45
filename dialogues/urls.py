from django.urls import path

from dialogues import views

# The dialogue's routes come before the accept link's: a signed token always holds a ":", so it
# never equals a page name such as "partner".
urlpatterns = [
    path("dialogues/<slug:slug>/", views.coordinator, name="dialogue_coordinator"),
    path("dialogues/<slug:slug>/invite/", views.invite, name="dialogue_invite"),
    path("dialogues/<slug:slug>/publish/", views.publish, name="dialogue_publish"),
    path("dialogues/<slug:slug>/partner/", views.partner_home, name="dialogue_partner_home"),
    path("dialogues/<slug:slug>/partner/<slug:organisation>/", views.partner, name="dialogue_partner"),
    path(
        "dialogues/<slug:slug>/partner/<slug:organisation>/events/",
        views.partner_event_create,
        name="dialogue_partner_event_create",
    ),
    path(
        "dialogues/<slug:slug>/partner/<slug:organisation>/public/",
        views.partner_results_public,
        name="dialogue_partner_public",
    ),
    path(
        "dialogues/<slug:slug>/partner/<slug:organisation>/recommendations/",
        views.partner_recommendations_shared,
        name="dialogue_partner_recommendations",
    ),
    path(
        "dialogues/<slug:slug>/partner/<slug:organisation>/accept/",
        views.partner_accept,
        name="dialogue_partner_accept",
    ),
    path("dialogues/accept/<str:token>/", views.accept, name="dialogue_accept"),
]
