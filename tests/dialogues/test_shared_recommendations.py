"""The groups' recommendations across the dialogue (dialogues.recommendations and the results
pages): only sites whose partner shares them, as each site chose them on its wall, in the
reader's language where the site translated them, filtered by country and tag, and no text at
all from a site below the small-number threshold."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from dialogues.access import DialogueRefused
from dialogues.invitations import partner_recommendations_shared_set
from dialogues.models import DialoguePartner
from dialogues.recommendations import dialogue_recommendations, recommendations_page, recommendations_table
from results.models import RecommendationCuration
from results.recommendations import CurationRefused, recommendation_curate, recommendation_translate
from results.services import note_submit
from sessions_app.models import Session
from tests.factories import make_groups, make_partner, make_site, make_user

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> Open the data of public services.'


def _site(dialogue, name, slug, *, texts, country, shared=True, public=False, tags="", language="en"):
    organisation, user = make_partner(dialogue, name, f"{slug}-partner", public=public)
    DialoguePartner.objects.filter(organisation=organisation).update(recommendations_shared=shared)
    event = make_site(dialogue, organisation, slug, country=country, tags=tags, language=language)
    session = Session.objects.get(event=event)
    groups = make_groups(event, len(texts) + 1)  # one more group, which writes no recommendation
    for group, text in zip(groups, texts, strict=False):
        group.language = language
        group.save(update_fields=["language"])
        answers = {"q1": {"counts": {"opportunity": 1}}, "q5": {"text": f"Key point {group.number}"}}
        answers["q6"] = {"text": text}
        note_submit(group=group, session=session, data={"answers": answers}, idempotency_key=uuid.uuid4())
    return event, groups


@pytest.fixture
def sites(dialogue):
    """At a threshold of 3 groups: France (shared, public, 4 texts), Kenya (shared, not public,
    3 texts), Brazil (shared, 2 texts: below the threshold) and Germany (not shared, 3 texts)."""
    dialogue.min_respondents = 3
    dialogue.save(update_fields=["min_respondents"])
    france, f_groups = _site(
        dialogue,
        "Partner France",
        "france",
        texts=["Former les citoyens au numérique.", "Des données ouvertes.", "Taxer les plateformes.", HOSTILE],
        country="France",
        public=True,
        tags="pilot",
        language="fr",
    )
    kenya, k_groups = _site(
        dialogue,
        "Partner Kenya",
        "kenya",
        texts=["Affordable data for all.", "Local languages online.", "Protect journalists."],
        country="Kenya",
        tags="pilot, mobile",
    )
    brazil = _site(dialogue, "Partner Brazil", "brazil", texts=["Poucos grupos.", "Só dois."], country="Brazil")
    germany, _ = _site(
        dialogue,
        "Partner Germany",
        "germany",
        texts=["Nicht geteilt.", "Auch nicht.", "Nein."],
        country="Germany",
        shared=False,
    )
    recommendation_curate(event=france, group=f_groups[1], hidden=True)
    recommendation_curate(event=france, group=f_groups[2], starred=True)
    recommendation_translate(event=france, group=f_groups[0], language="en", text="Train citizens in digital skills.")
    return {"france": (france, f_groups), "kenya": (kenya, k_groups), "brazil": brazil, "germany": germany}


def _texts(collection):
    return {site["title"]: [r["text"] for r in site["recommendations"]] for site in collection["sites"]}


def test_only_sharing_sites_at_the_threshold_show_their_texts_as_they_chose_them(dialogue, sites):
    collection = dialogue_recommendations(dialogue)
    assert _texts(collection) == {
        "Dialogue in France": ["Taxer les plateformes.", "Former les citoyens au numérique.", HOSTILE],
        "Dialogue in Kenya": ["Affordable data for all.", "Local languages online.", "Protect journalists."],
    }
    assert collection["withheld"] == 1  # Brazil: two texts, below three; Germany does not share
    flat = repr(collection)
    assert "Poucos" not in flat and "Nicht" not in flat and "Des données ouvertes" not in flat
    assert "Key point" not in flat and "Group" not in flat  # no key points, no group names


def test_the_public_page_has_only_partners_who_also_publish(dialogue, sites):
    assert list(_texts(dialogue_recommendations(dialogue, public=True))) == ["Dialogue in France"]


def test_a_site_appears_once_it_reaches_the_threshold(dialogue, sites):
    brazil, groups = sites["brazil"]
    third = groups[-1]  # the group that had written nothing
    answers = {"q6": {"text": "Um terceiro grupo."}}
    note_submit(
        group=third, session=Session.objects.get(event=brazil), data={"answers": answers}, idempotency_key=uuid.uuid4()
    )
    assert _texts(dialogue_recommendations(dialogue))["Dialogue in Brazil"] == [
        "Poucos grupos.",
        "Só dois.",
        "Um terceiro grupo.",
    ]


def test_each_is_marked_with_its_language_and_shown_translated_where_the_site_translated_it(dialogue, sites):
    collection = dialogue_recommendations(dialogue)
    english = recommendations_page(collection, country="France", language="en")["items"]
    first = next(i["recommendation"] for i in english if "digital" in i["recommendation"]["text"])
    assert first["text"] == "Train citizens in digital skills."
    assert first["original"] == "Former les citoyens au numérique." and first["language"] == "fr"
    untranslated = next(i["recommendation"] for i in english if i["recommendation"]["text"].startswith("Taxer"))
    assert untranslated["original"] == "" and untranslated["language"] == "fr"
    with translation.override("en"):
        assert untranslated["language_name"] in {"French", "français"}
    french = recommendations_page(collection, country="France", language="fr")["items"]
    assert [i["recommendation"]["original"] for i in french] == ["", "", ""]  # read as written
    assert french[1]["recommendation"]["text"] == "Former les citoyens au numérique."


def test_filters_by_country_and_tag_and_pages(dialogue, sites):
    collection = dialogue_recommendations(dialogue)
    kenya = recommendations_page(collection, country="Kenya")
    assert [i["site"]["country"] for i in kenya["items"]] == ["Kenya"] * 3
    assert kenya["countries"] == ["France", "Kenya"] and kenya["tags"] == ["mobile", "pilot"]
    assert recommendations_page(collection, tag="pilot")["total"] == 6
    assert recommendations_page(collection, tag="mobile")["total"] == 3
    assert recommendations_page(collection, country="Brazil")["total"] == 0  # below the threshold
    assert recommendations_page(collection, country="\x00" * 5000)["total"] == 0
    assert recommendations_page(collection, page="9999")["page"].number == 1  # the nearest page
    assert recommendations_page(collection, page="<x>")["page"].number == 1


def test_a_constant_number_of_queries_whatever_the_sites(dialogue, sites, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        dialogue_recommendations(dialogue)


def test_the_live_page_shows_them_to_coordinators_escaped_and_filtered(dialogue, sites, coordinator):
    client = Client()
    client.force_login(coordinator)
    url = reverse("dialogue_results", kwargs={"slug": dialogue.slug})
    page = client.get(url).content.decode()
    assert "Affordable data for all." in page and "Taxer les plateformes." in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "Poucos" not in page and "Nicht geteilt" not in page
    assert "1 more site shares them" in page
    filtered = client.get(url, {"country": "Kenya", "scope": "country:Kenya", "tag": "mobile"}).content.decode()
    assert "Affordable data for all." in filtered and "Taxer les plateformes." not in filtered
    assert 'name="scope" value="country:Kenya"' in filtered  # the scope picker's choice is kept


def test_the_public_page_shows_the_public_partners_recommendations(dialogue, sites):
    dialogue.public = True
    dialogue.save(update_fields=["public"])
    page = Client().get(reverse("public_dialogue_results", kwargs={"slug": dialogue.slug})).content.decode()
    assert "Taxer les plateformes." in page and "Affordable data" not in page
    assert "&lt;script&gt;" in page and "<script>alert" not in page


def test_sharing_is_the_partners_own_decision(dialogue, coordinator, django_user_model):
    organisation, organiser = make_partner(dialogue, "Partner Peru", "pe-partner", django_user_model)
    partner = DialoguePartner.objects.get(organisation=organisation)
    with pytest.raises(DialogueRefused, match="Only an organiser"):
        partner_recommendations_shared_set(partner=partner, shared=True, user=coordinator)
    client = Client()
    client.force_login(organiser)
    url = reverse("dialogue_partner_recommendations", kwargs={"slug": dialogue.slug, "organisation": "pe-partner"})
    assert client.post(url, {"recommendations_shared": "on"}).status_code == 302
    assert DialoguePartner.objects.get(pk=partner.pk).recommendations_shared is True
    assert client.post(url, {}).status_code == 302  # the box unticked: no more
    assert DialoguePartner.objects.get(pk=partner.pk).recommendations_shared is False
    client.force_login(coordinator)  # the coordinators have no partner page (they switch it off in the admin)
    assert client.post(url, {"recommendations_shared": "on"}).status_code == 404
    assert DialoguePartner.objects.get(pk=partner.pk).recommendations_shared is False
    partner_recommendations_shared_set(partner=partner, shared=True, user=organiser)
    stopped = partner_recommendations_shared_set(partner=partner, shared=False, user=coordinator)
    assert stopped.recommendations_shared is False


@pytest.mark.parametrize(
    ("language", "text", "message"),
    [
        ("de", "Text", "Choose the translation's language"),
        ("fr", "Déjà en français", "written in that language already"),
        ("en", "a\x00b", "NUL"),
        ("en", "\ud800", "surrogate"),
        ("en", "x" * 4001, "too long"),
        (["en"], "Text", "Choose the translation's language"),
        ("en", {"text": 1}, "must be a text"),
    ],
)
def test_bad_translations_are_refused_and_change_nothing(dialogue, sites, language, text, message):
    france, groups = sites["france"]
    before = RecommendationCuration.objects.get(group=groups[0]).translations
    with pytest.raises(CurationRefused, match=message):
        recommendation_translate(event=france, group=groups[0], language=language, text=text)
    assert RecommendationCuration.objects.get(group=groups[0]).translations == before


def test_a_translation_of_another_events_group_is_refused(dialogue, sites):
    france, _ = sites["france"]
    _kenya, k_groups = sites["kenya"]
    with pytest.raises(CurationRefused, match="another event"):
        recommendation_translate(event=france, group=k_groups[0].pk, language="fr", text="Des données abordables.")
    assert not RecommendationCuration.objects.filter(group=k_groups[0]).exists()


def test_an_empty_translation_takes_it_away(dialogue, sites):
    france, groups = sites["france"]
    recommendation_translate(event=france, group=groups[0], language="en", text="  ")
    assert RecommendationCuration.objects.get(group=groups[0]).translations == {}


def test_the_wall_keeps_a_translation_posted_by_its_organiser(dialogue, sites):
    france, groups = sites["france"]
    client = Client()
    client.force_login(make_user("fr-organiser", organisation=france.organisation))
    url = reverse("recommendations_action", kwargs={"slug": france.slug, "action": "translate"})
    answer = client.post(url, {"group": groups[2].pk, "language": "es", "text": "Gravar las plataformas."})
    assert answer.status_code == 302
    assert RecommendationCuration.objects.get(group=groups[2]).translations == {"es": "Gravar las plataformas."}
    wall = client.get(reverse("recommendations_wall", kwargs={"slug": france.slug})).content.decode()
    assert "Gravar las plataformas." in wall and 'name="language" value="es"' in wall
    refused = client.post(url, {"group": groups[2].pk, "language": "xx", "text": "?"}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 400 and "language" in refused.json()["message"]


def test_they_download_as_a_table_filtered_as_on_the_page(dialogue, sites, coordinator):
    france, groups = sites["france"]
    recommendation_translate(event=france, group=groups[2], language="es", text='=HYPERLINK("x")')
    header, rows = recommendations_table(dialogue_recommendations(dialogue), country="France")
    assert header[:2] == ["site", "organisation"] and header[-3:] == [
        "translation_en",
        "translation_fr",
        "translation_es",
    ]
    assert [row[header.index("recommendation")] for row in rows] == [
        "Taxer les plateformes.",
        "Former les citoyens au numérique.",
        HOSTILE,
    ]
    first = dict(zip(header, rows[0], strict=True))
    assert first["starred"] == "yes" and first["language"] == "fr" and first["tags"] == "pilot"
    assert dict(zip(header, rows[1], strict=True))["translation_en"] == "Train citizens in digital skills."
    client = Client()
    client.force_login(coordinator)
    csv_file = client.get(reverse("dialogue_recommendations_csv", kwargs={"slug": dialogue.slug}), {"tag": "mobile"})
    text = csv_file.content.decode("utf-8")
    assert csv_file["Content-Type"].startswith("text/csv") and text.startswith("\ufeff")
    assert "Affordable data for all." in text and "Taxer" not in text  # Kenya only: the tag
    assert "'=HYPERLINK" not in text  # France is filtered out; its formula is checked below
    all_rows = client.get(reverse("dialogue_recommendations_csv", kwargs={"slug": dialogue.slug})).content.decode()
    assert "'=HYPERLINK" in all_rows and ",=HYPERLINK" not in all_rows  # a spreadsheet never runs it
    workbook = client.get(reverse("dialogue_recommendations_xlsx", kwargs={"slug": dialogue.slug}))
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    assert Client().get(reverse("dialogue_recommendations_csv", kwargs={"slug": dialogue.slug})).status_code == 302


def test_the_public_download_names_no_organisation_and_only_public_partners(dialogue, sites):
    url = reverse("public_dialogue_recommendations_csv", kwargs={"slug": dialogue.slug})
    dialogue.public = True
    dialogue.save(update_fields=["public"])
    text = Client().get(url).content.decode()
    assert "organisation" not in text.splitlines()[0] and "Partner France" not in text
    assert "Taxer les plateformes." in text and "Affordable" not in text
    assert Client().get(reverse("public_dialogue_recommendations_csv", kwargs={"slug": "nope"})).status_code == 404
