"""The language codes a text is looked up by: the reader's, then its base language."""

import pytest
from django.utils import translation

from infrastructure.languages import base_language, language_codes, language_name, pick_translation


@pytest.mark.parametrize(
    "language, codes",
    [("pt-br", ("pt-br", "pt")), ("PT-BR", ("pt-br", "pt")), ("fr", ("fr",)), ("", ()), (None, ())],
)
def test_language_codes_try_the_language_then_its_base(language, codes):
    assert language_codes(language) == codes


@pytest.mark.parametrize("code, base", [("pt-br", "pt"), ("zh-Hans", "zh"), ("de", "de"), ("", ""), (None, "")])
def test_base_language(code, base):
    assert base_language(code) == base


@pytest.mark.parametrize(
    "translations, language, field, found",
    [
        ({"pt": "Olá"}, "pt-br", None, "Olá"),
        ({"pt-br": "Oi", "pt": "Olá"}, "pt-br", None, "Oi"),
        ({"pt-br": "", "pt": "Olá"}, "pt-br", None, "Olá"),
        ({"fr": "Bonjour"}, "pt-br", None, ""),
        ({"pt": {"text": "Pergunta"}}, "pt-br", "text", "Pergunta"),
        ({"pt": {"title": "Título"}}, "pt", "text", ""),
        ({"pt": "not a dict"}, "pt", "text", ""),
        ({"pt": ["not", "text"]}, "pt", None, ""),
        (None, "pt", None, ""),
        ("not a dict", "pt", None, ""),
        ({"pt": "Olá"}, "", None, ""),
    ],
)
def test_pick_translation(translations, language, field, found):
    assert pick_translation(translations, language, field) == found


def test_language_names_fall_back_to_the_base_language_then_the_code():
    with translation.override("en"):
        assert language_name("fr") == "French"
        assert language_name("fr-xx") == "French"
        assert language_name("xx") == "xx"
        assert language_name("") == ""
