"""Typed stage failures: the runner turns them into a delayed retry or a dead letter."""


class StageError(Exception):
    """Base of the failures a stage may raise to the runner."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Retry(StageError):
    """A passing failure (a server down, a lock): try again later with backoff."""


class Reject(StageError):
    """A message that can never succeed: straight to the stage's dead-letter queue."""
