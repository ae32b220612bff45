"""The interface in French and Spanish: pages follow the browser's language or the header's switcher,
and the committed catalogues are complete and compiled."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

from sessions_app.models import Phase
from tests.helpers import log_in_as

pytestmark = pytest.mark.django_db

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


@pytest.fixture
def agenda(event):
    Phase.objects.create(event=event, order=1, kind="opening", title="Opening", planned_minutes=1)
    Phase.objects.create(event=event, order=2, kind="breakout", title="Rooms", planned_minutes=45)


@pytest.mark.parametrize(
    "language, expected",
    [
        ("fr", ["Bienvenue, Amina.", "signaler ma présence", "1 minute<", "45 minutes<", "Programme"]),
        ("es", ["Le damos la bienvenida, Amina.", "registrar mi llegada", "1 minuto<", "45 minutos<", "Programa"]),
    ],
)
def test_lobby_follows_the_browser_language(client, event, agenda, participant, language, expected):
    log_in_as(client, participant)
    page = client.get(f"/events/{event.slug}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<html lang="{language}">' in page
    for text in expected:
        assert text in page, text
    assert "Welcome, Amina." not in page


def test_lobby_stays_english_by_default(client, event, participant):
    log_in_as(client, participant)
    page = client.get(f"/events/{event.slug}/").content.decode()
    assert '<html lang="en">' in page and "Welcome, Amina." in page


@pytest.mark.parametrize(
    "language, title, reason",
    [
        ("fr", "Ce lien ne fonctionne pas", "Ce lien n’est pas valide. Vérifiez que vous l’avez copié en entier."),
        ("es", "Este enlace no funciona", "Este enlace no es válido. Compruebe que lo ha copiado completo."),
    ],
)
def test_join_invalid_page_is_translated(client, language, title, reason):
    response = client.get("/join/not-a-real-token/", HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 403
    assert f"<h1>{title}</h1>" in page and reason in page


def test_error_pages_are_translated(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="fr">' in page and "Page introuvable" in page and ">Accueil<" in page


def test_language_switcher(client):
    page = client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in page and 'name="csrfmiddlewaretoken"' in page
    assert '<label for="language-select" class="visually-hidden">Language</label>' in page
    assert '<option value="fr" lang="fr">Français</option>' in page
    assert '<option value="es" lang="es">Español</option>' in page

    response = client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    page = client.get("/").content.decode()
    assert "Eventos de deliberación ciudadana" in page
    assert '<option value="es" lang="es" selected>Español</option>' in page
    # The chosen language wins over the browser's.
    assert "Eventos de deliberación ciudadana" in client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()


# --- The catalogues -------------------------------------------------------------------------


def _parse_po(text: str) -> list[dict]:
    """Entries of a PO file (blocks separated by blank lines): msgctxt, msgid, msgid_plural,
    msgstr (a string, or {index: string} for plurals) and flags; obsolete entries are left out."""
    entries = []
    for block in re.split(r"\n\s*\n", text.strip()):
        entry, field = {"flags": []}, None
        for line in block.splitlines():
            keyword = re.match(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])? (\".*\")$", line)
            if line.startswith("#,"):
                entry["flags"] += [flag.strip() for flag in line[2:].split(",")]
            elif keyword:
                name, index, value = keyword.group(1), keyword.group(2), ast.literal_eval(keyword.group(3))
                field = (name, int(index) if index is not None else None)
                if field[1] is None:
                    entry[name] = value
                else:
                    entry.setdefault(name, {})[field[1]] = value
            elif line.startswith('"'):
                if field[1] is None:
                    entry[field[0]] += ast.literal_eval(line)
                else:
                    entry[field[0]][field[1]] += ast.literal_eval(line)
        if "msgid" in entry:
            entries.append(entry)
    return entries


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|\{\w+\}")


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_is_complete(language):
    entries = _parse_po((LOCALE_DIR / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == "" and f"Language: {language}\n" in header["msgstr"]
    plurals = int(re.search(r"nplurals=(\d+)", header["msgstr"]).group(1))
    assert len(messages) > 500
    problems = []
    for entry in messages:
        msgid, msgstr = entry["msgid"], entry["msgstr"]
        if "fuzzy" in entry["flags"]:
            problems.append(("fuzzy", msgid))
        forms = list(msgstr.values()) if isinstance(msgstr, dict) else [msgstr]
        if "msgid_plural" in entry and sorted(msgstr) != list(range(plurals)):
            problems.append(("plural forms", msgid))
        if not all(forms):
            problems.append(("untranslated", msgid))
        for form in forms:
            if sorted(PLACEHOLDER.findall(form)) != sorted(PLACEHOLDER.findall(msgid)):
                problems.append(("placeholders", msgid, form))
    assert problems == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalogue_matches_the_po_file(language):
    """The committed .mo is compiled from the current .po (run `manage.py compilemessages`)."""
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog
    for entry in _parse_po((folder / "django.po").read_text(encoding="utf-8"))[1:]:
        key = f"{entry['msgctxt']}\x04{entry['msgid']}" if "msgctxt" in entry else entry["msgid"]
        if isinstance(entry["msgstr"], dict):
            for index, form in entry["msgstr"].items():
                assert catalog.get((key, index)) == form, (key, index)
        else:
            assert catalog.get(key) == entry["msgstr"], key
