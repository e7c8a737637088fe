"""The query AST: one parser produces it, each index adapter compiles it."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Word:
    """A plain word in its base form, matched by term values equal to it or to a synonym (see policy.word_values)."""

    text: str


@dataclass(frozen=True)
class Phrase:
    """Quoted words: a term value equal to them, or all of them on one photo."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class Filter:
    """key:value, matched against terms with that key (value as a prefix)."""

    key: str
    value: str


@dataclass(frozen=True)
class DateRange:
    """Taken at or after start and before end (unix seconds; None = open)."""

    start: float | None
    end: float | None


@dataclass(frozen=True)
class Near:
    """Within km of a known place."""

    place: str
    lat: float
    lon: float
    km: float


@dataclass(frozen=True)
class FaceCount:
    low: int
    high: int


@dataclass(frozen=True)
class Named:
    """A person the asker named ('anna', `person:anna`): her faces, bound to the face words beside the name like
    those words to each other (see Person). The search API turns it into FacesOf before an index sees the query."""

    name: str


@dataclass(frozen=True)
class FacesOf:
    """The faces of a person the asker named: (photo id, face number from 1, as face terms count them)."""

    name: str
    faces: frozenset[tuple[str, int]]


@dataclass(frozen=True)
class Person:
    """Words (and at most one named person) that must all hold for the same face ("happy woman 20ies", "anna
    smiling")."""

    words: tuple[Word | Named | FacesOf, ...]


@dataclass(frozen=True)
class Not:
    node: "Node"


@dataclass(frozen=True)
class And:
    nodes: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    nodes: tuple["Node", ...]


@dataclass(frozen=True)
class Compound:
    """Neighbouring plain words met by one term value equal to them ('tabby cat' finds the label 'tabby cat', whose
    own words are only 'cat'); an alternative the policy adds for each word (see policy.with_compounds)."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class AtLeast:
    """At least `count` of the nodes hold (the partial tier of a query's plain words)."""

    nodes: tuple["Node", ...]
    count: int


@dataclass(frozen=True)
class Marked:
    """The asker's own marks: `favorite` (kind "favorite"), `album:NAME` (kind "album"; no name: any album). The
    search API turns it into the Ids it holds for her before an index sees the query (api.resolve_asker)."""

    kind: str
    name: str = ""


@dataclass(frozen=True)
class Rated:
    """`rating:4..5`, `rating:5`, `rating:>=3`: photos rated low..high stars (0-5). Her own rating wins over the
    file's XMP rating: the search API turns it into the photos she rated so (Ids) or, where she rated nothing,
    whose file is rated so (FileRating) before an index sees the query (api.resolve_asker)."""

    low: int
    high: int


@dataclass(frozen=True)
class FileRating:
    """Photos whose file's XMP rating (0-5; a rejected -1 counts as 0) lies in low..high."""

    low: int
    high: int


@dataclass(frozen=True)
class Ids:
    """Photos by id (what a Marked node holds for the asker)."""

    ids: frozenset[str]


@dataclass(frozen=True)
class Similar:
    """`similar:ID`: the photos most like photo ID among the asker's. The search API turns it into Alike before an
    index sees the query (api.resolve_asker)."""

    photo: str


@dataclass(frozen=True)
class Alike:
    """The photos like one photo, each with its cosine similarity to it (what a Similar node holds for the asker):
    they match, and rank by that similarity."""

    photo: str
    scores: tuple[tuple[str, float], ...]


Node = (Word | Phrase | Compound | Filter | DateRange | Near | FaceCount | Person | Not | And | Or | AtLeast | Marked | Ids
        | Named | FacesOf | Similar | Alike | Rated | FileRating)


@dataclass(frozen=True)
class Query:
    """The parsed query: its tree (None: browse everything) and the options given in it."""

    root: Node | None
    limit: int | None = None
    text: str = ""

    def words(self) -> list[str]:
        """Every positive plain word, for the any-word fallback and the phrase tier."""
        found: list[str] = []

        def walk(node, negated=False):
            if isinstance(node, Word) and not negated:
                found.append(node.text)
            elif isinstance(node, Person) and not negated:
                found.extend(w.text for w in node.words if isinstance(w, Word))
            elif isinstance(node, Phrase) and not negated:
                found.extend(node.words)
            elif isinstance(node, Not):
                walk(node.node, True)
            elif isinstance(node, (And, Or, AtLeast)):
                for child in node.nodes:
                    walk(child, negated)

        if self.root is not None:
            walk(self.root)
        return found


def positive_atoms(node: Node | None) -> list[Node]:
    """The words, phrases, filters, person words, named people and similar photos a hit is ranked and explained by
    (not the negated ones)."""
    if isinstance(node, (And, Or, AtLeast)):
        return [atom for child in node.nodes for atom in positive_atoms(child)]
    if isinstance(node, Person):
        return list(node.words)
    if isinstance(node, (Word, Phrase, Compound, Filter, FacesOf, Alike)):
        return [node]
    return []


def positive_persons(node: Node | None) -> list[Person]:
    """The people the query describes (not the negated ones): explain names the face that met each."""
    if isinstance(node, (And, Or, AtLeast)):
        return [person for child in node.nodes for person in positive_persons(child)]
    return [node] if isinstance(node, Person) else []
