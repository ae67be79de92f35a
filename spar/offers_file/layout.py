"""What an offers table holds (SPEC §3): the base columns, one per input, and the
evidence columns of the labels inputs."""

from __future__ import annotations

from ..engine.answers import input_kinds
from ..engine.criteria import CriteriaSet

#: Columns of an offers table that are not answers (SPEC §3).
BASE_COLUMNS = ("id", "supplier", "siret", "lot")
EVIDENCE_PREFIX = "evidence."
#: Kinds of answer pandas may parse as numbers; the others are read as text.
NUMERIC_KINDS = frozenset({"number", "mark"})


def evidence_inputs(criteria: CriteriaSet) -> list[str]:
    """Inputs whose evidence counts: those of ``labels`` leaves (SPEC §2)."""
    return [name for name, kind in input_kinds(criteria).items() if kind == "labels"]


def known_columns(criteria: CriteriaSet) -> list[str]:
    """The columns an offers table may have for ``criteria``, in a readable order."""
    return [*BASE_COLUMNS, *criteria.inputs(),
            *(EVIDENCE_PREFIX + name for name in evidence_inputs(criteria))]
