"""A small progress bar on stderr (no dependency): counts, rate and time left."""
from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total: int, label: str, stream=None, enabled: bool | None = None):
        self.total = max(int(total), 1)
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = enabled if enabled is not None else True
        self.done = 0
        self.start = time.perf_counter()
        self._last = 0.0
        self.extra = ""

    def update(self, n: int = 1, extra: str | None = None) -> None:
        self.done += n
        if extra is not None:
            self.extra = extra
        now = time.perf_counter()
        if self.enabled and (now - self._last > 0.2 or self.done >= self.total):
            self._last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        frac = min(self.done / self.total, 1.0)
        width = 28
        filled = int(frac * width)
        elapsed = now - self.start
        left = elapsed / frac - elapsed if frac > 0 else 0.0
        bar = "#" * filled + "-" * (width - filled)
        extra = f"  {self.extra}" if self.extra else ""
        self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total} {elapsed:5.0f}s elapsed, "
                          f"~{left:4.0f}s left{extra}   ")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.perf_counter())
            self.stream.write("\n")
            self.stream.flush()
