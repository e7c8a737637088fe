"""Words people use, shared by the semantic stage (indexing) and the search service (queries).

The one module search may import from semantic (see shared/ARCHITECTURE.md): cheap to import, no WordNet load.
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

# Words that describe one person: the face terms the semantic stage writes, keyed by what they say.
AGE_WORDS = ("kid", "teen", "20ies", "30ies", "40ies", "50ies", "old", "young", "adult", "child", "baby",
             "teenager", "elderly", "senior", "toddler")
GENDER_WORDS = ("woman", "man", "female", "male", "girl", "boy", "lady", "guy", "gentleman")
EMOTION_WORDS = ("happy", "sad", "angry", "surprised", "fearful", "disgusted", "neutral", "smiling", "joyful",
                 "cheerful", "unhappy", "calm", "scared")
FACE_WORDS = frozenset(AGE_WORDS + GENDER_WORDS + EMOTION_WORDS)

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
