"""The vocabulary: words people use, defined once for the semantic stage (indexing) and search (queries).

A library like services/pipeline (it knows no service), so analysis and the query parser read the same tables
and cannot drift: a word the semantic stage writes on a face is a face-bound word in queries. Cheap to import.
"""
from __future__ import annotations

import re

# Synonym groups (the original PiGallery's, extended): any word of a group finds the others.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("girl", "female", "woman", "lady"),
    ("boy", "male", "man", "guy", "gentleman"),
    ("building", "architecture", "house", "skyscraper", "palace", "lighthouse"),
    ("church", "monastery", "chapel", "cathedral"),
    ("food", "produce", "meal", "dinner", "dining", "lunch", "breakfast"),
    ("motorcycle", "motorbike", "bike"),
    ("kid", "child", "baby", "toddler"),
    ("happy", "smiling", "joyful", "cheerful"),
    ("sad", "unhappy", "sorrowful"),
    ("car", "automobile", "auto"),
    ("sea", "ocean", "beach", "coast"),
    ("dog", "puppy", "pup"),
    ("cat", "kitten", "kitty"),
)

# Words that describe one person, written on that face by the semantic stage.
# Age bands: upper bound exclusive, first match wins; "young" and "adult" overlap the bands.
AGE_BANDS = ((10, ("kid", "child")), (20, ("teen", "teenager")), (30, ("20ies",)), (40, ("30ies",)),
             (50, ("40ies",)), (60, ("50ies",)), (200, ("old", "senior")))
YOUNG_BELOW, ADULT_FROM = 30, 18
YOUNG_WORD, ADULT_WORD = "young", "adult"
GENDER_WORDS = {"female": ("female", "woman", "girl", "lady"), "male": ("male", "man", "boy", "guy")}
EMOTION_WORDS = {"happy": ("happy", "smiling"), "happiness": ("happy", "smiling"), "sad": ("sad",),
                 "sadness": ("sad",), "angry": ("angry",), "anger": ("angry",), "surprise": ("surprised",),
                 "surprised": ("surprised",), "fear": ("fearful", "scared"), "disgust": ("disgusted",),
                 "neutral": ("neutral", "calm")}

# Age spelled the ways people type it.
AGE_SPELLINGS = {"twenties": "20ies", "thirties": "30ies", "forties": "40ies", "fifties": "50ies",
                 "20s": "20ies", "30s": "30ies", "40s": "40ies", "50s": "50ies", "20ies": "20ies",
                 "30ies": "30ies", "40ies": "40ies", "50ies": "50ies", "teens": "teen", "kids": "kid"}

IRREGULAR_PLURALS = {"women": "woman", "men": "man", "children": "child", "people": "person", "mice": "mouse",
                     "geese": "goose", "feet": "foot", "teeth": "tooth", "ladies": "lady", "babies": "baby",
                     "puppies": "puppy", "skies": "sky", "cities": "city", "countries": "country",
                     "leaves": "leaf", "knives": "knife", "wolves": "wolf", "loaves": "loaf", "buses": "bus",
                     "churches": "church", "glasses": "glass", "boxes": "box", "dishes": "dish",
                     "beaches": "beach", "sandwiches": "sandwich", "watches": "watch", "dresses": "dress"}
NOT_PLURAL = {"glass", "dress", "bus", "grass", "chess", "bikes", "swiss", "paris", "texas", "news", "series",
              "species", "christmas", "los", "las", "us", "is", "this", "its", "as", "was", "yes", "always"}
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)

_SYNONYMS = {word: group for group in SYNONYM_GROUPS for word in group}


def _face_written_words() -> frozenset[str]:
    """Every word analysis can write on a face: the tables above and, by synonym, their groups."""
    words = {w for _, band in AGE_BANDS for w in band} | {YOUNG_WORD, ADULT_WORD}
    words |= {w for group in (*GENDER_WORDS.values(), *EMOTION_WORDS.values()) for w in group}
    return frozenset(words | {other for word in words for other in _SYNONYMS.get(word, ())})


FACE_WORDS = _face_written_words()


def normalize(word: str) -> str:
    """Lower case, singular, ages spelled one way: 'Women' -> 'woman', 'dogs' -> 'dog', '20s' -> '20ies'."""
    word = word.strip().lower()
    if word in AGE_SPELLINGS:
        return AGE_SPELLINGS[word]
    if word in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[word]
    if len(word) > 3 and word.endswith("s") and word not in NOT_PLURAL and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def synonyms(word: str) -> tuple[str, ...]:
    """The word's synonym group (itself first), normalized."""
    word = normalize(word)
    group = _SYNONYMS.get(word, ())
    return (word, *[w for w in group if w != word])


def words_of(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def is_face_word(word: str) -> bool:
    return normalize(word) in FACE_WORDS
