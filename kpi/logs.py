"""Where faults nobody foresaw are told: one line on the terminal, naming the file that holds the
trace (``service-ops.log`` beside the store), so no trace reaches a terminal people read."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from logging.handlers import RotatingFileHandler
from pathlib import Path

# The app's loggers: the pages' and the library's (kpi.inbox …).
LOGGERS = ("service_ops", "kpi")
FILE_NAME = "service-ops.log"

_handlers: list[logging.Handler] = []


class _Terminal(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record comes, as logging's own last-resort
    handler does: a stream bound once outlives a test's capture of it, or a redirected one."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _stream) -> None:
        pass


class _OneLine(logging.Formatter):
    """The message and, for a fault, its type and text and where its trace was written."""

    def __init__(self, trace_file: Path):
        super().__init__()
        self.trace_file = trace_file

    def format(self, record: logging.LogRecord) -> str:
        line = f"{self.formatTime(record)} {record.levelname} {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            fault = record.exc_info[1]
            line += f" ({type(fault).__name__}: {_one_line(fault)}; the trace is in {self.trace_file})"
        return line


def _one_line(fault: BaseException, limit: int = 300) -> str:
    """A fault's text as one line: some carry a whole trace in their message (a JVM's, through
    py4j), and the terminal gets none."""
    lines = [line.strip() for line in str(fault).splitlines() if line.strip()]
    if not lines:
        return ""
    text = lines[0] + (" …" if len(lines) > 1 else "")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def log_file(db_path: str | os.PathLike) -> Path:
    return Path(db_path).resolve().parent / FILE_NAME


def configure(db_path: str | os.PathLike) -> Path:
    """Send the app's log to the terminal (one line a record) and to the log file beside the store
    (with traces). Calling it again for another store replaces the handlers it added before; for
    the same one (every run of the app's script) it changes nothing."""
    trace_file = log_file(db_path)
    if _handlers and _handlers[0].formatter.trace_file == trace_file:
        return trace_file
    trace_file.parent.mkdir(parents=True, exist_ok=True)
    terminal = _Terminal()
    terminal.setFormatter(_OneLine(trace_file))
    written = RotatingFileHandler(trace_file, maxBytes=5 << 20, backupCount=2, encoding="utf-8", delay=True)
    written.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for handler in _handlers:
            logger.removeHandler(handler)
        logger.addHandler(terminal)
        logger.addHandler(written)
        logger.setLevel(logging.WARNING)
        logger.propagate = False
    for handler in _handlers:
        handler.close()
    _handlers[:] = [terminal, written]
    return trace_file


def to_file_only(logger: logging.Logger) -> None:
    """``logger``, a library's that writes to standard error itself (PySpark's query loggers print
    a JVM trace for every failed query), writes to the log file only: nowhere before ``configure``.
    Its records keep the file's format (the handler is added as logging's own ``addHandler`` does,
    past a subclass that would restyle it)."""
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    logger.propagate = False
    if _handlers:
        logging.Logger.addHandler(logger, _handlers[1])


def trace_file() -> Path | None:
    """The log file ``configure`` set up last, if any."""
    return _handlers[0].formatter.trace_file if _handlers else None


@contextmanager
def children_write_to_log() -> Iterator[None]:
    """While it lasts, a process started here inherits the log file as its standard error, and
    keeps it: a JVM's start-up notes and its own faults go there, not to the terminal. The
    process's own writes to standard error in that moment go to the file too. Without a log file
    (``configure`` not called, or one that cannot be opened), nothing changes."""
    target = trace_file()
    try:
        written = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644) if target else None
    except OSError:
        written = None
    if written is None:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        os.dup2(written, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(written)
