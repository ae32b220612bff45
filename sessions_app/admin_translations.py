"""Translations edited as one field per language and text, not as raw JSON.

A session's title and material, a question's text and explanation, an option's label, a phase's
title (and, through `fields`, any model's texts with a `translations` JSON, e.g. the feedback
survey's questions) each get one field per interface language, e.g. "title (French)". Left empty,
the original text is shown in that language. Languages other than the interface's (imported from a
CSV or PO file) are kept.
"""

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from infrastructure.cleaning import text_problem
from sessions_app.translations import FIELDS, MAX_TEXT

LONG_TEXTS = {"material", "help_text", "text"}


def field_name(language: str, field: str) -> str:
    return f"translation_{language}_{field}"


def translation_field_names(kind: str, fields: list[str] | None = None) -> list[str]:
    return [field_name(code, field) for code, _name in settings.LANGUAGES for field in fields or FIELDS[kind]]


def translated_form(
    kind: str, model, base: type[forms.ModelForm], *, short: bool = False, fields: list[str] | None = None
) -> type[forms.ModelForm]:
    """A form of `base` with one field per language for each translatable text of `kind` (or the
    model's `fields`, for a kind the questionnaire's files do not know)."""
    texts_of = fields or FIELDS[kind]
    declared = {}
    for code, language in settings.LANGUAGES:
        for field in texts_of:
            label = model._meta.get_field(field).verbose_name
            if field in LONG_TEXTS and not short:
                widget = forms.Textarea(attrs={"rows": 3, "cols": 60})
            else:
                widget = forms.TextInput(attrs={"size": 24 if short else 60})
            declared[field_name(code, field)] = forms.CharField(
                label=format_lazy(_("{field} ({language})"), field=label, language=language),
                required=False,
                max_length=MAX_TEXT,
                widget=widget,
                strip=True,
            )

    def __init__(self, *args, **kwargs):
        base.__init__(self, *args, **kwargs)
        stored = self.instance.translations if isinstance(self.instance.translations, dict) else {}
        for code, _language in settings.LANGUAGES:
            texts = stored.get(code) if isinstance(stored.get(code), dict) else {}
            for field in texts_of:
                name = field_name(code, field)
                if name in self.fields:
                    self.initial.setdefault(name, texts.get(field, ""))

    def clean(self):
        cleaned = base.clean(self)
        stored = self.instance.translations if isinstance(self.instance.translations, dict) else {}
        merged = {code: dict(texts) for code, texts in stored.items() if isinstance(texts, dict)}
        for code, _language in settings.LANGUAGES:
            for field in texts_of:
                name = field_name(code, field)
                if name not in self.fields or name in self.errors:
                    continue
                text = cleaned.get(name) or ""
                problem = text_problem(text)
                if problem:
                    self.add_error(name, problem)
                    continue
                if text:
                    merged.setdefault(code, {})[field] = text
                else:
                    merged.get(code, {}).pop(field, None)
        self.instance.translations = {code: texts for code, texts in merged.items() if texts}
        return cleaned

    return type(f"{model.__name__}TranslationsForm", (base,), {**declared, "__init__": __init__, "clean": clean})


class TranslatedAdmin:
    """A ModelAdmin whose translations are one field per language, in a folded "Translations" box."""

    translation_kind = ""

    def get_fieldsets(self, request, obj=None):
        names = translation_field_names(self.translation_kind)
        fieldsets = super().get_fieldsets(request, obj)
        if self.fieldsets or self.fields:
            return fieldsets
        main = [name for name in fieldsets[0][1]["fields"] if name not in names]
        return [
            (None, {"fields": main}),
            (
                _("Translations"),
                {
                    "fields": names,
                    "classes": ["collapse"],
                    "description": _("Leave a field empty to show the original text in that language."),
                },
            ),
        ]
