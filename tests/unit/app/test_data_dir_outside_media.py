"""The data folder holds every user's thumbnails: picsift refuses to index a media folder it lies in."""
from __future__ import annotations

import json

import pytest

from services.app.cli import main


@pytest.mark.parametrize("data, refused", [
    ("media/picsift-data", True),     # its thumbnails would be indexed as the media owner's photos
    ("media", True),
    ("media/.picsift", False),        # hidden folders are never indexed
    ("elsewhere/picsift", False),
])
def test_index_and_up_refuse_a_data_folder_inside_the_media(tmp_path, monkeypatch, capsys, jpeg_factory, data,
                                                            refused):
    jpeg_factory(tmp_path / "media" / "beach.jpg", seed=1)
    monkeypatch.setenv("PICSIFT_DATA_DIR", str(tmp_path / data))
    for argv in (["index", str(tmp_path / "media"), "--json"], ["up", "--media", str(tmp_path / "media"), "--json"]):
        if not refused and argv[0] == "up":
            continue  # up would start serving
        code = main(argv)
        answer = json.loads(capsys.readouterr().out)
        if refused:
            assert code == 2 and "lies inside the media folder" in answer["error"], argv
        else:
            assert code == 0 and answer["indexed"] == 1
