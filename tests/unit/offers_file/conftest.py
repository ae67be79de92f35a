"""Fixtures for the offers-file tests: the SPEC §2 example criteria and a file writer."""

from __future__ import annotations

from pathlib import Path

import pytest

from spar.criteria_file import load_criteria

SPEC_EXAMPLE = Path(__file__).resolve().parent.parent / "criteria_file" / "spec_example.yaml"


@pytest.fixture(scope="session")
def criteria():
    """The criteria set of SPEC §2: price, env (co2, recycled, ecolabel), social, technical."""
    return load_criteria(SPEC_EXAMPLE)


@pytest.fixture
def write(tmp_path):
    """Write text (UTF-8 unless told) or bytes to a file of the test's folder; its path."""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return _write
