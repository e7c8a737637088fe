"""A blocking call run off the event loop on a chosen executor, in the caller's context (as asyncio.to_thread)."""
from __future__ import annotations

import asyncio
import contextvars
import functools
from concurrent.futures import Executor
from typing import Callable, TypeVar

T = TypeVar("T")


async def off_loop(executor: Executor | None, call: Callable[..., T], *args) -> T:
    """call(*args) on the executor (None: asyncio's default threads)."""
    context = contextvars.copy_context()  # the request's id and logging context go with it
    return await asyncio.get_running_loop().run_in_executor(executor, functools.partial(context.run, call, *args))
