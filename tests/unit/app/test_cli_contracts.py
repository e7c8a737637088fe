"""The CLI's --json shapes and error contract (ARCHITECTURE "Interfaces"), and `search --user` scoping."""
import json

import pytest

from fixtures.gateway import PASSWORD, photo_record
from services.app.cli import main
from services.gateway.users import UserStore
from services.search.index.bitmap import BitmapIndex
from services.search.store import RecordStore

SHOW_FIELDS = {"id", "paths", "status", "file", "exif", "place", "classes", "objects", "faces", "terms"}


@pytest.fixture
def library(tmp_path, monkeypatch, jpeg_factory):
    """A data dir with Alice's and Bob's beach photos and both users; the CLI pointed at it."""
    data, media = tmp_path / "data", tmp_path / "media"
    store = RecordStore(data / "picsift.db")
    index = BitmapIndex(store)
    ids = {}
    for seed, owner in enumerate(("alice", "bob"), start=1):
        path = jpeg_factory(media / owner / "beach.jpg", seed=seed)
        ids[owner] = f"{seed:064x}"
        index.upsert(store.merge(photo_record(ids[owner], path, "beach")))
    index.close()
    store.close()
    users = UserStore(data / "users.db")
    for owner in ids:
        users.add(owner, PASSWORD, [str(media / owner)])
    users.close()
    monkeypatch.setenv("PICSIFT_DATA_DIR", str(data))
    return ids


def run(capsys, *argv: str) -> tuple[int, dict, str]:
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def test_search_json_shape_and_user_scoping(library, capsys):
    code, everyone, _ = run(capsys, "search", "beach")
    assert code == 0 and everyone["total"] == 2 and "facets" in everyone
    assert all(set(hit) >= {"id", "path", "score", "matched"} for hit in everyone["hits"])
    code, alice, _ = run(capsys, "search", "beach", "--user", "Alice")
    assert code == 0 and [hit["id"] for hit in alice["hits"]] == [library["alice"]]


def test_search_with_a_user_finds_her_favourites_and_albums(library, capsys, tmp_path):
    from services.search.marks import Marks

    marks = Marks(tmp_path / "data" / "picsift.db")
    marks.favorite("alice", library["alice"], True)
    marks.add("alice", marks.create_album("alice", "Summer Trip")["id"], [library["alice"]])
    marks.create_album("alice", "Beaches", "beach")  # a smart album: her search for beach
    marks.create_album("alice", "Ouro", "album:ouro")  # saved around the API's check: a loop
    marks.close()
    for query in ("favorite", 'album:"summer trip"', "album:beaches"):
        assert [hit["id"] for hit in run(capsys, "search", query, "--user", "Alice")[1]["hits"]] == [library["alice"]]
        assert run(capsys, "search", query, "--user", "bob")[1]["hits"] == []
    assert run(capsys, "search", "favorite")[1]["hits"] == []  # no user: nobody's marks
    code, out, err = run(capsys, "search", "album:ouro", "--user", "alice")
    assert code == 2 and "refers to itself" in out["error"]


def test_show_json_is_the_whole_record(library, capsys):
    code, view, _ = run(capsys, "show", library["bob"])
    assert code == 0 and set(view) >= SHOW_FIELDS and view["id"] == library["bob"]
    assert all(set(term) >= {"key", "value", "source", "weight"} for term in view["terms"])


@pytest.mark.parametrize("argv, says", [
    (("search", "beach", "--user", "mallory"), "no user 'mallory'"),
    (("search", "(beach"), "missing ')'"),
    (("show", "f" * 64), "no photo with id or path"),
    (("search",), "Missing argument 'QUERY...'"),
    (("search", "beach", "--bogus"), "No such option '--bogus'"),
])
def test_errors_exit_2_with_the_message_as_json_and_on_stderr(library, capsys, argv, says):
    code, answer, err = run(capsys, *argv)
    assert code == 2 and set(answer) == {"error"} and says in answer["error"]
    assert answer["error"] in err


def test_a_bad_setting_is_one_line_naming_the_variable(library, capsys, monkeypatch):
    monkeypatch.setenv("PICSIFT_PREFETCH", "zero")
    code, answer, err = run(capsys, "status")
    assert code == 2 and answer["error"].startswith("PICSIFT_PREFETCH='zero'")
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
