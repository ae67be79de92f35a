"""Fixtures for the command-line tests: a runner, the SPEC §2 criteria, a lot of offers."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from spar.cli import cli

SPEC_EXAMPLE = Path(__file__).resolve().parent.parent / "criteria_file" / "spec_example.yaml"

#: A ranked, a flagged (abnormally low), an eliminated (env < 25 %) and an irregular
#: (equality index under its minimum of 75) offer, in French spreadsheet CSV.
OFFERS_CSV = """\
id;supplier;siret;price_eur;co2e_kg;recycled_pct;labels;evidence.labels;insertion_hours;\
egapro_index;technical_mark
A;Papeterie Dupont;73282932000074;12000;1,2;80;EU Ecolabel;EU Ecolabel;150;90;3
B;Bureau Discount;;6000;2;50;;;100;80;2
C;Vieux Papiers;;11000;5;0;;;300;95;4
D;Sans Index;;12000;1;90;FSC;FSC;300;70;4
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner):
    """Run ``spar ARGS…``; a traceback (any exception but an exit) fails the test."""

    def _invoke(*args: str, **kwargs):
        result = runner.invoke(cli, [str(a) for a in args], **kwargs)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"traceback instead of a message: {result.exception!r}"
                                 ) from result.exception
        return result

    return _invoke


@pytest.fixture
def criteria_path() -> Path:
    return SPEC_EXAMPLE


@pytest.fixture
def offers_path(tmp_path) -> Path:
    path = tmp_path / "offres.csv"
    path.write_bytes(b"\xef\xbb\xbf" + OFFERS_CSV.encode("utf-8"))
    return path
