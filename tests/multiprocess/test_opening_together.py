"""Services starting together open a new library's SQLite files at the same moment: every one of them opens it (two
would add the same column, or find the file locked while another puts it in WAL mode, and exit)."""
from __future__ import annotations

import multiprocessing

import pytest

from fixtures.openers import open_together

OPENERS = 6
ROUNDS = 5  # before the fix about one open in five failed: five rounds of six all passing by luck is ~0.2%


@pytest.mark.parametrize("kind", ["store", "users"])
def test_every_service_opening_a_new_file_together_opens_it(tmp_path, kind):
    spawn = multiprocessing.get_context("spawn")
    for round_ in range(ROUNDS):
        barrier = spawn.Barrier(OPENERS)
        openers = [spawn.Process(target=open_together, args=(kind, str(tmp_path / f"{round_}.db"), barrier))
                   for _ in range(OPENERS)]
        for opener in openers:
            opener.start()
        for opener in openers:
            opener.join(60)
        assert [opener.exitcode for opener in openers] == [0] * OPENERS
