"""The one write transaction every SQLite file of the project uses: committed when its block ends, rolled back when
the block raises."""
import pytest

from services.pipeline.sqlite import Immediate, open_sqlite


def test_a_write_transaction_commits_or_rolls_back_as_a_whole(tmp_path):
    db = open_sqlite(tmp_path / "t.db", "CREATE TABLE t (n INTEGER);")
    with Immediate(db):
        db.execute("INSERT INTO t VALUES (1)")
        db.execute("INSERT INTO t VALUES (2)")
    with pytest.raises(ZeroDivisionError), Immediate(db):
        db.execute("INSERT INTO t VALUES (3)")
        1 / 0
    assert [n for (n,) in db.execute("SELECT n FROM t ORDER BY n")] == [1, 2]
    assert not db.in_transaction
