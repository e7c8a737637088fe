"""Logging set up by the entrypoint: JSON lines when stderr is not a terminal, with photo id and stage."""
from __future__ import annotations

import json
import logging
import sys
import time


def current_message() -> dict:
    """The photo and stage being handled (the runner's), read when a line is logged: the CLI starts without it."""
    from services.pipeline.runner import current_message as handled

    return handled()


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the photo and stage being handled."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
                 "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage()}
        entry.update(current_message())
        if request_id := getattr(record, "request_id", None):  # the gateway's access log
            entry["request_id"] = request_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class ContextFormatter(logging.Formatter):
    """Human lines for a terminal, with the photo and stage appended when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = current_message()
        return f"{line} [{' '.join(f'{k}={v}' for k, v in context.items())}]" if context else line


def setup_logging(verbose: bool, stream=None) -> None:
    stream = stream or sys.stderr
    handler = logging.StreamHandler(stream)
    handler.setFormatter(ContextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
                         if stream.isatty() else JsonFormatter())
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, handlers=[handler], force=True)
    for noisy in ("aiormq", "aio_pika", "asyncio", "watchfiles", "PIL", "tensorflow", "absl"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
