"""Names are bytes on Linux: odd, long and deep ones are indexed or skipped with a reason, shown escaped, never a crash."""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from services.app.cli import main
from services.app.index_command import index_paths, summary_text
from services.pipeline.host import Pipeline
from services.app.wiring import make_ingest, store_path
from services.ingest.settings import IngestSettings
from services.pipeline.memory_bus import InMemoryBus
from services.pipeline.settings import PipelineSettings
from services.search.indexer import build_indexer
from services.search.store import RecordStore

NOT_UTF8 = "the name is not valid UTF-8"


def under(root: Path, name: bytes) -> Path:
    """A path whose last part is raw bytes, as Python holds it (surrogate escapes)."""
    return Path(os.fsdecode(os.fsencode(root) + b"/" + name))


def deep_photo(root: Path, parts: list[str], data: bytes) -> Path:
    """A photo below `parts` folders, made relative to each folder so no path length limit applies on the way."""
    folder = os.open(root, os.O_RDONLY)
    for part in parts:
        os.mkdir(part, dir_fd=folder)
        below = os.open(part, os.O_RDONLY, dir_fd=folder)
        os.close(folder)
        folder = below
    photo = os.open("deep.jpg", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=folder)
    os.write(photo, data)
    os.close(photo)
    os.close(folder)
    return root.joinpath(*parts, "deep.jpg")


def remove_deep(root: Path, parts: list[str]) -> None:
    """Undo deep_photo without recursion (pytest's own cleanup recurses once per folder and would overflow)."""
    folder = os.open(root, os.O_RDONLY)
    for part in parts:
        below = os.open(part, os.O_RDONLY, dir_fd=folder)
        os.close(folder)
        folder = below
    os.unlink("deep.jpg", dir_fd=folder)
    for part in reversed(parts):
        parent = os.open("..", os.O_RDONLY, dir_fd=folder)
        os.close(folder)
        os.rmdir(part, dir_fd=parent)
        folder = parent
    os.close(folder)


@pytest.fixture(autouse=True)
def no_vision(monkeypatch, tmp_path):
    """Names are ingest's business: the vision models would only add minutes here."""
    monkeypatch.setenv("PICSIFT_MODELS", f"local:{tmp_path / 'no-models'}")


@pytest.fixture
def media(tmp_path):
    """Outside pytest's temp folders: if a run dies before cleaning up, pytest's recursive cleanup never meets it."""
    root = Path(tempfile.mkdtemp(prefix="picsift-names-")) / "media"
    root.mkdir()
    yield root
    shutil.rmtree(root.parent)


@pytest.fixture
def odd_tree(media, tmp_path, jpeg_factory):
    root = media
    photo = lambda seed: jpeg_factory(tmp_path / "made" / f"{seed}.jpg", seed=seed).read_bytes()  # noqa: E731
    files = {"newline": root / "two\nlines.jpg", "long": root / ("n" * 251 + ".jpg"),
             "bad_file": under(root, b"caf\xe9.jpg"), "bad_folder": under(root, b"dossier \xff") / "in.jpg"}
    for seed, path in enumerate(files.values()):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(photo(seed))
    files["broken_newline"] = root / "not\na photo.jpg"
    files["broken_newline"].write_bytes(b"just text\n")
    chains = {"deep": ["d"] * 1000, "too_deep": ["x" * 200] * 25}
    for seed, (kind, parts) in enumerate(chains.items(), start=10):
        files[kind] = deep_photo(root, parts, photo(seed))
    yield files
    for parts in chains.values():
        remove_deep(root, parts)


async def test_odd_names_are_indexed_or_skipped_with_a_reason_and_shown_escaped(tmp_path, media, odd_tree):
    settings = PipelineSettings(data_dir=tmp_path / "data")
    summary = await index_paths([media], settings, IngestSettings())

    reasons = {item["path"]: item["reason"] for item in summary["skipped"] + summary["failed"]}
    assert reasons[str(media / "caf\\xe9.jpg")].startswith(NOT_UTF8)
    assert reasons[str(media / "dossier \\xff" / "in.jpg")].startswith(NOT_UTF8)
    too_deep = [path for path, reason in reasons.items() if "File name too long" in reason]
    assert len(too_deep) == 1 and len(os.fsencode(too_deep[0])) > os.pathconf("/", "PC_PATH_MAX")
    store = RecordStore(store_path(settings))
    try:
        for kind in ("newline", "long", "deep"):
            record = store.get(store.id_for_path(str(odd_tree[kind])) or "")
            assert record is not None and list(record.paths) == [str(odd_tree[kind])], kind
    finally:
        store.close()
    assert reasons[str(odd_tree["broken_newline"])].startswith("not a readable image")
    assert summary["indexed"] == 3 and len(reasons) == 4
    text = summary_text(summary)
    assert "not\\na photo.jpg" in text and "not\na photo" not in text
    assert all(line.isprintable() for line in text.splitlines())
    assert json.loads(json.dumps(summary, ensure_ascii=False)) == summary


@pytest.fixture
async def indexer_pipeline(tmp_path):
    settings = PipelineSettings(data_dir=tmp_path / "data")
    store = RecordStore(store_path(settings))
    pipe = Pipeline(settings, InMemoryBus(), store, [build_indexer(store)])
    await pipe.start()
    yield pipe
    await pipe.stop()


async def until(condition, seconds: float = 20) -> None:
    """Wait for a condition with a deadline (the watcher reacts to the filesystem in its own time)."""
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.05)


async def test_watch_survives_names_that_are_not_utf8_and_keeps_indexing(tmp_path, indexer_pipeline, jpeg_factory):
    root = tmp_path / "watched"
    under(root, b"old \xff folder").mkdir(parents=True)
    ingest = make_ingest(indexer_pipeline.settings, IngestSettings(stable_seconds=0.2, poll_interval_ms=100),
                         indexer_pipeline.bus)
    store = indexer_pipeline.store
    stop, watching = asyncio.Event(), asyncio.Event()
    watcher = asyncio.create_task(ingest.watch([root], stop, watching))
    try:
        await asyncio.wait_for(watching.wait(), 20)
        first, bad, last = root / "first.jpg", under(root, b"bad \xfe.jpg"), root / "last.jpg"
        jpeg_factory(first, seed=1)
        await until(lambda: store.id_for_path(str(first)) is not None)
        jpeg_factory(bad, seed=2)
        shown_bad = str(root / "bad \\xfe.jpg")
        await until(lambda: any(o.path == shown_bad for o in store.outcomes(("skipped",))))
        jpeg_factory(last, seed=3)
        await until(lambda: store.id_for_path(str(last)) is not None)
        assert not watcher.done()
        assert [o.reason for o in store.outcomes(("skipped",)) if o.path == shown_bad][0].startswith(NOT_UTF8)
    finally:
        stop.set()
        await asyncio.wait_for(watcher, 10)
        ingest.close()


async def test_show_finds_odd_names_prints_them_escaped_and_refuses_undecodable_ones_clearly(
        tmp_path, media, odd_tree, monkeypatch, capsys):
    monkeypatch.setenv("PICSIFT_DATA_DIR", str(tmp_path / "data"))
    await index_paths([media], PipelineSettings(), IngestSettings())
    capsys.readouterr()
    assert await asyncio.to_thread(main, ["show", str(odd_tree["newline"])]) == 0
    shown = capsys.readouterr().out
    assert f"path    {media}/two\\nlines.jpg" in shown.splitlines()
    assert await asyncio.to_thread(main, ["show", str(odd_tree["bad_file"])]) == 2
    assert capsys.readouterr().err.startswith("picsift: no photo with id or path")
