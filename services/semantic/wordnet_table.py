"""The compact WordNet table: every noun synset's name, offset, words and hypernym chain, in one binary file.

Layout: one JSON header line, then the sections it lists, back to back: little-endian arrays (offsets, where each
synset's chain starts, the chain's synsets and their steps) and UTF-8 text (names one a line; each synset's words
tab-separated, one synset a line). The file name carries a digest of the rules it was computed with (tables.py),
so a table made under other rules is never read.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from array import array
from collections.abc import Iterable
from pathlib import Path

from services.semantic import tables

FORMAT = 1
WORDNET_VERSION = "3.0"


def rules_digest() -> str:
    """What the stored chains and words depend on besides WordNet itself."""
    rules = [FORMAT, WORDNET_VERSION, sorted(tables.STOP_SYNSETS), tables.MAX_HYPERNYMS, tables.RARE_LEMMA_SHARE,
             tables.SENSE_COUNT_EVIDENCE, tables.MAIN_SENSES]
    return hashlib.sha256(json.dumps(rules).encode()).hexdigest()[:12]


def default_table_dir() -> Path:
    return Path.home() / ".cache" / "picsift" / "wordnet"


def table_path(table_dir: Path) -> Path:
    return table_dir / f"wordnet-{WORDNET_VERSION}-{rules_digest()}.table"


class Table:
    """The table's columns in memory: synsets by index, in offset order."""

    def __init__(self, offsets: array, names: list[str], words: list[str], chain_start: array, chain_to: array,
                 chain_steps: array):
        self.offsets, self.names, self.words = offsets, names, words
        self.chain_start, self.chain_to, self.chain_steps = chain_start, chain_to, chain_steps
        self.index = {name: i for i, name in enumerate(names)}


def write_table(path: Path, synsets: Iterable[tuple[int, str, list[str], list[tuple[str, int]]]]) -> None:
    """(offset, name, words, chain) of each noun synset, in offset order, written atomically."""
    rows = list(synsets)
    index = {name: i for i, (_, name, _, _) in enumerate(rows)}
    offsets, chain_start, chain_to, chain_steps = array("i"), array("i", [0]), array("i"), array("B")
    for offset, _, _, chain in rows:
        offsets.append(offset)
        chain_to.extend(index[ancestor] for ancestor, _ in chain)
        chain_steps.extend(steps for _, steps in chain)
        chain_start.append(len(chain_to))
    names = "\n".join(name for _, name, _, _ in rows).encode()
    words = "\n".join("\t".join(found) for _, _, found, _ in rows).encode()
    columns = {"offsets": offsets, "chain_start": chain_start, "chain_to": chain_to, "chain_steps": chain_steps}
    if sys.byteorder == "big":
        for column in columns.values():
            column.byteswap()
    blobs = {**{name: column.tobytes() for name, column in columns.items()}, "names": names, "words": words}
    header = {"format": FORMAT, "digest": rules_digest(), "wordnet": WORDNET_VERSION, "synsets": len(rows),
              "sections": [[name, len(blob)] for name, blob in blobs.items()]}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    with open(partial, "wb") as out:
        out.write(json.dumps(header).encode() + b"\n")
        for blob in blobs.values():
            out.write(blob)
    partial.replace(path)


def read_table(path: Path) -> Table:
    """The table at path; ValueError when it is not one of this format and these rules."""
    with open(path, "rb") as file:
        header = json.loads(file.readline())
        if header.get("format") != FORMAT or header.get("digest") != rules_digest():
            raise ValueError(f"{path} was built by another picsift (format {header.get('format')}, "
                             f"rules {header.get('digest')}): run `picsift models build`")
        sections = {name: file.read(size) for name, size in header["sections"]}
    columns = {}
    for name, typecode in (("offsets", "i"), ("chain_start", "i"), ("chain_to", "i"), ("chain_steps", "B")):
        columns[name] = array(typecode, sections[name])
        if sys.byteorder == "big":
            columns[name].byteswap()
    names = sections["names"].decode().split("\n")
    words = sections["words"].decode().split("\n")
    synsets, links = header["synsets"], columns["chain_start"][-1] if columns["chain_start"] else -1
    if not (len(names) == len(words) == len(columns["offsets"]) == len(columns["chain_start"]) - 1 == synsets
            and len(columns["chain_to"]) == len(columns["chain_steps"]) == links):
        raise ValueError(f"{path} is truncated or damaged: run `picsift models build`")
    return Table(names=names, words=words, **columns)
