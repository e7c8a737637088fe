"""A record as the public JSON shape of `show --json` and GET /api/photos/{id}."""
from __future__ import annotations

from google.protobuf.json_format import MessageToDict

from proto import pb
from services.pipeline.stages import STAGE_PARTS
from services.search.store import outcome_name


def _plain(message) -> dict:
    return MessageToDict(message, preserving_proto_field_name=True, always_print_fields_with_no_presence=False)


def status_of(record: pb.Record) -> dict[str, str]:
    """Each stage's outcome; a stage not yet heard from is 'pending'."""
    status = {"ingest": outcome_name(record.ingest.outcome) if record.HasField("ingest") else "pending"}
    for part in STAGE_PARTS:
        status[part] = outcome_name(getattr(record, part).meta.outcome) if record.HasField(part) else "pending"
    return status


def reasons_of(record: pb.Record) -> dict[str, str]:
    """Why a stage failed or was partial, for those that say."""
    metas = {"ingest": record.ingest, **{p: getattr(record, p).meta for p in STAGE_PARTS}}
    return {stage: meta.reason for stage, meta in metas.items() if meta.reason}


def term_lists(record: pb.Record) -> tuple:
    """The record's term lists: its own (path words) and each stage's."""
    return record.terms, record.exif.terms, record.semantic.terms, record.text.terms


def all_terms(record: pb.Record) -> list[pb.Term]:
    return [term for terms in term_lists(record) for term in terms]


def record_to_dict(record: pb.Record) -> dict:
    exif = _plain(record.exif)
    exif.pop("terms", None)
    place = exif.pop("place", {}) if record.exif.has_place else {}
    exif.pop("place", None)
    return {
        "id": record.id,
        "paths": list(record.paths),
        "stack": list(record.stack),
        "path": record.file.path or (record.paths[0] if record.paths else ""),
        "status": status_of(record),
        "reasons": reasons_of(record),
        "file": _plain(record.file),
        "exif": exif,
        "place": place,
        "classes": [_plain(c) for c in record.vision.classes],
        "objects": [_plain(o) for o in record.vision.objects],
        "faces": [{k: v for k, v in _plain(f).items() if k not in ("descriptor", "embedding")}
                  for f in record.vision.faces],
        "models": dict(record.vision.models),
        "text": {"detected": record.text.detected, "lines": [_plain(line) for line in record.text.lines]},
        "terms": [{"key": t.key, "value": t.value, "source": t.source, "weight": round(t.weight, 4),
                   **({"face": t.face} if t.face else {})} for t in all_terms(record)],
    }
