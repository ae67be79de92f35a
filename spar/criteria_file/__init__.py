"""Criteria files: YAML (or JSON) → a validated criteria tree, every problem located.

Problems are collected, never raised one at a time: a buyer fixing a file sees all
of them at once, sorted, each as ``FILE:LINE:COL: error|warning: message``.

One module per job: :mod:`.reading` (YAML with the location of every value),
:mod:`.checker` and :mod:`.checking` (SPEC §2.2), :mod:`.schema` (the JSON Schema for
editors), :mod:`.identity` (the canonical form and its SHA-256), :mod:`.spec` (what the
format allows) and :mod:`.problems`. This module holds the entry points.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from ..engine.criteria import CriteriaSet
from .checking import check_document
from .identity import canonical_json, document_sha256
from .problems import CriteriaFileError, Problem
from .reading import read_document, read_text
from .schema import criteria_json_schema, schema_text

__all__ = ["CriteriaFileError", "Problem", "canonical_json", "check_criteria_text",
           "check_document", "criteria_json_schema", "document_sha256", "load_criteria",
           "load_criteria_document", "load_criteria_text", "read_document", "read_text",
           "schema_text"]


def check_criteria_text(text: str, file: str = "<criteria>"
                        ) -> tuple[CriteriaSet | None, list[Problem]]:
    """Read and validate criteria text; the set is None when there is any error."""
    document, loc, problems = read_document(text, file)
    if problems and any(p.severity == "error" for p in problems) and document is None:
        return None, sorted(problems)
    criteria, more = check_document(document, loc, file)
    problems = sorted(set(problems + more))  # a non-finite number is seen by both passes
    if any(p.severity == "error" for p in problems):
        return None, problems
    return criteria, problems


def load_criteria_text(text: str, file: str = "<criteria>") -> CriteriaSet:
    """A criteria set from text; CriteriaFileError with every problem otherwise."""
    criteria, problems = check_criteria_text(text, file)
    if criteria is None:
        raise CriteriaFileError(problems)
    return criteria


def load_criteria(path: str | Path) -> CriteriaSet:
    """A criteria set from a file; CriteriaFileError with every problem otherwise."""
    return load_criteria_text(read_text(path), str(path))


def load_criteria_document(document: Mapping[str, Any]) -> CriteriaSet:
    """A criteria set from an already parsed document (a JSON upload)."""
    criteria, problems = check_document(dict(document), None, "<json>")
    if criteria is None:
        raise CriteriaFileError(problems)
    return criteria
