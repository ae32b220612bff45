"""Language codes as the product looks texts up by them: a reader of "pt-br" is served "pt-br",
then "pt"; a text written in "pt-br" is in "pt" for the purpose of translating it."""

from django.utils.translation import get_language_info


def base_language(code: str | None) -> str:
    """The language without its region: "pt-br" -> "pt"; "" for no language."""
    return (code or "").lower().split("-")[0]


def language_codes(language: str | None) -> tuple[str, ...]:
    """The codes to try for a reader of ``language``, in order, each once: ("pt-br", "pt")."""
    language = (language or "").lower()
    if not language:
        return ()
    base = base_language(language)
    return (language,) if base == language else (language, base)


def pick_translation(translations: dict | None, language: str | None, field: str | None = None) -> str:
    """The first non-empty text for ``language`` among ``{code: text}`` (or ``{code: {field: text}}``
    when ``field`` is given), else ""."""
    translations = translations if isinstance(translations, dict) else {}
    for code in language_codes(language):
        found = translations.get(code)
        if field is not None:
            found = found.get(field) if isinstance(found, dict) else None
        if isinstance(found, str) and found:
            return found
    return ""


def language_name(code: str | None) -> str:
    """The language's name in the page's language ("French"; "pt-br" as "pt" if need be), else
    its code; "" for no language."""
    for candidate in language_codes(code):
        try:
            return str(get_language_info(candidate)["name_translated"])
        except KeyError:
            continue
    return code or ""
