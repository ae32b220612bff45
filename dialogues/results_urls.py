from django.urls import path

from dialogues import results_views as views

urlpatterns = [
    # Coordinators and partners: the live global results, the live parts the page fetches, and JSON
    path("dialogues/<slug:slug>/results/", views.dialogue_results, name="dialogue_results"),
    path("dialogues/<slug:slug>/results/figures/", views.dialogue_results_figures, name="dialogue_results_figures"),
    path("dialogues/<slug:slug>/results.json", views.dialogue_results_json, name="dialogue_results_json"),
    path(
        "dialogues/<slug:slug>/recommendations.csv",
        views.dialogue_recommendations_csv,
        name="dialogue_recommendations_csv",
    ),
    path(
        "dialogues/<slug:slug>/recommendations.xlsx",
        views.dialogue_recommendations_xlsx,
        name="dialogue_recommendations_xlsx",
    ),
    # Everyone, when the dialogue is public: the partners who opted in, and open data
    path("public/dialogues/<slug:slug>/", views.public_results, name="public_dialogue_results"),
    path("public/dialogues/<slug:slug>/results.csv", views.public_results_csv, name="public_dialogue_csv"),
    path("public/dialogues/<slug:slug>/results.json", views.public_results_json, name="public_dialogue_json"),
    path(
        "public/dialogues/<slug:slug>/recommendations.csv",
        views.public_recommendations_csv,
        name="public_dialogue_recommendations_csv",
    ),
    path(
        "public/dialogues/<slug:slug>/data-dictionary/",
        views.public_data_dictionary,
        name="public_dialogue_dictionary",
    ),
    path(
        "public/dialogues/<slug:slug>/data-dictionary.json",
        views.public_data_dictionary_json,
        name="public_dialogue_dictionary_json",
    ),
]
