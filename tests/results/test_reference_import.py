"""Importing reference results: any bad row refuses the whole file, each problem on its line."""

from decimal import Decimal

import pytest

from results.models import ReferenceDataset, ReferenceResult
from results.reference_import import reference_import_csv
from results.services import reference_demo_dataset_create
from sessions_app.demo_questionnaire import QUESTIONS

pytestmark = pytest.mark.django_db

HEADER = "question_code,option_code,scope,scope_name,count,percent,n\n"


@pytest.fixture
def dataset():
    return ReferenceDataset.objects.create(title="WeTheInternet 2020")


def test_a_good_file_is_imported(dataset):
    data = HEADER + (
        "q1,opportunity,global,,2050,41,5000\n"
        "q1,threat,Global,,,9.333,5000\n"
        "q1,opportunity,country,  France ,33,,100\n"
        "q1,opportunity,continent,Europe,525,35,1500\n"
    )
    result = reference_import_csv(dataset=dataset, data=data.encode())
    assert result.ok and result.created == 4
    threat = ReferenceResult.objects.get(dataset=dataset, option_code="threat")
    assert threat.scope == "global" and threat.count is None and threat.percent == Decimal("9.33")
    france = ReferenceResult.objects.get(dataset=dataset, scope="country")
    assert (france.scope_name, france.count, france.percent, france.n) == ("France", 33, None, 100)


def test_every_bad_row_is_listed_and_nothing_is_written(dataset):
    data = HEADER + (
        "q1,opportunity,global,,10,,100\n"  # 2: good
        "q1,threat,planet,,10,,100\n"  # 3: unknown scope
        "q1,both,global,,10,,\n"  # 4: missing n
        "q1,neither,global,,101,,100\n"  # 5: count > n
        "q2,media,global,,,101,100\n"  # 6: percent above 100
        "q2,citizens,global,,,-1,100\n"  # 7: percent below 0
        "q2,platforms,global,,ten,,100\n"  # 8: non-numeric count
        "q2,governments,global,,,abc,100\n"  # 9: non-numeric percent
        "q1,opportunity,global,,12,,100\n"  # 10: duplicate of line 2
        "q3,1,country,,5,,100\n"  # 11: no scope_name
        "q3,2,global,France,5,,100\n"  # 12: scope_name for global
        "q3,3,global,,,,100\n"  # 13: neither count nor percent
        "q3,4,global,,10,50,100\n"  # 14: count and percent disagree
        "q3,5,global,,10,,0\n"  # 15: n not above 0
        "q 4,5,global,,10,,100\n"  # 16: not a code
        "q1,threat,global,,10,,90\n"  # 17: another N than line 2 for the same question and scope
    )
    result = reference_import_csv(dataset=dataset, data=data.encode())
    assert [(e.line, e.column) for e in result.errors] == [
        (3, "scope"),
        (4, "n"),
        (5, "count"),
        (6, "percent"),
        (7, "percent"),
        (8, "count"),
        (9, "percent"),
        (10, ""),
        (11, "scope_name"),
        (12, "scope_name"),
        (13, "count"),
        (14, "percent"),
        (15, "n"),
        (16, "question_code"),
        (17, "n"),
    ]
    messages = [str(e) for e in result.errors]
    assert "line 3, scope: “planet” is not a scope; use one of global, continent, country." in messages
    assert "line 5, count: 101 is more than N (100)." in messages
    assert "line 10: the same question, option and scope as line 2." in messages
    assert "line 14, percent: 50 does not match the count: 10 of 100 is 10.0." in messages
    assert "line 17, n: 90 differs from N 100 on line 2." in messages
    assert not result.ok and result.created == 0
    assert not ReferenceResult.objects.exists()


def test_missing_columns_are_reported_on_the_header(dataset):
    result = reference_import_csv(dataset=dataset, data=b"question_code,scope,colour\nq1,global,red\n")
    assert [(e.line, e.column) for e in result.errors] == [
        (1, "colour"),
        (1, "option_code"),
        (1, "n"),
        (1, "count, percent"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (HEADER.encode(), "The file has a header but no results."),
        ("é".encode("latin-1"), "not UTF-8"),
    ],
)
def test_unusable_files_are_refused(dataset, data, message):
    result = reference_import_csv(dataset=dataset, data=data)
    assert message in str(result.errors[0])


def test_semicolon_separated_files_are_read(dataset):
    data = "question_code;option_code;scope;scope_name;count;n\nq1;threat;continent;Africa;78;1300\n"
    result = reference_import_csv(dataset=dataset, data=data.encode())
    assert result.ok and ReferenceResult.objects.get().scope_name == "Africa"


def test_rows_already_in_the_dataset_are_refused_unless_replacing(dataset):
    ReferenceResult.objects.create(
        dataset=dataset, question_code="q1", option_code="threat", scope="global", n=10, count=1
    )
    data = (HEADER + "q1,threat,global,,2,,10\nq1,both,global,,3,,10\n").encode()
    refused = reference_import_csv(dataset=dataset, data=data)
    assert [(e.line, str(e)) for e in refused.errors] == [
        (2, "line 2: this question, option and scope are already in the dataset.")
    ]
    assert dataset.results.count() == 1
    replaced = reference_import_csv(dataset=dataset, data=data, replace=True)
    assert replaced.ok and replaced.created == 2
    assert dict(dataset.results.values_list("option_code", "count")) == {"threat": 2, "both": 3}


def test_the_demo_dataset_is_illustrative_and_covers_the_demo_questions():
    dataset = reference_demo_dataset_create()
    assert dataset.illustrative and "Illustrative" in dataset.title
    assert "NOT" in dataset.source  # never presented as published figures
    assert reference_demo_dataset_create() == dataset  # created once
    demo_options = {code: {o for o, _label in options} for code, _k, _r, _m, _t, options in QUESTIONS[:4]}
    rows = list(dataset.results.all())
    for code, options in demo_options.items():
        assert {r.option_code for r in rows if r.question_code == code} == options
    assert {(r.scope, r.scope_name) for r in rows} == {
        ("global", ""),
        ("continent", "Europe"),
        ("continent", "Africa"),
        ("country", "France"),
        ("country", "Kenya"),
    }
    assert len(rows) == 5 * (4 + 5 + 5 + 4)
    # Single choice, scale and ranking shares add up to N in every scope; multiple choice to more.
    for code in ("q1", "q3", "q4"):
        for scope_name in ("", "Europe", "France"):
            scoped = [r for r in rows if r.question_code == code and r.scope_name == scope_name]
            assert sum(r.count for r in scoped) == scoped[0].n
    q2 = [r for r in rows if r.question_code == "q2" and r.scope == "global"]
    assert sum(r.count for r in q2) > q2[0].n
    education = next(
        r for r in rows if r.question_code == "q4" and r.option_code == "education" and r.scope == "global"
    )
    assert (education.count, education.n, education.percent) == (424, 800, Decimal("53.00"))
