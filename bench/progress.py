"""A small progress bar on stderr (no dependency): one line per table, redrawn in place on a terminal."""

import sys
import time


class Progress:
    """Counts rows written for one label; draws at most ~10 times a second."""

    WIDTH = 30

    def __init__(self, label: str, total: int) -> None:
        self.label = label
        self.total = max(total, 1)
        self.done = 0
        self.started = time.monotonic()
        self._drawn = 0.0
        self._tty = sys.stderr.isatty()

    def update(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if self._tty and now - self._drawn >= 0.1:
            self._drawn = now
            self._draw(end="")

    def close(self) -> None:
        self._draw(end="\n")

    def _draw(self, end: str) -> None:
        fraction = min(self.done / self.total, 1.0)
        filled = int(fraction * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        elapsed = time.monotonic() - self.started
        prefix = "\r" if self._tty else ""
        sys.stderr.write(f"{prefix}{self.label:<18} [{bar}] {fraction:6.1%} {self.done:>9,} rows {elapsed:6.1f} s{end}")
        sys.stderr.flush()
