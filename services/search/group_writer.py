"""Group commit: writes handed in concurrently are made together, in the order they were handed in."""
from __future__ import annotations

import asyncio
from typing import Callable, Generic, TypeVar

Item = TypeVar("Item")
MAX_GROUP = 500


class GroupWriter(Generic[Item]):
    """One writer at a time, off the event loop: while a group is written, the next one gathers. A group that fails
    is written again item by item, so a bad item fails only its own caller."""

    def __init__(self, write_group: Callable[[list[Item]], None], max_group: int = MAX_GROUP):
        self._write_group, self._max_group = write_group, max_group
        self._pending: list[tuple[Item, asyncio.Future]] = []
        self._writer: asyncio.Task | None = None

    async def write(self, item: Item) -> None:
        """Return when the item is written; raise what writing it raised."""
        future = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._drain())
        await future

    async def _drain(self) -> None:
        while self._pending:
            group, self._pending = self._pending[:self._max_group], self._pending[self._max_group:]
            try:
                await asyncio.to_thread(self._write_group, [item for item, _ in group])
            except Exception:  # noqa: BLE001 - find the item that failed: each caller gets its own outcome
                for item, future in group:
                    try:
                        await asyncio.to_thread(self._write_group, [item])
                    except Exception as exc:  # noqa: BLE001 - handed to the caller
                        settle(future, exc)
                    else:
                        settle(future, None)
            else:
                for _, future in group:
                    settle(future, None)


def settle(future: asyncio.Future, error: BaseException | None) -> None:
    if future.done():  # the caller gave up waiting (cancelled)
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)
