"""Search policy, written once for every index: the tiers a query runs in, what a term matches, how a hit is
explained. Adapters only translate the query into their engine."""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from services.search.query.ast import And, Filter, Node, Or, Phrase, Query, Word
from services.vocabulary import normalize, synonyms, words_of

if TYPE_CHECKING:
    from services.search.index.port import Hit

FILTER_KEYS = {
    "camera": ("camera", "make", "model"),
    "place": ("city", "region", "country", "country_code", "continent", "near"),
    "country": ("country", "country_code"),
    "tag": ("label", "object", "hypernym", "synonym", "keyword"),
    "label": ("label", "object", "hypernym", "synonym"),
    "year": ("year",), "month": ("month",), "folder": ("folder", "path"),
}
FACET_KEYS = ("country", "city", "year", "camera", "gender", "age", "emotion")
PHRASE_BONUS = 2.0  # a photo holding the query's words as one term ranks above one holding them apart


@lru_cache(maxsize=1 << 16)  # values repeat across photos; indexing normalizes each term
def normalize_value(value: str) -> str:
    """Term values are stored the way query words are written: lower case, singular, one space."""
    return " ".join(normalize(w) for w in words_of(value)) or value.strip().lower()


def tiers(query: Query) -> list[Query]:
    """Every word first (a whole-phrase match ranked above), then, when plain words match nothing together,
    photos with any of them, most words first."""
    root = query.root
    runs = [query]
    if isinstance(root, And) and all(isinstance(n, Word) for n in root.nodes):
        runs.append(Query(Or(root.nodes), query.limit, query.text))
    return runs


def matches(key: str, value: str, atom: Node) -> bool:
    """Whether one term matches a word (as a prefix, or a synonym), a phrase (whole) or a key:value filter."""
    if isinstance(atom, Word):
        return value.startswith(atom.text) or value in synonyms(atom.text)[1:]
    if isinstance(atom, Phrase):
        return value == " ".join(atom.words)
    if isinstance(atom, Filter):
        return key in FILTER_KEYS.get(atom.key, (atom.key,)) and value.startswith(normalize_value(atom.value))
    return False


def explain_hit(hit: "Hit", found: list[tuple[float, str, str, str, int]], explain: bool) -> None:
    """Fill a hit's matched terms (best weight first, each once) and, if asked, why: (weight, key, value,
    source, face) per matching term."""
    for weight, key, value, source, face in sorted(found, key=lambda f: -f[0]):
        label = f"{key}:{value}"
        if label not in hit.matched:
            hit.matched.append(label)
            if explain:
                hit.explain.append({"key": key, "value": value, "source": source, "weight": round(weight, 3),
                                    **({"face": face} if face else {})})
