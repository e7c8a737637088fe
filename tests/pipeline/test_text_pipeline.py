"""The text stage in the embedded pipeline: `picsift index` reads the sign in a real photo and not the photo without
text; `show`, `search text:` and `status` say so; `reprocess --stage text` runs only where its version changed."""
import json

from PIL import Image
from skimage import data

from fixtures.reprocessing import reprocess_one_stale
from fixtures.signs import LINES, WORDS, sign_on_coffee
from services.app.cli import main
from services.app.index_command import index_paths
from services.ingest.settings import IngestSettings
from services.pipeline.settings import PipelineSettings


def cli_json(capsys, *args: str) -> dict:
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


async def test_index_reads_signs_then_search_show_status_and_reprocess(tmp_path, monkeypatch, capsys):
    media = tmp_path / "media"
    sign = sign_on_coffee(media / "cafe.jpg")
    Image.fromarray(data.chelsea()).save(media / "chelsea.jpg", quality=90)
    settings = PipelineSettings(data_dir=tmp_path / "data")
    await index_paths([media], settings, IngestSettings())

    monkeypatch.setenv("PICSIFT_DATA_DIR", str(settings.data_dir))
    shown = cli_json(capsys, "show", str(sign))
    assert shown["status"]["text"] == "ok" and shown["text"]["detected"] is True
    assert set(LINES) <= {line["text"] for line in shown["text"]["lines"]}
    assert WORDS <= {t["value"] for t in shown["terms"] if t["key"] == "text" and t["source"] == "ocr"}
    cat = cli_json(capsys, "show", str(media / "chelsea.jpg"))
    assert cat["status"]["text"] == "ok" and cat["text"] == {"detected": False, "lines": []}
    found = cli_json(capsys, "search", "text:coffee", "--explain")
    assert [hit["path"] for hit in found["hits"]] == [str(sign)] and "text:coffee" in found["hits"][0]["matched"]
    assert cli_json(capsys, "status")["stages"]["text"]["ok"] == 2

    await reprocess_one_stale(settings, "text", sign, media / "chelsea.jpg")
