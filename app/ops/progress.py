"""A progress line on stderr for the long steps of a backup or a restore (the style of bench/progress.py).

On a terminal the line is redrawn in place at most ten times a second; otherwise (a cron job, a log file) only the
final line is written, so logs get one line per step instead of hundreds."""

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


def human_bytes(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(count) < 1000 or unit == "GB":
            return f"{count:,.0f} {unit}" if unit == "B" else f"{count:,.1f} {unit}"
        count /= 1000
    raise AssertionError("unreachable")


class Progress:
    """Counts what one step has done (bytes, pages, documents); `total` None when it is not known in advance."""

    WIDTH = 30

    def __init__(self, label: str, total: int | None = None, unit: str = "", stream: TextIO | None = None) -> None:
        self.label = label
        self.total = total
        self.unit = unit
        self.done = 0
        self.started = time.monotonic()
        self._stream = stream or sys.stderr
        self._tty = self._stream.isatty()
        self._drawn = 0.0

    def update(self, n: int) -> None:
        self.done += n
        self._tick()

    def set(self, done: int, total: int | None = None) -> None:
        self.done = done
        if total is not None:
            self.total = total
        self._tick()

    def close(self) -> None:
        self._draw(end="\n")

    def _tick(self) -> None:
        now = time.monotonic()
        if self._tty and now - self._drawn >= 0.1:
            self._drawn = now
            self._draw(end="")

    def _draw(self, end: str) -> None:
        if self.unit == "bytes":
            amount = f"{human_bytes(self.done)} "
        else:
            amount = f"{self.done:,} {self.unit} " if self.unit else ""
        elapsed = time.monotonic() - self.started
        if self.total:
            fraction = min(self.done / self.total, 1.0)
            filled = int(fraction * self.WIDTH)
            bar = f"[{'#' * filled}{'-' * (self.WIDTH - filled)}] {fraction:6.1%} "
        else:
            bar = ""
        prefix = "\r" if self._tty else ""
        self._stream.write(f"{prefix}{self.label:<16} {bar}{amount}{elapsed:.1f} s{end}")
        self._stream.flush()


@contextmanager
def watching(progress: Progress, path: Path | None = None) -> Iterator[Progress]:
    """Redraw the line while another program works until the block ends: how far the file it writes (`path`:
    pg_dump's dump, SQLite's copy) has grown, or only the time spent (pg_restore tells nothing as it goes)."""
    stop = threading.Event()

    def size() -> None:
        if path is None:
            progress.update(0)
            return
        try:
            progress.set(path.stat().st_size)
        except OSError:  # not created yet
            pass

    def poll() -> None:
        while not stop.wait(0.2):
            size()

    thread = threading.Thread(target=poll, name="progress", daemon=True)
    thread.start()
    try:
        yield progress
    finally:
        stop.set()
        thread.join()
        size()
        progress.close()
