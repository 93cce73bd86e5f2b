"""For people at a terminal: colour only on a TTY (NO_COLOR respected), a progress line
on stderr for long scans (never in machine formats or when output is piped)."""

from __future__ import annotations

import os
import sys
import threading
import time
from types import TracebackType
from typing import TextIO

_COLOURS = {"CRITICAL": "\033[1;35m", "HIGH": "\033[1;31m", "MEDIUM": "\033[33m", "LOW": "\033[36m"}
_RESET = "\033[0m"


def use_colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def colourise(text: str) -> str:
    for word, code in _COLOURS.items():
        text = text.replace(f" {word} ", f" {code}{word}{_RESET} ")
    return text


class Progress:
    """Prints `tfguard: scanning... 3s` on stderr after `delay` seconds, and clears it when done."""

    def __init__(self, enabled: bool, delay: float = 2.0, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self.delay = delay
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._shown = False

    def _run(self) -> None:
        start = time.monotonic()
        if self._stop.wait(self.delay):
            return
        while not self._stop.is_set():
            self.stream.write(f"\rtfguard: scanning... {time.monotonic() - start:.0f}s")
            self.stream.flush()
            self._shown = True
            self._stop.wait(1.0)

    def __enter__(self) -> Progress:
        if self.enabled:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
