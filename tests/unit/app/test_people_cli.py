"""`picsift people` --json shapes: list, name (a name in use merges), show; per user with --user."""
import json

import numpy as np
import pytest

from fixtures.gateway import PASSWORD
from proto import embedding, pb
from services.app.cli import main
from services.gateway.users import UserStore
from services.search.store import RecordStore

RNG = np.random.default_rng(5)
ANNA, TOM = RNG.standard_normal(1024), RNG.standard_normal(1024)


@pytest.fixture
def library(tmp_path, monkeypatch):
    """Alice's three photos (Anna twice, Tom twice) and Bob's one (Anna twice); the CLI pointed at them."""
    data, media = tmp_path / "data", tmp_path / "media"
    store = RecordStore(data / "picsift.db")
    for name, people in (("alice/a.jpg", (ANNA, TOM)), ("alice/b.jpg", (ANNA,)), ("alice/c.jpg", (TOM,)),
                         ("bob/d.jpg", (ANNA, ANNA))):
        path = str(media / name)
        store.merge(pb.Record(id=name, paths=[path], file=pb.FileFacts(path=path), vision=pb.VisionResult(faces=[
            pb.Face(box=pb.Box(x1=0.1 + 0.4 * i, y1=0.1, x2=0.3 + 0.4 * i, y2=0.4),
                    embedding=embedding.pack(who + 0.3 * RNG.standard_normal(1024))) for i, who in enumerate(people)])))
    store.close()
    (media / "alice").mkdir(parents=True)
    (media / "bob").mkdir()
    users = UserStore(data / "users.db")
    for owner in ("alice", "bob"):
        users.add(owner, PASSWORD, [str(media / owner)])
    users.close()
    monkeypatch.setenv("PICSIFT_DATA_DIR", str(data))
    return media


def run(capsys, *argv: str) -> tuple[int, dict]:
    code = main([*argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_list_name_show_and_merge_by_name(library, capsys):
    code, listed = run(capsys, "people", "list", "--user", "alice")
    assert code == 0 and [(p["name"], p["faces"], p["photos"]) for p in listed["people"]] == [(None, 2, 2)] * 2
    anna = next(p["id"] for p in listed["people"]
                if {i["path"] for i in run(capsys, "people", "show", str(p["id"]), "--user", "alice")[1]["photos"]}
                == {str(library / "alice/a.jpg"), str(library / "alice/b.jpg")})
    tom = next(p["id"] for p in listed["people"] if p["id"] != anna)
    assert run(capsys, "people", "name", str(anna), "Anna", "--user", "alice") == (0, {"id": anna, "name": "Anna"})
    code, shown = run(capsys, "people", "show", str(anna), "--user", "alice")
    assert shown["name"] == "Anna" and {(p["id"], p["face"]) for p in shown["photos"]} == {("alice/a.jpg", 0),
                                                                                          ("alice/b.jpg", 0)}
    assert run(capsys, "people", "name", str(tom), "anna", "--user", "alice") == (0, {"id": anna, "name": "Anna"})
    assert run(capsys, "people", "list", "--user", "alice")[1] == {
        "people": [{"id": anna, "name": "Anna", "faces": 4, "photos": 3}]}
    code, bobs = run(capsys, "people", "list", "--user", "bob")
    assert [(p["name"], p["faces"]) for p in bobs["people"]] == [(None, 2)]
    code, answer = run(capsys, "people", "show", str(anna), "--user", "bob")
    assert code == 2 and "no person" in answer["error"]
    code, answer = run(capsys, "people", "name", "x", "Anna")
    assert code == 2 and "error" in answer
