"""Fuzzing, bounded in time: random unicode (NUL, lone surrogates, CR), huge and negative numbers
and deep JSON against the group results validator, the notes API and every CSV importer. Target:
no unhandled exception and no 500. ``max_examples`` keeps the whole module within seconds."""

import json

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infrastructure.cleaning import json_problems
from results.answers import COUNT_MAX, validate_group_results
from results.figures import empty_tally, tally_add
from results.models import ReferenceDataset
from results.paper_tables import paper_groups_create
from results.paper_tallies import paper_tallies_import
from results.questionnaire import questionnaire_import
from results.reference_import import reference_import_csv
from results.selectors import session_question_specs
from results.services import api_token_create
from sessions_app.models import DiversityAttribute
from sessions_app.people_import import participants_import_csv
from sessions_app.translations import translations_import_csv, translations_import_po
from tests.factories import make_groups, make_questionnaire

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure in CI is a failure on every machine
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text with what breaks databases and parsers: NUL, lone surrogates, CR, quotes, separators.
nasty_char = st.one_of(
    st.characters(codec=None),
    st.sampled_from(["\x00", "\ud800", "\udfff", "\r", "\n", '"', ",", ";", "=", "\ufeff", "\u202e"]),
)
nasty_text = st.text(alphabet=nasty_char, max_size=30)
numbers = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.integers(min_value=-3, max_value=COUNT_MAX + 3),
    st.just(int("9" * 4300)),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["9" * 4300, "9" * 5000, "-1", " 3 ", "1e9", "0x10", "٣"]),
)
codes = st.sampled_from(["q1", "q2", "q3", "q4", "q5", "q6", "opportunity", "threat", "both", "media", "1", "2"])
leaf = st.one_of(st.none(), st.booleans(), numbers, nasty_text, codes)
json_values = st.recursive(
    leaf,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.one_of(codes, nasty_text), children, max_size=4)
    ),
    max_leaves=25,
)


def deep(depth: int):
    value = {"counts": {"opportunity": 1}}
    for _ in range(depth):
        value = {"answers": value}
    return value


answers = st.dictionaries(
    codes,
    st.one_of(
        json_values,
        st.fixed_dictionaries({"counts": st.dictionaries(codes, numbers, max_size=4)}, optional={"valid": numbers}),
        st.fixed_dictionaries({"ranking": st.lists(codes, max_size=5)}),
        st.fixed_dictionaries({"text": nasty_text}),
        st.fixed_dictionaries({"choice": leaf}),
        st.fixed_dictionaries({"choices": st.lists(leaf, max_size=4)}),
    ),
    max_size=5,
)
# Counts under the demo questionnaire's real codes (q1 single choice, q2 multiple, q3 a 1-5 scale),
# so that the numbers reach the checks behind the codes.
counted = st.fixed_dictionaries(
    {
        "q1": st.fixed_dictionaries(
            {"counts": st.dictionaries(st.sampled_from(["opportunity", "threat", "both", "neither"]), numbers)},
            optional={"valid": numbers},
        ),
        "q2": st.fixed_dictionaries(
            {"counts": st.dictionaries(st.sampled_from(["governments", "platforms", "citizens", "media"]), numbers)},
            optional={"valid": numbers},
        ),
        "q3": st.fixed_dictionaries({"counts": st.dictionaries(st.sampled_from(["1", "2", "5"]), numbers)}),
        "q5": st.fixed_dictionaries({"text": nasty_text}),
    }
)
documents = st.one_of(
    json_values,
    st.fixed_dictionaries({"answers": answers}),
    st.fixed_dictionaries({"answers": counted}),
    st.integers(1, 60).map(deep),
)


@pytest.fixture
def specs(event):
    return session_question_specs(make_questionnaire(event))


@settings(FUZZ, max_examples=300)  # no database: many examples in a second or two
@given(data=documents, limit=st.one_of(st.none(), st.integers(min_value=-5, max_value=10**9)))
def test_the_validator_never_raises_and_what_it_accepts_is_bounded_and_storable(specs, data, limit):
    clean, errors = validate_group_results(specs, data, limit=limit)
    bound = COUNT_MAX if limit is None else max(0, min(limit, COUNT_MAX))
    assert json_problems(clean) == []
    json.dumps(clean)  # storable as it is
    for answer in clean["answers"].values():
        if "counts" in answer:
            assert 0 <= answer["valid"] <= bound
            assert all(0 <= count <= answer["valid"] for count in answer["counts"].values())
    tally_add(specs, empty_tally(), clean)
    for error in errors:
        assert isinstance(error.field, str) and isinstance(error.message, str)


@FUZZ
@given(data=documents, key=st.one_of(st.uuids().map(str), nasty_text, numbers))
def test_the_notes_api_answers_4xx_never_500(client, event, specs, data, key):
    group = make_groups(event, 1)[0] if not event.groups.exists() else event.groups.get()
    _token, token = api_token_create(event=event, name="Fuzz")
    target = reverse("api_submit", args=[event.slug, group.pk, "digital-public-sphere"])
    body = json.dumps({"idempotency_key": key, "data": data})
    response = client.post(target, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code in (200, 201, 400, 409, 413, 422), response.content[:300]


# --- Every CSV importer ---------------------------------------------------------------------------

cells = st.one_of(nasty_text, codes, numbers.map(str), st.sampled_from(["", "woman", "global", "country", "1"]))


def csv_bytes(header: list[str]):
    """A file with the importer's header (or a broken one) and random rows, CR/LF/CRLF endings,
    as UTF-8 (lone surrogates make it invalid UTF-8, as a broken file would be)."""
    rows = st.lists(st.lists(cells, min_size=0, max_size=len(header) + 2), max_size=6)
    ending = st.sampled_from(["\n", "\r\n", "\r"])
    head = st.one_of(st.just(header), st.lists(cells, max_size=4))
    return st.tuples(head, rows, ending, st.sampled_from([",", ";"])).map(
        lambda parts: parts[2]
        .join(parts[3].join(row) for row in [parts[0], *parts[1]])
        .encode("utf-8", errors="surrogatepass")
    )


@FUZZ
@given(data=st.one_of(csv_bytes(["first_name", "last_name", "email", "role", "gender"]), st.binary(max_size=200)))
def test_the_people_import_never_raises(event, data):
    DiversityAttribute.objects.get_or_create(event=event, key="gender", defaults={"choices": "woman\nman"})
    result = participants_import_csv(event=event, data=data)
    assert result.ok or all(isinstance(error.message, str) for error in result.errors)


@FUZZ
@given(data=csv_bytes(["group", "question", "option", "count", "valid", "text"]))
def test_the_paper_tallies_import_never_raises(event, data):
    session = event.sessions.first() or make_questionnaire(event)
    if not event.groups.exists():
        paper_groups_create(event=event, count=2, table_size=6)
    result = paper_tallies_import(event=event, session=session, data=data)
    assert result.ok or result.errors


@FUZZ
@given(data=csv_bytes(["question_code", "option_code", "scope", "scope_name", "count", "percent", "n"]))
def test_the_reference_import_never_raises(data):
    dataset, _created = ReferenceDataset.objects.get_or_create(title="Fuzz")
    result = reference_import_csv(dataset=dataset, data=data, replace=True)
    assert result.ok or result.errors


@FUZZ
@given(data=csv_bytes(["object", "session", "question", "option", "field", "original", "fr"]))
def test_the_translations_import_never_raises(event, data):
    if not event.sessions.exists():
        make_questionnaire(event)
    result = translations_import_csv(event=event, data=data)
    assert result.ok or result.errors


@FUZZ
@given(
    data=st.lists(
        st.tuples(st.sampled_from(["msgctxt", "msgid", "msgstr", "#,", "Language:", '"']), nasty_text), max_size=6
    ).map(lambda lines: "\n".join(f'{key} "{value}"' for key, value in lines).encode("utf-8", "surrogatepass"))
)
def test_the_po_import_never_raises_nor_shows_a_path(event, data):
    result = translations_import_po(event=event, data=data)
    assert result.ok or all("/tmp" not in str(error) for error in result.errors)


@FUZZ
@given(data=st.one_of(documents, json_values.map(lambda v: json.dumps(v, ensure_ascii=True) if v is not None else "")))
def test_the_questionnaire_import_never_raises(event, data):
    result = questionnaire_import(event=event, data=data)
    assert result.ok or result.errors
