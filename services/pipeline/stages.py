"""Every stage declared once: its name (queue, record part, CLI choice), what it consumes and what it publishes.

Data only, so the store, the indexes and the entrypoints read it without importing any stage; each stage
package adds its behaviour (build, version, reprocess input) in its own `spec.py`, and services/app/registry.py
lists those. Adding a stage: one package, one line here, one line in the registry.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from proto import pb
from services.pipeline.stage import EXIF, HASHES, INGESTED, SEMANTIC, TEXT, VISION, Stage, reprocess_key

INDEXER = "indexer"


@dataclass(frozen=True)
class StageDecl:
    """An analysis stage: it fills the record part named like itself."""

    name: str
    consumes: str
    publishes: str

    @property
    def subscribes(self) -> tuple[str, ...]:
        return (self.consumes, reprocess_key(self.name))


ANALYSIS = (
    StageDecl("exif", consumes=INGESTED, publishes=EXIF),
    StageDecl("vision", consumes=INGESTED, publishes=VISION),
    StageDecl("semantic", consumes=VISION, publishes=SEMANTIC),
    StageDecl("hashes", consumes=INGESTED, publishes=HASHES),
    StageDecl("text", consumes=INGESTED, publishes=TEXT),
)
BY_NAME = {decl.name: decl for decl in ANALYSIS}
STAGE_PARTS = tuple(decl.name for decl in ANALYSIS)   # the record parts stages write, in pipeline order
STATUS_STAGES = ("ingest", *STAGE_PARTS)               # what `status` and the indexes report per photo
INDEXER_KEYS = ("photo.#", "file.#")
TOPOLOGY = {**{decl.name: decl.subscribes for decl in ANALYSIS}, INDEXER: INDEXER_KEYS}
CONSUMERS = tuple(TOPOLOGY)                            # every queue a full deployment declares


@dataclass(frozen=True)
class StageSpec:
    """A stage's behaviour beside its declaration, defined in the stage's own package (`spec.py`)."""

    decl: StageDecl
    build: Callable[..., Stage]                    # the runnable stage from its settings and the dependencies it needs
    version: Callable[[], str]                     # the version this build writes (models included)
    reprocess_input: Callable[[pb.Record], pb.Record | None]  # what it needs to run again; None: not yet
    missing: Callable[[], str] = lambda: ""        # why it cannot run here ("" when it can)
    needs: tuple[str, ...] = ()                    # adapters the host provides by name, e.g. "model_runtime"

    @property
    def name(self) -> str:
        return self.decl.name


def from_file(record: pb.Record) -> pb.Record:
    """The input of a stage that reads the file itself (exif, vision, hashes, text): id, paths and file facts."""
    return pb.Record(id=record.id, paths=record.paths, file=record.file)
