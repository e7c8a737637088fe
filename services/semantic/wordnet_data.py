"""Builds nltk's WordNet data folder from Debian's WordNet 3.0 (wordnet-base), once, outside the clone.

nltk reads WordNet only under <NLTK_DATA>/corpora/wordnet and needs a `lexnames` file that Debian does not ship;
it ships as package data (`services/semantic/lexnames`, the table of WordNet 3.0's lexnames(5WN) man page, which
slim images drop), and a test checks it against the man page where that is installed.
"""
from __future__ import annotations

import gzip
import os
import re
import shutil
from importlib.resources import files
from pathlib import Path

from services.vocabulary import WORDNET_DIR as DEBIAN_WORDNET

LEXNAMES_MAN = Path("/usr/share/man/man5/lexnames.5WN.gz")
NEEDED = ("data.noun", "index.noun", "noun.exc", "data.verb", "index.verb", "data.adj", "index.adj",
          "data.adv", "index.adv", "index.sense")
CATEGORY = {"noun": 1, "verb": 2, "adj": 3, "adv": 4}


def default_nltk_dir() -> Path:
    return Path(os.environ.get("PICSIFT_NLTK_DATA", Path.home() / ".cache" / "picsift" / "nltk_data"))


def packaged_lexnames() -> str:
    return files("services.semantic").joinpath("lexnames").read_text()


def lexnames_from_man(man_page: Path = LEXNAMES_MAN) -> str:
    """'00\\tadj.all\\t3' lines from the man page's table (number, file name, syntactic category)."""
    lines = []
    for row in gzip.open(man_page, "rt", errors="replace"):
        match = re.match(r"^(\d{2})\t([a-z]+)\.(\S+)", row)
        if match:
            number, pos, name = match.groups()
            lines.append(f"{number}\t{pos}.{name}\t{CATEGORY[pos]}")
    if len(lines) != 45:
        raise RuntimeError(f"expected the 45 lexicographer files in {man_page}, found {len(lines)}")
    return "\n".join(lines) + "\n"


def ensure_wordnet(nltk_dir: Path | None = None, source: Path = DEBIAN_WORDNET) -> Path:
    """The nltk data dir holding corpora/wordnet; built from the Debian files when missing."""
    nltk_dir = nltk_dir or default_nltk_dir()
    target = nltk_dir / "corpora" / "wordnet"
    if (target / "lexnames").exists() and all((target / name).exists() for name in NEEDED):
        return nltk_dir
    missing = [name for name in NEEDED if not (source / name).exists()]
    if missing:
        raise FileNotFoundError(f"WordNet 3.0 files missing in {source}: {', '.join(missing)} "
                                "(apt-get install wordnet-base wordnet-sense-index)")
    partial = target.with_name("wordnet.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for path in source.iterdir():
        if path.is_file():
            shutil.copy2(path, partial / path.name)
    (partial / "lexnames").write_text(packaged_lexnames())
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return nltk_dir
