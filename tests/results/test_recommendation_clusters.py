"""The suggested groupings (results.recommendation_clusters): pure, deterministic, per language."""

import itertools
import random

import pytest

from results.recommendation_clusters import common_words, cosine, fold, suggest_clusters, tfidf, words

BIKES_AND_FOOD = [
    (1, "en", "More bike lanes in the city centre"),
    (2, "en", "Build safe bike lanes in every city"),
    (3, "en", "Lower taxes on fresh food"),
    (4, "fr", "Plus de pistes cyclables en ville"),
    (5, "fr", "Des pistes cyclables partout en ville"),
    (6, "en", "Taxes on fresh food should be lower"),
    (7, "en", "Teach media literacy at school"),
]


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], []),
        ([(1, "en", "Fund public libraries")], []),
        (BIKES_AND_FOOD, [[1, 2], [3, 6], [4, 5]]),
        # Duplicates are one set; an empty text, or one without a word, joins none.
        ([(1, "en", "Fund libraries"), (2, "en", "Fund libraries"), (3, "en", ""), (4, "en", "!! 42 ??")], [[1, 2]]),
        # Accents and case do not matter: "Écoles" is "ecoles".
        (
            [(1, "fr", "Des écoles ouvertes le soir"), (2, "fr", "ECOLES OUVERTES"), (3, "fr", "Moins d'impôts")],
            [[1, 2]],
        ),
        # The same words in two languages are not compared: each language is its own set of texts.
        ([(1, "en", "Digital public services"), (2, "fr", "Digital public services")], []),
        # A NUL is a space, never a crash.
        ([(1, "en", "bike\x00lanes everywhere"), (2, "en", "bike lanes everywhere")], [[1, 2]]),
        # Only stop words: nothing to compare.
        ([(1, "en", "the and for"), (2, "en", "the and for")], []),
        # Dissimilar texts stay apart.
        ([(1, "en", "Fund libraries"), (2, "en", "Ban advertising to children")], []),
    ],
)
def test_suggestions(items, expected):
    assert suggest_clusters(items) == expected


def test_the_same_on_every_run_and_in_any_order():
    first = suggest_clusters(BIKES_AND_FOOD)
    for seed in range(20):
        shuffled = list(BIKES_AND_FOOD)
        random.Random(seed).shuffle(shuffled)
        assert suggest_clusters(shuffled) == first
    for permutation in itertools.islice(itertools.permutations(BIKES_AND_FOOD[:5]), 60):
        assert suggest_clusters(list(permutation)) == [[1, 2], [4, 5]]


def test_average_link_merges_a_third_only_when_it_resembles_the_set():
    close = [(1, "en", "bike lanes city"), (2, "en", "bike lanes city safe"), (3, "en", "bike lanes city night")]
    assert suggest_clusters(close) == [[1, 2, 3]]
    assert suggest_clusters(close, threshold=0.99) == []


def test_the_pieces():
    assert fold("Écoles\x00ÇA") == "ecoles ca"
    assert words("The bike lanes, 2 of them: ça!", "en") == ["bike", "lanes"]
    a, b = tfidf([["bike", "lanes"], ["bike", "lanes"]])
    assert cosine(a, b) == pytest.approx(1.0) and tfidf([[]]) == [{}]
    assert common_words([("en", "Safe bike lanes"), ("en", "bike lanes and bike parks")]) == ["bike", "lanes"]
    assert common_words([]) == []


def test_a_proposed_label_keeps_the_words_accents_as_written():
    texts = [("fr", "Plus d'énergie solaire à l'école"), ("fr", "L'ÉNERGIE solaire dans chaque école")]
    assert common_words(texts) == ["école", "énergie", "solaire"]  # ties: in the order of the compared words
    assert fold("énergie") == "energie"  # compared without them
