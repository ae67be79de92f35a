"""Fixtures of the engine tests: the criteria set SPEC §2 gives as its example."""

from __future__ import annotations

from pathlib import Path

import pytest

from spar.criteria_file import load_criteria_text

#: The criteria set SPEC §2 gives as its example, verbatim (one copy for every test).
SPEC_EXAMPLE = (Path(__file__).resolve().parent.parent / "criteria_file" /
                "spec_example.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def spec_criteria():
    """The criteria set of SPEC §2, verbatim."""
    return load_criteria_text(SPEC_EXAMPLE, "fournitures-bureau.yaml")
