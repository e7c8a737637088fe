"""WordNet 3.0 for the semantic stage: a noun synset by ImageNet wnid or name, its words and useful hypernyms,
read from the compact table `picsift models build` makes (a fraction of a second, a few tens of MB)."""
from __future__ import annotations

import logging
import threading
from bisect import bisect_left
from pathlib import Path

from services.semantic.wordnet_table import Table, default_table_dir, read_table, table_path

log = logging.getLogger(__name__)


def load_table(table_dir: Path | None = None, nltk_dir: Path | None = None) -> Table:
    """The table; built first from Debian's WordNet through nltk when missing, damaged or made under other rules."""
    path = table_path(table_dir or default_table_dir())
    try:
        return read_table(path)
    except (OSError, ValueError) as exc:
        from services.semantic.wordnet_nltk import build_table

        why = "not built yet" if isinstance(exc, FileNotFoundError) else str(exc)
        log.info("building the WordNet table %s (about a minute, once): %s", path, why)
        build_table(path, nltk_dir)
        return read_table(path)


class WordNet:
    """The table, loaded on first use; every answer is a synset name (or its words), never an nltk object."""

    def __init__(self, table_dir: Path | None = None, nltk_dir: Path | None = None):
        self._table_dir, self._nltk_dir = table_dir, nltk_dir
        self._lock = threading.Lock()
        self._table: Table | None = None

    @property
    def table(self) -> Table:
        with self._lock:
            if self._table is None:
                self._table = load_table(self._table_dir, self._nltk_dir)
            return self._table

    def by_wnid(self, wnid: str) -> str | None:
        """The name of the noun synset of an ImageNet wnid (n02123045), or None."""
        if len(wnid) < 2 or wnid[0] != "n" or not wnid[1:].isdigit():
            return None
        table, offset = self.table, int(wnid[1:])
        i = bisect_left(table.offsets, offset)
        return table.names[i] if i < len(table.offsets) and table.offsets[i] == offset else None

    def by_name(self, name: str) -> str | None:
        """The name when it names a noun synset ('cat.n.01'), else None."""
        return name if name in self.table.index else None

    def wnid(self, name: str) -> str:
        return f"n{self.table.offsets[self.table.index[name]]:08d}"

    def chain(self, name: str) -> list[tuple[str, int]]:
        """(synset name, fewest steps above the leaf) over every hypernym path, below the stop set."""
        table = self.table
        i = table.index[name]
        return [(table.names[table.chain_to[k]], table.chain_steps[k])
                for k in range(table.chain_start[i], table.chain_start[i + 1])]

    def words(self, name: str) -> list[str]:
        """The synset's lemmas people use, as they write them (the rules: NltkWordNet.words)."""
        table = self.table
        i = table.index.get(name)
        return table.words[i].split("\t") if i is not None else []
