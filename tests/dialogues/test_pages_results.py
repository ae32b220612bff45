"""The global results pages: who opens what, the public subset, suppression in every output,
open data files, escaping, scopes, languages and the cached public page."""

import csv
import io

import pytest
from django.test import Client

from dialogues import open_data, results, results_cache
from dialogues.results import global_snapshot
from dialogues.versions import version_publish
from infrastructure.caching import clear_process_caches
from sessions_app.models import Option, Question
from tests.dialogues.scenarios import make_two_sites, q1, submit_results
from tests.factories import make_person
from tests.helpers import log_in_as, without_bom

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
FORMULA = '=HYPERLINK("http://evil.example","click")'
ROLES = ["coordinator", "partner", "other_organiser", "participant", "anonymous", "superuser"]
# (path, expected per role in the order of ROLES): A allowed, L sent to sign in, F 403, N 404
PRIVATE = [
    ("/dialogues/{slug}/results/", "A A F L L A"),
    ("/dialogues/{slug}/results/figures/", "A A F L L A"),
    ("/dialogues/{slug}/results.json", "A A F L L A"),
    ("/dialogues/unknown/results/", "N N N L L N"),
]
PUBLIC = [
    "/public/dialogues/{slug}/",
    "/public/dialogues/{slug}/results.csv",
    "/public/dialogues/{slug}/results.json",
    "/public/dialogues/{slug}/data-dictionary/",
    "/public/dialogues/{slug}/data-dictionary.json",
]


@pytest.fixture
def world(dialogue, django_user_model):
    """France (opted in to the public page, G20) and Kenya (not opted in), see make_two_sites."""
    return make_two_sites(dialogue, france_tags="G20", django_user_model=django_user_model)


def clients(world, coordinator, other_organiser, django_user_model) -> dict[str, Client]:
    made = {role: Client() for role in ROLES}
    made["coordinator"].force_login(coordinator)
    made["partner"].force_login(world["partner_user"])
    made["other_organiser"].force_login(other_organiser)
    log_in_as(made["participant"], make_person(world["france"], first_name="Ana"))
    made["superuser"].force_login(django_user_model.objects.create_superuser("root", "root@example.org", "pw-long-1"))
    return made


def outcome(response) -> str:
    if response.status_code == 302 and "login" in response["Location"]:
        return "L"
    return {200: "A", 403: "F", 404: "N"}.get(response.status_code, str(response.status_code))


def test_every_route_answers_each_role_as_expected(dialogue, world, coordinator, other_organiser, django_user_model):
    made = clients(world, coordinator, other_organiser, django_user_model)
    wrong = []

    def check(path, expected):
        for role, want in zip(ROLES, expected.split(), strict=True):
            got = outcome(made[role].get(path))
            if got != want:
                wrong.append(f"{path} as {role}: expected {want}, got {got}")

    for template, expected in PRIVATE:
        check(template.format(slug=dialogue.slug), expected)
    for template in PUBLIC:  # not public yet: nobody, not even its coordinators
        check(template.format(slug=dialogue.slug), "N N N N N N")
    dialogue.public = True
    dialogue.save()
    clear_process_caches()  # else "not public" is kept for a second
    for template in PUBLIC:
        check(template.format(slug=dialogue.slug), "A A A A A A")
    for template in PUBLIC:
        check(template.format(slug="unknown"), "N N N N N N")
    assert not wrong, "\n".join(wrong)


def test_the_live_page_shows_figures_weighting_and_sites(client, dialogue, world, coordinator):
    client.force_login(coordinator)
    body = client.get(f"/dialogues/{dialogue.slug}/results/").content.decode()
    assert "Pooled: every answer counts the same" in body
    assert "To you, the Internet is:" in body and "More an opportunity" in body
    # The world: 5 of 11 people chose "opportunity".
    assert "45.5 %" in body and "(5)" in body and "N = 11" in body and "sites: 2" in body
    assert "Dialogue in France" in body and "Dialogue in Kenya" in body
    assert 'data-follow="/dialogues/global/results/figures/"' in body  # the live parts, swapped in
    dialogue.weighting = "sites_equal"
    dialogue.save()
    body = client.get(f"/dialogues/{dialogue.slug}/results/").content.decode()
    assert "One site, one vote" in body and "43.3 %" in body


def test_a_scope_and_a_second_one_to_compare(client, dialogue, world, coordinator):
    client.force_login(coordinator)
    path = f"/dialogues/{dialogue.slug}/results/?scope=country:France&compare=continent:africa"
    body = client.get(path).content.decode()
    assert '<option value="country:France" selected>' in body
    assert "66.7 %" in body and "20 %" in body and "Africa:" in body
    unknown = client.get(f"/dialogues/{dialogue.slug}/results/?scope=country:Atlantis").content.decode()
    assert '<option value="global" selected>' in unknown


def test_the_json_endpoint_is_the_cached_snapshot(client, dialogue, world, coordinator):
    client.force_login(coordinator)
    response = client.get(f"/dialogues/{dialogue.slug}/results.json")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    data = response.json()
    assert set(data) >= {"dialogue", "version", "weighting", "min_respondents", "generated_at", "sites", "scopes"}
    question = next(q for s in data["sessions"] for q in s["questions"] if q["code"] == "q1")
    assert question["figures"]["global"]["n"] == 11
    assert {s["event"] for s in data["sites"]} == {"france", "kenya"}


def test_unchanged_figures_answer_304_to_the_polling_page(client, dialogue, world, coordinator, monkeypatch):
    from dialogues import results
    from tests.dialogues.scenarios import submit_results

    monkeypatch.setattr(results, "FRESH_SECONDS", 0.0)  # rebuilt on every request
    client.force_login(coordinator)
    url = f"/dialogues/{dialogue.slug}/results.json"
    first = client.get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and etag and "no-store" not in first["Cache-Control"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)  # rebuilt, a new time, the same figures
    assert again.status_code == 304 and again["ETag"] == etag and not again.content
    kenya = world["kenya"]
    submit_results(kenya, kenya.groups.get(), {"q1": {"counts": {"opportunity": 5}}})
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_the_live_parts_are_the_pages_own_and_unchanged_ones_answer_304(
    client, dialogue, world, coordinator, monkeypatch
):
    from dialogues import results
    from tests.dialogues.scenarios import submit_results

    monkeypatch.setattr(results, "FRESH_SECONDS", 0.0)  # rebuilt on every request
    client.force_login(coordinator)
    query = "?scope=global&compare=country:France"
    page = client.get(f"/dialogues/{dialogue.slug}/results/{query}").content.decode()
    url = f"/dialogues/{dialogue.slug}/results/figures/{query}"
    first = client.get(url)
    body = first.content.decode()
    assert first.status_code == 200 and "<html" not in body and "no-store" not in first["Cache-Control"]
    for part in ('id="dr-time"', 'id="dr-reported"', 'id="dr-weighting"', 'id="dr-scopes"', 'id="dr-legend"'):
        assert part in body and part in page
    q1 = body[body.index('id="q-digital-public-sphere-q1"') : body.index('id="q-digital-public-sphere-q2"')]
    assert q1 == page[page.index('id="q-digital-public-sphere-q1"') : page.index('id="q-digital-public-sphere-q2"')]
    assert "France:" in q1 and "N = 11" in q1 and "66.7 %" in q1
    assert '<option value="country:France" selected>' in body and '<tbody id="dr-sites-body">' in body
    etag = first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)  # rebuilt, a new time, the same figures
    assert again.status_code == 304 and again["ETag"] == etag and not again.content
    other_scope = client.get(f"/dialogues/{dialogue.slug}/results/figures/", HTTP_IF_NONE_MATCH=etag)
    assert other_scope.status_code == 200 and other_scope["ETag"] != etag
    kenya = world["kenya"]
    submit_results(kenya, kenya.groups.get(), {"q1": {"counts": {"opportunity": 5}}})
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_suppressed_figures_never_show_their_numbers(client, dialogue, world, coordinator):
    dialogue.min_respondents = 6  # Kenya's q1 has N = 5: suppressed; the world's 11 is shown
    dialogue.save()
    client.force_login(coordinator)
    snapshot = client.get(f"/dialogues/{dialogue.slug}/results.json").json()
    q1_figures = next(q for s in snapshot["sessions"] for q in s["questions"] if q["code"] == "q1")["figures"]
    assert q1_figures["country:Kenya"] == {"suppressed": True, "sites": 1}
    body = client.get(f"/dialogues/{dialogue.slug}/results/?scope=country:Kenya").content.decode()
    q1_html = body[body.index('id="q-digital-public-sphere-q1"') : body.index('id="q-digital-public-sphere-q2"')]
    assert "Fewer than 6 answers: not shown" in q1_html
    assert "N = 5" not in q1_html and "bar-value" not in q1_html and "(4)" not in q1_html and "80" not in q1_html
    # Side by side, the suppressed scope's bars say "not shown" and carry no number.
    body = client.get(f"/dialogues/{dialogue.slug}/results/?scope=global&compare=country:Kenya").content.decode()
    q1_html = body[body.index('id="q-digital-public-sphere-q1"') : body.index('id="q-digital-public-sphere-q2"')]
    assert "N = 11" in q1_html and q1_html.count("not shown") == 4 + 1  # 4 options + the N line
    assert "(5)" in q1_html and "(6)" in q1_html  # the world: 5 and 6 people
    assert "(1)" not in q1_html and "(4)" not in q1_html  # Kenya's 1 and 4 stay hidden


def test_suppressed_rows_of_the_open_data_are_empty(client, dialogue, world):
    dialogue.public = True
    dialogue.save()
    # Public: France only. q1 N = 6 shown; the ranking (2 groups < 5) and q2 (no answer) suppressed.
    content = client.get(f"/public/dialogues/{dialogue.slug}/results.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(without_bom(content))))
    assert list(rows[0]) == open_data.COLUMNS
    suppressed = [row for row in rows if row["suppressed"] == "true"]
    assert suppressed and {row["question_code"] for row in suppressed} >= {"q2", "q4"}
    for row in suppressed:
        assert row["percent"] == row["count"] == row["n"] == row["groups"] == ""
    shown = [r for r in rows if (r["question_code"], r["scope_kind"], r["suppressed"]) == ("q1", "global", "false")]
    assert [(r["option_code"], r["percent"], r["count"], r["n"]) for r in shown][:2] == [
        ("opportunity", "66.7", "4", "6"),
        ("threat", "33.3", "2", "6"),
    ]
    data = client.get(f"/public/dialogues/{dialogue.slug}/results.json").json()
    assert data["columns"] == open_data.COLUMNS
    for row in data["rows"]:
        if row["suppressed"]:
            assert row["percent"] is None and row["count"] is None and row["n"] is None and row["groups"] is None
    ranked = [r for r in data["rows"] if r["question_code"] == "q4"]
    assert ranked and all(r["measure"] == "ranked_first" and r["suppressed"] for r in ranked)
    page = client.get(f"/public/dialogues/{dialogue.slug}/").content.decode()
    q4_html = page[page.index('id="q-digital-public-sphere-q4"') :]
    assert "Fewer than 5 group answers: not shown" in q4_html and "bar-value" not in q4_html.split("</section>")[0]
    q2_html = page[page.index('id="q-digital-public-sphere-q2"') : page.index('id="q-digital-public-sphere-q3"')]
    assert "No answers yet" in q2_html and "bar-value" not in q2_html  # no public site answered q2


def test_public_outputs_have_only_partners_who_opted_in(client, dialogue, world):
    dialogue.public = True
    dialogue.min_respondents = 1
    dialogue.save()
    page = client.get(f"/public/dialogues/{dialogue.slug}/").content.decode()
    assert "Dialogue in France" in page and "Kenya" not in page
    assert "N = 6" in page and "N = 11" not in page
    csv_text = client.get(f"/public/dialogues/{dialogue.slug}/results.csv").content.decode()
    assert "Kenya" not in csv_text and "africa" not in csv_text and "France" in csv_text
    data = client.get(f"/public/dialogues/{dialogue.slug}/results.json").json()
    assert {r["scope_name"] for r in data["rows"]} == {"world", "europe", "France", "G20"}
    assert client.get(f"/public/dialogues/{dialogue.slug}/?scope=country:Kenya").status_code == 302


def test_csv_cells_are_neutralised(client, dialogue, coordinator, world):
    question = Question.objects.get(session__event=dialogue.template_event, code="q1")
    question.text = FORMULA
    question.save()
    Option.objects.filter(question=question, code="threat").update(label="@SUM(A1:A9)")
    version_publish(dialogue=dialogue, user=coordinator, note="formulas")
    dialogue.public = True
    dialogue.save()
    content = client.get(f"/public/dialogues/{dialogue.slug}/results.csv").content.decode()
    cells = [cell for row in csv.reader(io.StringIO(content)) for cell in row]
    assert "'" + FORMULA in cells and "'@SUM(A1:A9)" in cells
    assert not any(cell.startswith(("=", "@", "+", "-")) for cell in cells)


def test_markup_in_questions_and_sites_is_escaped(client, dialogue, coordinator, world):
    question = Question.objects.get(session__event=dialogue.template_event, code="q1")
    question.text = SCRIPT
    question.translations = {"fr": {"text": SCRIPT + " (fr)"}}
    question.save()
    version_publish(dialogue=dialogue, user=coordinator, note="markup")
    world["france"].title = SCRIPT
    world["france"].save()
    dialogue.public = True
    dialogue.save()
    client.force_login(coordinator)
    pages = {
        "live": client.get(f"/dialogues/{dialogue.slug}/results/"),
        "live (fr)": client.get(f"/dialogues/{dialogue.slug}/results/", HTTP_ACCEPT_LANGUAGE="fr"),
        "live parts (fr)": client.get(f"/dialogues/{dialogue.slug}/results/figures/", HTTP_ACCEPT_LANGUAGE="fr"),
        "public": client.get(f"/public/dialogues/{dialogue.slug}/"),
    }
    for name, response in pages.items():
        body = response.content.decode()
        assert SCRIPT not in body, f"raw markup on {name}"
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body, name
    for name in ("live (fr)", "live parts (fr)"):  # the translation, escaped by the server's template
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; (fr)" in pages[name].content.decode(), name
    # JSON is data: the text stays as typed, served as JSON.
    response = client.get(f"/dialogues/{dialogue.slug}/results.json")
    texts = [q["text"] for s in response.json()["sessions"] for q in s["questions"]]
    assert response["Content-Type"] == "application/json" and SCRIPT in texts


def test_the_public_page_speaks_the_readers_language(client, dialogue, coordinator, world):
    question = Question.objects.get(session__event=dialogue.template_event, code="q1")
    question.translations = {"fr": {"text": "Pour vous, Internet est :"}}
    question.save()
    Option.objects.filter(question=question, code="opportunity").update(translations={"fr": {"label": "Une chance"}})
    version_publish(dialogue=dialogue, user=coordinator, note="French")
    dialogue.public = True
    dialogue.save()
    french = client.get(f"/public/dialogues/{dialogue.slug}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Pour vous, Internet est :" in french and "Une chance" in french and 'lang="fr"' in french
    english = client.get(f"/public/dialogues/{dialogue.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "To you, the Internet is:" in english and "Une chance" not in english
    assert 'id="language-select"' in english


def test_the_public_page_is_cached_for_a_moment_only(client, dialogue, world, monkeypatch):
    dialogue.public = True
    dialogue.min_respondents = 1
    dialogue.save()
    path = f"/public/dialogues/{dialogue.slug}/"
    assert "N = 6" in client.get(path).content.decode()
    submit_results(world["france"], world["france"].groups.first(), q1(5, 5))  # a new revision: 4 + 10 people
    assert "N = 6" in client.get(path).content.decode()  # within the second: the cached copy
    monkeypatch.setattr(results_cache, "PUBLIC_PAGE_SECONDS", 0.0)
    monkeypatch.setattr(results, "FRESH_SECONDS", 0.0)
    assert "N = 12" in client.get(path).content.decode()


def test_the_public_page_sets_its_own_csrf_token(dialogue, world):
    """The figures are cached, the page around them is not: each reader's language form works."""
    dialogue.public = True
    dialogue.save()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    a = first.get(f"/public/dialogues/{dialogue.slug}/")
    b = second.get(f"/public/dialogues/{dialogue.slug}/")
    assert a.cookies["csrftoken"].value != b.cookies["csrftoken"].value
    token = b.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = second.post("/i18n/setlang/", {"language": "fr", "csrfmiddlewaretoken": token, "next": "/"})
    assert response.status_code == 302


def test_the_data_dictionary_describes_every_column(client, dialogue, world):
    dialogue.public = True
    dialogue.min_respondents = 7
    dialogue.save()
    data = client.get(f"/public/dialogues/{dialogue.slug}/data-dictionary.json").json()
    assert [c["name"] for c in data["columns"]] == open_data.COLUMNS and all(c["description"] for c in data["columns"])
    assert data["suppression"]["min_respondents"] == 7 and "7" in data["suppression"]["description"]
    assert data["licence"] == "Open data; cite the dialogue"
    assert set(data["measures"]) == {"share", "ranked_first"} and data["weighting"]["code"] == "pooled"
    page = client.get(f"/public/dialogues/{dialogue.slug}/data-dictionary/").content.decode()
    assert "Open data; cite the dialogue" in page and "fewer than 7" in page
    for column in open_data.COLUMNS:
        assert f"<code>{column}</code>" in page


def test_open_data_rows_cover_every_option_and_scope(dialogue, world):
    snapshot = global_snapshot(dialogue)
    rows = open_data.open_data_rows(snapshot)
    options = sum(len(q["options"]) for s in snapshot["sessions"] for q in s["questions"])
    assert len(rows) == options * len(snapshot["scopes"])
    world_q1 = [r for r in rows if r["question_code"] == "q1" and r["scope_name"] == "world"]
    assert [r["percent"] for r in world_q1][:2] == [45.5, 54.5] and world_q1[0]["n"] == 11
