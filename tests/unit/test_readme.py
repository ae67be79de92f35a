"""The README's promises: its worked example prints what it shows, and CI runs its test
command verbatim."""

from __future__ import annotations

import re

from click.testing import CliRunner

from spar.cli import cli
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def test_worked_example_output_is_what_spar_score_prints(monkeypatch):
    block = next(b for b in _blocks("console") if b.startswith("$ spar score"))
    command, expected = block.split("\n", 1)
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, command.split()[2:])
    assert result.exit_code == 0, result.output
    assert result.stdout == expected


def test_quickstart_has_two_commands_and_ci_runs_the_test_one_verbatim():
    commands = [b.strip() for b in _blocks("bash")[:2]]
    assert "spar serve" in commands[0]
    assert "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()
