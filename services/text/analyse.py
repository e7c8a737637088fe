"""The text stage's pure function: a photo (decoded at the sizes it asks for) to the lines read in it and their words
as `text` terms."""
from __future__ import annotations

from typing import Callable

from PIL import Image

from proto import pb
from services.text.reader import DETECT_SIZE, READ_DETECT_SIZE, READ_SIZE, Line, TextReader
from services.vocabulary import words_of

# A word read in a photo says less about what the photo shows than a label does (a shop sign reading "dog" is not a
# dog): its weight is this share of the recognition's confidence, so plain words rank photos of the thing above
# photos with the word written in them, while `text:word` finds only words read in photos, by that same weight.
TEXT_WEIGHT = 0.3
MIN_WORD_LENGTH = 2   # single letters and digits are mostly misread edges
MAX_LINES = 200       # a page of text; the rest of a dense document adds little to finding it
MAX_WORDS = 300

Look = Callable[..., Image.Image]  # decode()'s shape for one photo: (size, shrink=True) to the photo at that size


def analyse(look: Look, reader: TextReader) -> pb.TextResult:
    """Look for text cheaply: the photo decoded small (a JPEG's draft just above DETECT_SIZE, which the detection
    model's own resize brings to DETECT_SIZE: decoding a camera photo big costs as much as detecting; shrinking it
    smoothly first hides small text) and the detection model at DETECT_SIZE. Where it finds some, decode at READ_SIZE,
    look again at READ_DETECT_SIZE (small text) unless the photo is no bigger than the first look saw it, and read
    the lines."""
    glance = look(DETECT_SIZE, shrink=False)
    found = reader.boxes(glance, DETECT_SIZE)
    if not found:
        return pb.TextResult(detected=False)
    image = look(READ_SIZE)
    if max(image.size) > DETECT_SIZE:
        found = reader.boxes(image, READ_DETECT_SIZE)
    lines = sorted(reader.read(image, found), key=lambda line: -line.score)[:MAX_LINES]
    lines.sort(key=lambda line: (line.box[1], line.box[0]))
    return pb.TextResult(detected=True, lines=[as_message(line) for line in lines], terms=word_terms(lines))


def as_message(line: Line) -> pb.TextLine:
    x1, y1, x2, y2 = line.box
    return pb.TextLine(text=line.text, score=round(line.score, 4), box=pb.Box(x1=x1, y1=y1, x2=x2, y2=y2))


def word_terms(lines: list[Line]) -> list[pb.Term]:
    """Each word once (case-folded, as queries are), weighted by the surest line it was read in."""
    best: dict[str, float] = {}
    for line in lines:
        for word in words_of(line.text):
            if len(word) >= MIN_WORD_LENGTH:
                best[word] = max(best.get(word, 0.0), line.score)
    ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:MAX_WORDS]
    return [pb.Term(key="text", value=word, source="ocr", weight=round(TEXT_WEIGHT * score, 4)) for word, score in ranked]
