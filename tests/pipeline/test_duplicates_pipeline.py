"""The hashes stage in the embedded pipeline: `picsift index` hashes real photos, `picsift duplicates --json`
groups the copies, and `reprocess --stage hashes` runs only where its version changed."""
import json

from PIL import Image
from skimage import data

from fixtures.reprocessing import reprocess_one_stale
from services.app.cli import main
from services.app.index_command import index_paths
from services.ingest.settings import IngestSettings
from services.pipeline.settings import PipelineSettings


async def test_index_then_duplicates_then_reprocess(tmp_path, monkeypatch, capsys):
    media = tmp_path / "media"
    (media / "edits").mkdir(parents=True)
    chelsea, coffee = Image.fromarray(data.chelsea()), Image.fromarray(data.coffee())
    chelsea.save(media / "chelsea.jpg", quality=92)
    chelsea.resize((225, 150)).save(media / "edits" / "chelsea small.jpg", quality=80)
    coffee.save(media / "coffee.jpg", quality=92)
    coffee.save(media / "edits" / "coffee q30.jpg", quality=30)
    Image.fromarray(data.astronaut()).save(media / "astronaut.jpg", quality=92)
    settings = PipelineSettings(data_dir=tmp_path / "data")
    await index_paths([media], settings, IngestSettings())

    monkeypatch.setenv("PICSIFT_DATA_DIR", str(settings.data_dir))
    assert main(["duplicates", "--json"]) == 0
    groups = json.loads(capsys.readouterr().out)["groups"]
    assert sorted([(p["path"].removeprefix(str(media) + "/"), p["best"]) for p in g["photos"]] for g in groups) == [
        [("chelsea.jpg", True), ("edits/chelsea small.jpg", False)],
        [("coffee.jpg", True), ("edits/coffee q30.jpg", False)]]
    assert {p["quality"] for g in groups for p in g["photos"]} == {92, 80, 30}

    await reprocess_one_stale(settings, "hashes", media / "coffee.jpg", media / "chelsea.jpg")
