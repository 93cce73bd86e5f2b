"""Content-hash cache of parsed files, so that unchanged files are never parsed twice.

Entries live in the user's cache directory (never in the scanned tree), keyed
by the SHA-256 of the file's bytes under a namespace of tfguard's and the
grammar's versions. An entry that is corrupt, truncated or from another
version is ignored and rewritten, never trusted; writes go through a temporary
file and an atomic rename, so concurrent runs cannot read half an entry.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from pathlib import Path
from typing import Any

from tfguard.load.cachedir import cache_directory
from tfguard.load.hcl_ast import Attribute, Block

FORMAT = 1
_MAGIC = "tfguard-parse-cache"


def _namespace() -> str:
    from tfguard import __version__
    from tfguard.load.hcl_grammar import grammar_fingerprint

    # The entries hold our converter's output, so its source is part of the key
    # too: a development checkout changes it without changing __version__.
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    # JSON bodies become nested blocks by the provider schema's table: it is part of the output too.
    for name in ("hcl_grammar.py", "hcl_ast.py", "hcl_expr.py", "hcl_json.py", "hcl_template.py", "cache.py", "../data/aws_schema.bin"):
        try:
            digest.update((here / name).read_bytes())
        except OSError:  # pragma: no cover - installed without sources
            digest.update(name.encode())
    return f"v{FORMAT}-{__version__}-{digest.hexdigest()[:12]}-grammar-{grammar_fingerprint()}"


def _encode(block: Block) -> tuple[Any, ...]:
    attrs = tuple((a.name, a.expr, a.line, a.end_line) for a in block.attrs.values())
    return (block.type, block.labels, block.line, block.end_line, attrs, tuple(_encode(b) for b in block.blocks))


def _decode(data: tuple[Any, ...]) -> Block:
    btype, labels, line, end_line, attrs, blocks = data
    block = Block(str(btype), tuple(labels), int(line), int(end_line))
    block.attrs = {name: Attribute(name, expr, a_line, a_end) for name, expr, a_line, a_end in attrs}
    block.blocks = [_decode(b) for b in blocks]
    return block


def encode_blocks(blocks: list[Block]) -> tuple[Any, ...]:
    """Blocks as nested tuples of plain values (what marshal and pickle handle fastest)."""
    return tuple(_encode(b) for b in blocks)


def decode_blocks(payload: tuple[Any, ...]) -> list[Block]:
    return [_decode(b) for b in payload]


class ParseCache:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = (directory or cache_directory()) / "parse" / _namespace()
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / key

    @staticmethod
    def key(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    def has(self, key: str) -> bool:
        return self._path(key).is_file()

    def get(self, key: str) -> list[Block] | None:
        try:
            raw = self._path(key).read_bytes()
            magic, stored_key, payload = marshal.loads(raw)
            if magic != _MAGIC or stored_key != key:
                raise ValueError("foreign entry")
            blocks = decode_blocks(payload)
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, ValueError, EOFError, TypeError):
            self.misses += 1  # corrupt or foreign: parse again and overwrite
            return None
        self.hits += 1
        return blocks

    def put(self, key: str, blocks: list[Block]) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            data = marshal.dumps((_MAGIC, key, encode_blocks(blocks)))
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except (OSError, ValueError):
            pass  # a read-only or full cache directory only costs speed
