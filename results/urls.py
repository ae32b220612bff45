from django.urls import path

from results.views import api, closing, control, exports, notes, paper_tallies, phone_votes, plenary, votes

urlpatterns = [
    path("events/<slug:slug>/plenary/<str:token>/", plenary.plenary, name="plenary"),
    # The note taker's form (the facilitator and organisers read it)
    path("events/<slug:slug>/notes/<int:group_id>/", notes.notes_start, name="notes_start"),
    path("events/<slug:slug>/notes/<int:group_id>/<slug:session_code>/", notes.notes_form, name="notes_form"),
    path("events/<slug:slug>/notes/<int:group_id>/<slug:session_code>/state/", notes.notes_state, name="notes_state"),
    path("events/<slug:slug>/notes/<int:group_id>/<slug:session_code>/draft/", notes.notes_draft, name="notes_draft"),
    path(
        "events/<slug:slug>/notes/<int:group_id>/<slug:session_code>/submit/",
        notes.notes_submit,
        name="notes_submit",
    ),
    # Keeps the form working offline; at the root, registered for the notes pages only
    path("notes-sw.js", notes.notes_service_worker, name="notes_service_worker"),
    # The participants' closing page and its feedback survey
    path("events/<slug:slug>/closing/", closing.closing_page, name="closing"),
    path("events/<slug:slug>/closing/feedback/", closing.feedback_submit, name="feedback_submit"),
    # Votes in the room
    path("events/<slug:slug>/vote/", votes.vote_page, name="vote"),
    path("events/<slug:slug>/vote/<int:question_id>/", votes.vote_cast, name="vote_cast"),
    # Votes from a phone, with the code on the presenter's slides
    path("v/<str:code>/", phone_votes.phone_vote, name="phone_vote"),
    path("v/<str:code>/<int:question_id>/", phone_votes.phone_vote_cast, name="phone_vote_cast"),
    # Control room actions of results (questions opening, plenary settings)
    path("events/<slug:slug>/results/control/<slug:action>/", control.control_action, name="results_control"),
    # Paper tallies of sites without the app
    path("events/<slug:slug>/results/paper/", paper_tallies.paper_tallies_page, name="paper_tallies"),
    path(
        "events/<slug:slug>/results/paper/template.csv",
        paper_tallies.paper_tallies_template,
        name="paper_tallies_template",
    ),
    path("events/<slug:slug>/results/paper/tables/", paper_tallies.paper_tables_create, name="paper_tables_create"),
    # Exports
    path("events/<slug:slug>/results/print/", exports.results_print, name="results_print"),
    path("events/<slug:slug>/results/export/<str:name>", exports.export, name="results_export"),
    # JSON API
    path("api/schema.json", api.api_schema, name="api_schema"),
    path("api/events/<slug:slug>/results/", api.api_results, name="api_results"),
    path(
        "api/events/<slug:slug>/groups/<int:group_id>/sessions/<slug:session_code>/results/",
        api.api_submit,
        name="api_submit",
    ),
]
