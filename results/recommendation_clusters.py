"""Suggested groupings of similar recommendations, computed here and nowhere else: no text leaves
the server. Pure Python, no database: a TF-IDF of each text's words (among the texts of its own
language), cosine similarity, and an average-link agglomerative clustering that merges the most
similar pair of clusters while their mean similarity reaches the threshold.

Deterministic: the same texts give the same suggestions on every run and in any order of input
(items are sorted by their key first, ties broken by the smallest keys)."""

import math
import re
import unicodedata
from collections import Counter

# Two clusters are merged while the mean cosine similarity of their pairs is at least this.
THRESHOLD = 0.3
WORD = re.compile(r"[^\W\d_]{3,}")


def _listed(text: str) -> list[str]:
    return text.split()


# Words too common to tell recommendations apart, by language (accents folded).
STOP_WORDS = {
    "en": frozenset(
        _listed(
            "the and for that this with are should must all our from have has not but can its into more "
            "their they them will would which who what been also than there these those any each every make"
        )
    ),
    "fr": frozenset(
        _listed(
            "les des une pour que qui dans par sur est sont pas plus avec tous toutes leur leurs doit "
            "doivent nous vous ces cette aux ete etre faut"
        )
    ),
    "es": frozenset(
        _listed(
            "los las una para que por con del sus son mas como todos todas debe deben esta este estos "
            "nuestra nuestro hay ser"
        )
    ),
}


def fold(text: str) -> str:
    """Lower case, accents and NUL removed: "Écoles" and "ecoles" are the same word."""
    text = unicodedata.normalize("NFKD", text.replace("\x00", " ").casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def words(text: str, language: str = "") -> list[str]:
    stop = STOP_WORDS.get((language or "")[:2], set())
    return [w for w in WORD.findall(fold(text)) if w not in stop]


def tfidf(texts: list[list[str]]) -> list[dict[str, float]]:
    """Unit vectors of term frequency × smoothed inverse document frequency."""
    n = len(texts)
    df = Counter(w for ws in texts for w in set(ws))
    vectors = []
    for ws in texts:
        counts = Counter(ws)
        vector = {w: c * (1.0 + math.log((1 + n) / (1 + df[w]))) for w, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values()))
        vectors.append({w: v / norm for w, v in vector.items()} if norm else {})
    return vectors


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b[w] for w, v in a.items() if w in b)


def _cluster(keys: list, vectors: list[dict[str, float]], threshold: float) -> list[list]:
    sim = [[cosine(a, b) for b in vectors] for a in vectors]
    clusters = [[i] for i in range(len(keys))]
    while len(clusters) > 1:
        best = None
        for x in range(len(clusters)):
            for y in range(x + 1, len(clusters)):
                pairs = [sim[i][j] for i in clusters[x] for j in clusters[y]]
                mean = round(sum(pairs) / len(pairs), 9)  # rounded: the same choice whatever the float noise
                if mean >= threshold and (best is None or mean > best[0]):
                    best = (mean, x, y)
        if best is None:
            break
        _mean, x, y = best
        clusters[x] = sorted(clusters[x] + clusters[y])
        del clusters[y]
    return [[keys[i] for i in c] for c in clusters if len(c) > 1]


def suggest_clusters(items, threshold: float = THRESHOLD) -> list[list]:
    """``items``: ``(key, language, text)`` with sortable, distinct keys. Returns the suggested
    groupings, each a sorted list of two keys or more, ordered by their first key. Texts are
    only compared with texts of the same language; texts without a word join no grouping."""
    by_language: dict[str, list[tuple]] = {}
    for key, language, text in sorted(items, key=lambda item: item[0]):
        by_language.setdefault(fold(language or "")[:2], []).append((key, words(text or "", language)))
    found = []
    for language in sorted(by_language):
        rows = [(key, ws) for key, ws in by_language[language] if ws]
        if len(rows) < 2:
            continue
        vectors = tfidf([ws for _key, ws in rows])
        found.extend(_cluster([key for key, _ws in rows], vectors, threshold))
    return sorted(found, key=lambda keys: keys[0])


def _written_forms(texts: list[tuple[str, str]]) -> dict[str, str]:
    """Each compared word's most frequent form as written (lower case, accents kept): "énergie"
    is compared as "energie" but proposed as written."""
    forms: dict[str, Counter] = {}
    for _language, text in texts:
        for written in WORD.findall(unicodedata.normalize("NFC", text.replace("\x00", " ").casefold())):
            forms.setdefault(fold(written), Counter())[written] += 1
    return {key: sorted(found.items(), key=lambda item: (-item[1], item[0]))[0][0] for key, found in forms.items()}


def common_words(texts: list[tuple[str, str]], most: int = 3) -> list[str]:
    """A label to propose for a set: the words its texts share, the most frequent first (ties in
    alphabetical order), as written; ``texts`` are ``(language, text)``."""
    sets = [set(words(text, language)) for language, text in texts]
    shared = set.intersection(*sets) if sets else set()
    counts = Counter(w for language, text in texts for w in words(text, language) if w in shared)
    forms = _written_forms(texts)
    chosen = [w for w, _count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:most]]
    return [forms.get(w, w) for w in chosen]
