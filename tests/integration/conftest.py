"""Command-line tests against the test database, the way an operator runs spar."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from spar.cli import cli


@pytest.fixture
def run(empty_database, tmp_path, monkeypatch):
    """Run ``spar …`` on the test database; returns the click Result."""
    monkeypatch.setenv("SPAR_DATABASE_URL", empty_database)
    monkeypatch.setenv("SPAR_INSTANCE_PATH", str(tmp_path / "instance"))

    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke
