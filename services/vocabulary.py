"""The vocabulary: words people use, defined once for the semantic stage (indexing) and search (queries).

A library like services/pipeline (it knows no service), so analysis and the query parser read the same tables
and cannot drift: a word the semantic stage writes on a face is a face-bound word in queries. Cheap to import.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

# Synonym groups: words that name the same thing (a narrower word is not a synonym: WordNet's hypernyms, written by
# the semantic stage, let "building" find a skyscraper, never the reverse). Any word of a group finds the others.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("woman", "lady"),
    ("man", "guy", "gentleman"),
    ("kid", "child"),
    ("baby", "infant"),
    ("building", "edifice"),
    ("motorcycle", "motorbike"),
    ("happy", "smiling", "joyful", "cheerful"),
    ("sad", "unhappy", "sorrowful"),
    ("car", "automobile", "auto"),
    ("sea", "ocean"),
    ("seashore", "coast", "seacoast"),
    ("puppy", "pup"),
    ("kitten", "kitty"),
)

# Words that describe one person, written on that face by the semantic stage.
# Age bands: upper bound exclusive, first match wins; "young" and "adult" overlap the bands.
AGE_BANDS = ((10, ("kid", "child")), (20, ("teen", "teenager")), (30, ("20ies",)), (40, ("30ies",)),
             (50, ("40ies",)), (60, ("50ies",)), (200, ("old", "senior")))
YOUNG_BELOW, ADULT_FROM = 30, 18
YOUNG_WORD, ADULT_WORD = "young", "adult"
GENDER_WORDS = {"female": ("female",), "male": ("male",)}
GENDER_NOUNS = {"female": ("girl", "woman"), "male": ("boy", "man")}  # (under ADULT_FROM, adult or age unknown)
EMOTION_WORDS = {"happy": ("happy", "smiling"), "happiness": ("happy", "smiling"), "sad": ("sad",),
                 "sadness": ("sad",), "angry": ("angry",), "anger": ("angry",), "surprise": ("surprised",),
                 "surprised": ("surprised",), "fear": ("fearful", "scared"), "disgust": ("disgusted",),
                 "neutral": ("neutral", "calm")}

# Age spelled the ways people type it.
AGE_SPELLINGS = {"twenties": "20ies", "thirties": "30ies", "forties": "40ies", "fifties": "50ies",
                 "20s": "20ies", "30s": "30ies", "40s": "40ies", "50s": "50ies", "20ies": "20ies",
                 "30ies": "30ies", "40ies": "40ies", "50ies": "50ies", "teens": "teen", "kids": "kid"}

# WordNet 3.0 as Debian installs it (wordnet-base): its noun lemmas and irregular forms give each word its base.
WORDNET_DIR = Path("/usr/share/wordnet")
NOUN_SUFFIXES = (("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
                 ("men", "man"), ("ies", "y"))  # WordNet's morphy rules for nouns
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)

_SYNONYMS = {word: group for group in SYNONYM_GROUPS for word in group}


def _face_aspects() -> dict[str, tuple[str, str]]:
    """Each face word's aspect and meaning: ("gender", "female") for woman and lady, ("emotion", "happy") for
    smiling, ("age", "20ies"); the tables above and, by synonym, their groups."""
    meanings = [("gender", key, (*GENDER_WORDS[key], *GENDER_NOUNS[key])) for key in GENDER_WORDS]
    meanings += [("emotion", words[0], words) for words in EMOTION_WORDS.values()]
    meanings += [("age", band[0], band) for _, band in AGE_BANDS]
    return {other: (aspect, meaning) for aspect, meaning, words in meanings for word in words
            for other in (word, *_SYNONYMS.get(word, ()))}


_FACE_ASPECTS = _face_aspects()
# Every word analysis can write on a face: those with an aspect, and "young" and "adult", which span age bands.
FACE_WORDS = frozenset(_FACE_ASPECTS) | {YOUNG_WORD, ADULT_WORD}


def normalize(word: str) -> str:
    """Lower case, a noun's base form as WordNet's morphy finds it, ages spelled one way: 'Women' -> 'woman',
    'dogs' -> 'dog', 'sunglasses' stays (a noun of its own), '20s' -> '20ies'. Words WordNet lacks stay as typed."""
    word = word.strip().lower()
    if word in AGE_SPELLINGS:
        return AGE_SPELLINGS[word]
    return _base_form(word)


@lru_cache(maxsize=1 << 16)
def _base_form(word: str) -> str:
    lemmas, exceptions = _noun_forms()
    if word in exceptions:
        return exceptions[word]
    if word in lemmas:
        return word
    for suffix, ending in NOUN_SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix) + 1 and word[:-len(suffix)] + ending in lemmas:
            return word[:-len(suffix)] + ending
    return word


@lru_cache(maxsize=1)
def _noun_forms() -> tuple[frozenset[str], dict[str, str]]:
    """WordNet's single-word noun lemmas and its irregular plurals (noun.exc), read once (about 0.2 s)."""
    try:
        with open(WORDNET_DIR / "index.noun", encoding="utf-8") as index:
            lemmas = frozenset(line.split(" ", 1)[0] for line in index if line[0] != " " and "_" not in
                               line.split(" ", 1)[0])
        with open(WORDNET_DIR / "noun.exc", encoding="utf-8") as exc:
            exceptions = {form: base for form, base, *_ in (line.split() for line in exc) if "_" not in form}
    except OSError as error:
        raise RuntimeError(f"WordNet 3.0 is missing in {WORDNET_DIR}: apt-get install wordnet-base") from error
    return lemmas, exceptions


def synonyms(word: str) -> tuple[str, ...]:
    """The word's synonym group (itself first), normalized."""
    word = normalize(word)
    group = _SYNONYMS.get(word, ())
    return (word, *[w for w in group if w != word])


def words_of(text: str) -> list[str]:
    """The words of a text, lower case; composed first (NFC), so an accent typed apart stays in its word."""
    return [w.lower() for w in _WORD.findall(unicodedata.normalize("NFC", text))]


def is_face_word(word: str) -> bool:
    return normalize(word) in FACE_WORDS


def face_aspect(word: str) -> tuple[str, str] | None:
    """What a face word says about a person: (aspect, meaning), e.g. ("gender", "male") for "guy"; None for other
    words and for "young" and "adult"."""
    return _FACE_ASPECTS.get(normalize(word))
