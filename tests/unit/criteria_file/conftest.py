"""Helpers for the criteria-file tests: a small valid file to break, and its problems."""

from __future__ import annotations

from spar.criteria_file import check_criteria_text

#: A valid two-leaf set; tests replace one of its lines to break it (line numbers matter).
BASE = """\
spar: 1
id: petit
version: 1
title: Petit marché
category: supplies
criteria:
  - id: price
    label: Prix
    pillar: economic
    weight: 60
    input: price_eur
    method: price_lowest_ratio
  - id: co2
    label: Carbone
    pillar: environmental
    weight: 40
    input: co2e_kg
    method: linear
    best: 1
    worst: 5
"""


def problems_of(text: str) -> list[str]:
    """Every problem of ``text`` read as ``f.yaml``, as the command line prints them."""
    return [str(p) for p in check_criteria_text(text, "f.yaml")[1]]


def replaced(old: str, new: str, text: str = BASE) -> str:
    """``text`` with ``old`` (which must be there exactly once) replaced by ``new``."""
    assert text.count(old) == 1, old
    return text.replace(old, new)
