"""WordNet as nltk reads it from Debian's files: the source the compact table is built from (seconds to load).

Its rules (which hypernyms, which lemmas) are the semantic stage's; the table stores their answers for every noun
synset, so the stage reads them without nltk.
"""
from __future__ import annotations

import functools
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

from services.semantic import tables
from services.semantic.wordnet_data import ensure_wordnet


class NltkWordNet:
    """nltk's reader over the data dir built by ensure_wordnet(), loaded on first use; thread-safe.

    Same questions as the table's WordNet, by synset name: by_wnid, by_name, chain, words."""

    def __init__(self, nltk_dir: Path | None = None):
        self._nltk_dir = nltk_dir
        self._lock = threading.Lock()
        self._use = threading.RLock()  # nltk's reader seeks shared files: one thread at a time
        self._reader = None

    @property
    def reader(self):
        with self._lock:
            if self._reader is None:
                import nltk
                from nltk.corpus.reader.wordnet import WordNetCorpusReader

                root = ensure_wordnet(self._nltk_dir)
                if str(root) not in nltk.data.path:
                    nltk.data.path.insert(0, str(root))  # nltk only reads corpora under its data path
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)  # no multilingual data: not needed
                    self._reader = WordNetCorpusReader(nltk.data.find("corpora/wordnet"), None)
            return self._reader

    def nouns(self) -> Iterator[tuple[int, str]]:
        """(offset, name) of every noun synset, in offset order."""
        with self._use:
            for synset in self.reader.all_synsets("n"):
                yield synset.offset(), synset.name()

    def by_wnid(self, wnid: str) -> str | None:
        """The name of the noun synset of an ImageNet wnid (n02123045), or None."""
        if len(wnid) < 2 or wnid[0] != "n" or not wnid[1:].isdigit():
            return None
        with self._use:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)  # nltk warns and returns None for unknown offsets
                    synset = self.reader.synset_from_pos_and_offset("n", int(wnid[1:]))
            except Exception:  # noqa: BLE001 - nltk raises WordNetError or ValueError for unknown offsets
                return None
            return synset.name() if synset is not None else None

    def by_name(self, name: str) -> str | None:
        """The name when it names a noun synset, else None."""
        synset = self._synset(name)
        return name if synset is not None and synset.pos() == "n" else None

    def _synset(self, name: str):
        with self._use:
            try:
                return self.reader.synset(name)
            except Exception:  # noqa: BLE001 - unknown synset names
                return None

    @functools.lru_cache(maxsize=1 << 16)
    def chain(self, name: str) -> list[tuple[str, int]]:
        """(synset name, fewest steps above the leaf) over every hypernym path, below the stop set."""
        steps_of: dict[str, int] = {}
        with self._use:
            for path in self._synset(name).hypernym_paths():
                for steps, ancestor in enumerate(reversed(path[:-1]), start=1):
                    if ancestor.name() in tables.STOP_SYNSETS or steps > tables.MAX_HYPERNYMS:
                        break
                    steps_of[ancestor.name()] = min(steps, steps_of.get(ancestor.name(), steps))
        return sorted(steps_of.items(), key=lambda item: (item[1], item[0]))

    def words(self, name: str) -> list[str]:
        """The synset's lemmas people use, as they write them ('tabby_cat' -> 'tabby cat'): the first always; the
        others when this synset is among what the word names most often, unless they are Latin names or used far
        less than the first in this sense, where WordNet's sense counts are large enough to tell ('soul' and
        'mortal' are lemmas of person.n.01; 'cat' is a lemma of big_cat.n.01, but a cat is first a house cat)."""
        with self._use:
            synset = self._synset(name)
            if synset is None:
                return []
            lemmas = synset.lemmas()
            most = max(lemma.count() for lemma in lemmas)
            least = most * tables.RARE_LEMMA_SHARE if most >= tables.SENSE_COUNT_EVIDENCE else 0
            return [lemma.name().replace("_", " ").lower() for n, lemma in enumerate(lemmas)
                    if n == 0 or (not is_binomial(lemma.name()) and lemma.count() >= least
                                  and synset in self._main_senses(lemma.name()))]

    @functools.lru_cache(maxsize=1 << 15)
    def _main_senses(self, lemma: str) -> tuple:
        """The noun senses a word names most often (WordNet orders senses by use)."""
        return tuple(self.reader.synsets(lemma, "n")[:tables.MAIN_SENSES])


def is_binomial(lemma: str) -> bool:
    """A Latin species or genus name as WordNet writes it: 'Panthera_tigris', 'Felis_catus'."""
    genus, _, rest = lemma.partition("_")
    return genus[:1].isupper() and genus[1:].islower() and bool(rest) and rest.replace("_", "").islower()


def build_table(path: Path, nltk_dir: Path | None = None) -> None:
    """Every noun synset's words and chain, as the rules above give them, written as the compact table."""
    from services.semantic.wordnet_table import write_table

    wordnet = NltkWordNet(nltk_dir)
    write_table(path, ((offset, name, wordnet.words(name), wordnet.chain(name)) for offset, name in wordnet.nouns()))
