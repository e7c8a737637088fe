"""The semantic stage's pure function: what vision saw, in the words people use, each with source and weight."""
from __future__ import annotations

import logging
import time
from collections import Counter

from proto import pb
from services.semantic import tables
from services.semantic.wordnet import WordNet
from services.vocabulary import (ADULT_FROM, ADULT_WORD, AGE_BANDS, EMOTION_WORDS, GENDER_NOUNS, GENDER_WORDS,
                                 SYNONYM_GROUPS, YOUNG_BELOW, YOUNG_WORD)

log = logging.getLogger(__name__)
GROUP_OF = {word: group for group in SYNONYM_GROUPS for word in group}


class Terms:
    """Collects terms, keeping the highest weight for each (key, value, face)."""

    def __init__(self):
        self._best: dict[tuple[str, str, int], pb.Term] = {}

    def add(self, key: str, value: str, source: str, weight: float, face: int = 0) -> None:
        value = value.strip().lower()
        slot = (key, value, face)
        if value and (slot not in self._best or self._best[slot].weight < weight):
            self._best[slot] = pb.Term(key=key, value=value, source=source, weight=round(weight, 4), face=face)

    def list(self) -> list[pb.Term]:
        return sorted(self._best.values(), key=lambda t: (-t.weight, t.key, t.value))


def analyse(vision: pb.VisionResult, wordnet: WordNet, misses: Counter | None = None) -> pb.SemanticResult:
    """Never fails on what it does not know: unknown wnids and labels are counted and logged as misses."""
    misses = misses if misses is not None else Counter()
    terms = Terms()
    kinds: dict[str, list[float]] = {}  # ancestor synset -> [the classes' summed score, fewest steps up]
    for label in vision.classes:  # down to the vision stage's cut, each weighted by its score
        synset = wordnet.by_wnid(label.wnid)
        score = label.score
        if synset is not None and vision.faces and _is_clothing(wordnet, synset):
            score *= tables.WORN_ON_PORTRAIT
        terms.add("label", label.label, "classifier", score)
        if synset is None:
            misses[f"wnid:{label.wnid}"] += 1
            log.info("no WordNet synset for wnid %r (%s)", label.wnid, label.label)
            continue
        _leaf_terms(terms, wordnet, synset, score, "label")
        for ancestor, steps in wordnet.chain(synset):
            kind = kinds.setdefault(ancestor, [0.0, steps])
            kind[0], kind[1] = kind[0] + score, min(kind[1], steps)
    for ancestor, (score, steps) in kinds.items():  # the classifier's classes are exclusive: their scores add up
        _ancestor_terms(terms, wordnet, ancestor, min(score, 1.0), steps)
    confident = _confident_animal(vision, wordnet)
    for detection in vision.objects:
        name = tables.COCO_SYNSETS.get(detection.label.lower())
        synset = wordnet.by_name(name) if name is not None else None
        if synset is None:
            terms.add("object", detection.label, "detector", detection.score)
            misses[f"label:{detection.label}"] += 1
            log.info("no WordNet synset for detector label %r", detection.label)
            continue
        if confident is not None and _contradicts(wordnet, confident, synset):
            continue
        terms.add("object", detection.label, "detector", detection.score)
        _synset_terms(terms, wordnet, synset, detection.score, "object")
    for index, face in enumerate(vision.faces, start=1):
        _face_terms(terms, face, index)
    _people_terms(terms, vision.faces)
    _synonyms(terms)
    return pb.SemanticResult(
        meta=pb.StageMeta(stage="semantic", version=tables.VERSION, outcome=pb.OUTCOME_OK, finished_at=time.time(),
                          reason=f"no meaning known for {', '.join(sorted(misses))}" if misses else ""),
        terms=terms.list(),
    )


def _confident_animal(vision: pb.VisionResult, wordnet: WordNet) -> str | None:
    """The synset of the classifier's best label when it is a confident animal, else None."""
    best = max(vision.classes, key=lambda label: label.score, default=None)
    if best is None or best.score < tables.CONFIDENT_CLASS:
        return None
    synset = wordnet.by_wnid(best.wnid)
    return synset if synset is not None and _is_a(wordnet, synset, tables.ANIMAL_SYNSET) else None


def _contradicts(wordnet: WordNet, animal: str, detected: str) -> bool:
    """A detected animal that is neither a kind of the classifier's animal nor one it is a kind of."""
    if not _is_a(wordnet, detected, tables.ANIMAL_SYNSET) or detected == animal:
        return False
    return not (_is_a(wordnet, animal, detected) or _is_a(wordnet, detected, animal))


def _is_a(wordnet: WordNet, synset: str, ancestor: str) -> bool:
    return any(name == ancestor for name, _ in wordnet.chain(synset))


def _is_clothing(wordnet: WordNet, synset: str) -> bool:
    return _is_a(wordnet, synset, tables.CLOTHING_SYNSET)


def _synset_terms(terms: Terms, wordnet: WordNet, synset: str, score: float, key: str) -> None:
    _leaf_terms(terms, wordnet, synset, score, key)
    for ancestor, steps in wordnet.chain(synset):
        _ancestor_terms(terms, wordnet, ancestor, score, steps)


def _leaf_terms(terms: Terms, wordnet: WordNet, synset: str, score: float, key: str) -> None:
    for word in wordnet.words(synset):
        terms.add(key, word, "wordnet", score * tables.LEAF_WEIGHT)
    for related in tables.RELATED_WORDS.get(synset, ()):
        terms.add("related", related, "wordnet", score * tables.SYNONYM_WEIGHT)


def _ancestor_terms(terms: Terms, wordnet: WordNet, ancestor: str, score: float, steps: int) -> None:
    """The words of a kind the thing is, weaker for each step up: 'cat' for a tabby at 2 steps."""
    weight = score * tables.HYPERNYM_DECAY ** steps
    for word in wordnet.words(ancestor)[:3]:
        terms.add("hypernym", word, "wordnet", weight)
    for related in tables.RELATED_WORDS.get(ancestor, ()):
        terms.add("related", related, "wordnet", weight * tables.SYNONYM_WEIGHT)


def _face_terms(terms: Terms, face: pb.Face, index: int) -> None:
    if face.age > 0:
        band = next(words for bound, words in AGE_BANDS if face.age < bound)
        for word in band:
            terms.add("age", word, "face", 0.8, index)
        if face.age < YOUNG_BELOW:
            terms.add("age", YOUNG_WORD, "face", 0.6, index)
        if face.age >= ADULT_FROM:
            terms.add("age", ADULT_WORD, "face", 0.4, index)
    if not 0 < face.gender_score < tables.MIN_GENDER_CONFIDENCE:
        gender = face.gender.lower()
        if gender in GENDER_NOUNS:  # "girl" and "boy" for the young only, "woman" and "man" for adults
            young, adult = GENDER_NOUNS[gender]
            words = (*GENDER_WORDS[gender], young if 0 < face.age < ADULT_FROM else adult)
            for word in words:
                terms.add("gender", word, "face", 0.9 * (face.gender_score or 1.0), index)
    for word in EMOTION_WORDS.get(face.emotion.lower(), ()):
        terms.add("emotion", word, "face", 0.8 * (face.emotion_score or 1.0), index)


def _people_terms(terms: Terms, faces) -> None:
    """Words for the people in a photo, as sure as the detector is of its surest face (a ball or a dog's head
    taken for a face is found by 'face' after the photos of real faces)."""
    if not faces:
        return
    sure = max(face.score for face in faces) or 1.0  # no score given: as sure as can be
    terms.add("people", "face", "face", 0.8 * sure)
    for word in next(words for bound, words in tables.PEOPLE_WORDS if len(faces) <= bound):
        terms.add("people", word, "face", 0.7 * sure)
    if len(faces) == 1:
        box = faces[0].box
        area = max(0.0, box.x2 - box.x1) * max(0.0, box.y2 - box.y1)
        if area >= tables.PORTRAIT_AREA:
            terms.add("people", "portrait", "face", 0.7 * sure)
        if area >= tables.SELFIE_AREA:
            terms.add("people", "selfie", "face", 0.6 * sure)


def _synonyms(terms: Terms) -> None:
    """Every word of a synonym group finds the others (the face-bound ones stay on their face)."""
    for term in list(terms.list()):
        for other in GROUP_OF.get(term.value, ()):
            if other != term.value:
                key = term.key if term.face else "synonym"
                terms.add(key, other, "synonym", term.weight * tables.SYNONYM_WEIGHT, term.face)
