from django.urls import path

from results import views

urlpatterns = [
    path("events/<slug:slug>/plenary/<str:token>/", views.plenary, name="plenary"),
    # The note taker's form (the facilitator and organisers read it)
    path("events/<slug:slug>/notes/<int:group_id>/", views.notes_start, name="notes_start"),
    path("events/<slug:slug>/notes/<int:group_id>/<slug:session_code>/", views.notes_form, name="notes_form"),
    path("events/<slug:slug>/notes/<int:group_id>/<slug:session_code>/state/", views.notes_state, name="notes_state"),
    path("events/<slug:slug>/notes/<int:group_id>/<slug:session_code>/draft/", views.notes_draft, name="notes_draft"),
    path(
        "events/<slug:slug>/notes/<int:group_id>/<slug:session_code>/submit/",
        views.notes_submit,
        name="notes_submit",
    ),
    # Keeps the form working offline; at the root, registered for the notes pages only
    path("notes-sw.js", views.notes_service_worker, name="notes_service_worker"),
    # Votes in the room
    path("events/<slug:slug>/vote/", views.vote_page, name="vote"),
    path("events/<slug:slug>/vote/<int:question_id>/", views.vote_cast, name="vote_cast"),
    # Control room actions of results (questions opening, plenary settings)
    path("events/<slug:slug>/results/control/<slug:action>/", views.control_action, name="results_control"),
    # Paper tallies of sites without the app
    path("events/<slug:slug>/results/paper/", views.paper_tallies_page, name="paper_tallies"),
    path("events/<slug:slug>/results/paper/template.csv", views.paper_tallies_template, name="paper_tallies_template"),
    path("events/<slug:slug>/results/paper/tables/", views.paper_tables_create, name="paper_tables_create"),
    # Exports
    path("events/<slug:slug>/results/print/", views.results_print, name="results_print"),
    path("events/<slug:slug>/results/export/<str:name>", views.export, name="results_export"),
    # JSON API
    path("api/schema.json", views.api_schema, name="api_schema"),
    path("api/events/<slug:slug>/results/", views.api_results, name="api_results"),
    path(
        "api/events/<slug:slug>/groups/<int:group_id>/sessions/<slug:session_code>/results/",
        views.api_submit,
        name="api_submit",
    ),
]
