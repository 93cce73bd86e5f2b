"""Colour only on a TTY and never with NO_COLOR; the progress line only on a TTY and only when slow."""

from __future__ import annotations

import io
import time

import pytest

from tfguard.terminal import Progress, colourise, use_colour


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert use_colour(Tty()) and not use_colour(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_colour(Tty())
    assert colourise("  :3  HIGH     TG101 x") == "  :3  \033[1;31mHIGH\033[0m     TG101 x"


def test_progress_only_when_slow_and_on_a_tty() -> None:
    fast = Tty()
    with Progress(enabled=True, delay=5.0, stream=fast):
        pass
    assert fast.getvalue() == ""
    slow = Tty()
    with Progress(enabled=True, delay=0.01, stream=slow):
        time.sleep(0.2)
    assert "tfguard: scanning..." in slow.getvalue() and slow.getvalue().endswith("\r\033[K")
    piped = io.StringIO()
    with Progress(enabled=True, delay=0.01, stream=piped):
        time.sleep(0.05)
    assert piped.getvalue() == ""
