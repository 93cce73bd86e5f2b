"""Source text for reports: the lines a location names, read from the scanned folders."""

from __future__ import annotations

from pathlib import Path

MAX_FILE = 5_000_000  # bytes; a larger file (a minified plan JSON) gives no text


class Sources:
    """Reads each file once; a file that is missing, a symbolic link or too large gives None."""

    def __init__(self, roots: list[Path]) -> None:
        self.roots = roots
        self._lines: dict[str, list[str] | None] = {}

    def lines(self, file: str) -> list[str] | None:
        """The file's lines with their own line endings, as it is now."""
        if file not in self._lines:
            self._lines[file] = self._load(file)
        return self._lines[file]

    def _load(self, file: str) -> list[str] | None:
        for root in self.roots:
            path = root / file
            try:
                if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_FILE:
                    continue
                with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
                    text = handle.read()
            except OSError:
                continue
            # Lines end at "\n" only, as the parsers count them (str.splitlines also splits at
            # form feeds and Unicode separators, which would shift every later line).
            parts = text.split("\n")
            return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
        return None

    def text(self, file: str, start: int, end: int) -> str | None:
        """Lines start..end (1-based, inclusive) without the last line's ending, or None."""
        lines = self.lines(file)
        if lines is None or not 1 <= start <= end <= len(lines):
            return None
        last = lines[end - 1].removesuffix("\n").removesuffix("\r")
        return "".join(lines[start - 1:end - 1]) + last
