from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
DATA = Path(__file__).resolve().parent / "data"

# Tests never write into the user's cache directory.
os.environ["TFGUARD_CACHE_DIR"] = tempfile.mkdtemp(prefix="tfguard-test-cache-")


@pytest.fixture(scope="session")
def sarif_validator():  # type: ignore[no-untyped-def]
    from jsonschema import Draft4Validator

    schema = json.loads((DATA / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return Draft4Validator(schema)
