"""Group commit: concurrent writes are made together, in order, and a bad item fails only its own caller."""
from __future__ import annotations

import asyncio

import pytest

from services.search.group_writer import GroupWriter


def test_concurrent_writes_are_grouped_in_the_order_handed_in():
    groups: list[list[int]] = []
    writer = GroupWriter(groups.append, max_group=10)

    async def main():
        await asyncio.gather(*(writer.write(n) for n in range(35)))

    asyncio.run(main())
    assert [n for group in groups for n in group] == list(range(35))
    assert len(groups) < 35 and max(map(len, groups)) <= 10


def test_a_failing_item_fails_only_its_caller():
    written: list[int] = []

    def write(group: list[int]) -> None:
        if 13 in group:
            raise ValueError("13 is refused")
        written.extend(group)

    writer = GroupWriter(write)

    async def main():
        return await asyncio.gather(*(writer.write(n) for n in range(20)), return_exceptions=True)

    outcomes = asyncio.run(main())
    assert [n for n, outcome in enumerate(outcomes) if isinstance(outcome, ValueError)] == [13]
    assert sorted(written) == [n for n in range(20) if n != 13]


def test_a_writer_is_used_again_from_a_new_event_loop():
    groups: list[list[str]] = []
    writer = GroupWriter(groups.append)
    asyncio.run(writer.write("first"))
    asyncio.run(writer.write("second"))
    assert groups == [["first"], ["second"]]
    with pytest.raises(ZeroDivisionError):
        asyncio.run(GroupWriter(lambda group: 1 / 0).write("x"))
