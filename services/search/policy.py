"""Search policy, written once for every index: the tiers a query runs in, what a term matches, how a hit is
explained. Adapters only translate the query into their engine."""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from services.search.query.ast import (
    Alike, And, AtLeast, Compound, FacesOf, Filter, Node, Or, Person, Phrase, Query, Word,
)
from services.vocabulary import AGE_BANDS, EMOTION_WORDS, GENDER_WORDS, normalize, synonyms, words_of

if TYPE_CHECKING:
    from services.search.index.port import Hit

FILTER_KEYS = {
    "camera": ("camera", "make", "model"),
    "place": ("city", "region", "country", "country_code", "continent", "near"),
    "country": ("country", "country_code"),
    "tag": ("label", "object", "hypernym", "synonym", "keyword"),
    "label": ("label", "object", "hypernym", "synonym"),
    "year": ("year", "file_year"), "month": ("month", "file_month"), "folder": ("folder", "path"),
}
FACET_KEYS = ("country", "city", "year", "camera", "gender", "age", "emotion")
FACET_VALUES = {  # face facets show one word per meaning (one "female" chip, not female, woman, girl and lady)
    "gender": frozenset(GENDER_WORDS), "age": frozenset(band[0] for _, band in AGE_BANDS),
    "emotion": frozenset(words[0] for words in EMOTION_WORDS.values()),
}
PHRASE_BONUS = 2.0  # x the weight of a term holding the query's words as one: above photos holding them apart
SYNONYM_FACTOR = 0.8  # a synonym of the word counts this much of an exact match
MAX_COMPOUND = 4  # the longest run of query words matched as one term
COMPOUND_KEYS = ("label", "object", "hypernym", "synonym", "related")  # English compounds: a 'tiger shark' is a shark


@lru_cache(maxsize=1 << 16)  # values repeat across photos; indexing normalizes each term
def normalize_value(value: str) -> str:
    """Term values are stored the way query words are written: lower case, singular, one space."""
    return " ".join(normalize(w) for w in words_of(value)) or value.strip().lower()


def in_facets(key: str, value: str) -> bool:
    """Whether a (shown) term value is a facet chip."""
    return key in FACET_KEYS and value in FACET_VALUES.get(key, (value,))


def tiers(query: Query) -> list[Query]:
    """Every word first (a whole-phrase match ranked above; a person's words on one face), then, when no photo holds
    them all and the query has three plain words or more, the photos holding most of them, as a partial result (see
    is_partial): there a person's words count one by one, wherever in the photo ("happy woman 20ies dress" finds a
    happy woman in a dress of another age)."""
    root = query.root
    runs = [query]
    words = plain_words(root) if isinstance(root, And) else None
    if words is not None and len(words) >= 3:
        runs.append(Query(AtLeast(words, len(words) // 2 + 1), query.limit, query.text))
    return runs


def plain_words(root: And) -> tuple[Node, ...] | None:
    """The query's words, a person's each on its own; None when it asks for more than words (a filter, a date, a
    named person, a negation: those hold in every tier)."""
    words: list[Node] = []
    for node in root.nodes:
        parts = node.words if isinstance(node, Person) else (node,)
        if not all(isinstance(part, Word) for part in parts):
            return None
        words.extend(parts)
    return tuple(words)


def with_compounds(query: Query) -> Query:
    """Each plain word next to others may also be met by one term holding the run of words it is in ('sports car
    nikon': the label 'sports car' holds 'sports', whose only word form is 'car'; 'american staffordshire
    terrier' is one label)."""
    root = query.root
    if not isinstance(root, (And, AtLeast)):
        return query
    nodes = root.nodes
    runs = [(i, j) for i in range(len(nodes)) for j in range(i + 2, min(len(nodes), i + MAX_COMPOUND) + 1)
            if all(isinstance(n, Word) for n in nodes[i:j])]
    rewritten = []
    for k, node in enumerate(nodes):
        compounds = [Compound(tuple(w.text for w in nodes[i:j])) for i, j in runs if i <= k < j]
        rewritten.append(Or((node, *compounds)) if isinstance(node, Word) and compounds else node)
    shaped = And(tuple(rewritten)) if isinstance(root, And) else AtLeast(tuple(rewritten), root.count)
    return Query(shaped, query.limit, query.text)


def is_partial(query: Query) -> bool:
    return isinstance(query.root, AtLeast)


def word_values(word: str) -> tuple[tuple[str, float], ...]:
    """(value, factor) of the term values a plain word matches: itself (words and values meet at their base
    form: 'dogs' and 'dog'), then its synonyms. Never values that merely start with it ('car' is not 'carnivore');
    broader words come from the hypernyms the semantic stage writes."""
    return ((word, 1.0), *((other, SYNONYM_FACTOR) for other in synonyms(word)[1:]))


def matches(key: str, value: str, atom: Node) -> bool:
    """Whether one term matches a word (itself or a synonym), a phrase (whole) or a key:value filter (a prefix of
    the value: 'camera:canon' finds 'canon eos 5d')."""
    if isinstance(atom, Word):
        return any(value == wanted for wanted, _ in word_values(atom.text))
    if isinstance(atom, (Phrase, Compound)):
        return value == " ".join(atom.words)
    if isinstance(atom, Filter):
        return key in FILTER_KEYS.get(atom.key, (atom.key,)) and value.startswith(normalize_value(atom.value))
    return False


def tier_of(key: str, value: str, atoms: list[Node]) -> str:
    """How a matching term met the query: exact, synonym, hypernym (a broader word the photo was given), or similar
    (it looks like the photo asked about)."""
    if key in ("hypernym", "similar"):
        return key
    if key == "person":
        return "exact"
    exact = any(value == atom.text if isinstance(atom, Word) else matches(key, value, atom) for atom in atoms)
    return "exact" if exact else "synonym"


def asker_matches(atoms: list[Node]) -> dict[str, list[tuple[float, str, str, str, int]]]:
    """Per photo, what the asker's own atoms found in it as matched terms: (1, "person", name, "people", face) for
    a named person, (similarity, "similar", photo asked about, "embedding", 0) for a similar photo; made once per
    query, read per hit."""
    found: dict[str, list[tuple[float, str, str, str, int]]] = {}
    for atom in atoms:
        if isinstance(atom, FacesOf):
            for photo, face in sorted(atom.faces):
                found.setdefault(photo, []).append((1.0, "person", atom.name, "people", face))
        if isinstance(atom, Alike):
            for photo, similarity in atom.scores:
                found.setdefault(photo, []).append((similarity, "similar", atom.photo, "embedding", 0))
    return found


def faces_meeting(persons: list[Person], found: list[tuple[float, str, str, str, int]]) -> set[int]:
    """The faces of a hit, among its matching terms, that hold every word of one of the persons (a named person's
    faces as the asker's matches give them)."""
    met: set[int] = set()
    for person in persons:
        holding = [{f[4] for f in found if f[4] and (f[1] == "person" and f[2] == word.name if isinstance(word, FacesOf)
                                                      else matches(f[1], f[2], word))} for word in person.words]
        met |= set.intersection(*holding) if holding else set()
    return met


def explain_hit(hit: "Hit", found: list[tuple[float, str, str, str, int]], atoms: list[Node], explain: bool,
                persons: list[Person] = ()) -> None:
    """Fill a hit's matched terms (best weight first, each once) and, if asked, why: (weight, key, value,
    source, face) per matching term, with the tier it matched in. A term on several faces is shown on a face that
    met a person the query describes ("sad woman": the sad woman's face, not the happy woman's beside her)."""
    met = faces_meeting(persons, found)
    for weight, key, value, source, face in sorted(found, key=lambda f: (bool(f[4]) and f[4] not in met, -f[0])):
        label = f"{key}:{value}"
        if label not in hit.matched:
            hit.matched.append(label)
            if explain:
                hit.explain.append({"key": key, "value": value, "source": source, "weight": round(weight, 3),
                                    "tier": tier_of(key, value, atoms), **({"face": face} if face else {})})
