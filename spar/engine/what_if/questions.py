"""What a what-if question gives, checked: the leaf, the competition, the current answer.

Each problem is a :class:`~spar.engine.errors.GainSearchError` naming the criterion
and what was expected, in French.
"""

from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np

from ..criteria import CriteriaSet, Leaf
from ..errors import GainSearchError
from ..text import fr_short


def leaf_of(criteria: CriteriaSet, leaf: Leaf | str) -> Leaf:
    """The leaf of ``criteria`` named by itself or by its path."""
    path = leaf.path if isinstance(leaf, Leaf) else leaf
    try:
        node = criteria.node(path)
    except KeyError:
        known = ", ".join(item.path for item in criteria.leaves)
        raise GainSearchError(f"critère « {path} » inconnu ; critères notés : {known}") from None
    if not isinstance(node, Leaf):
        raise GainSearchError(f"« {path} » est un groupe de critères : choisissez l'un de ses "
                              "sous-critères")
    return node


def competition_of(leaf: Leaf, competition: Iterable[float] | None) -> np.ndarray:
    """The competing answers that compete: numbers within the leaf's bounds."""
    if competition is None:
        return np.zeros(0)
    out = []
    for x in competition:
        if x is None:
            continue
        if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
            raise GainSearchError(f"concurrence de « {leaf.path} » : des nombres sont attendus, "
                                  f"pas {x!r}")
        x = float(x)
        # an answer outside the leaf's bounds makes that offer irregular: it does
        # not compete, so it cannot set the reference (SPEC §2.3 step 2)
        if math.isnan(x) or (leaf.minimum is not None and x < leaf.minimum) \
                or (leaf.maximum is not None and x > leaf.maximum):
            continue
        out.append(x)
    return np.array(out)


def as_number(leaf: Leaf, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not math.isfinite(float(value)):
        raise GainSearchError(f"réponse à « {leaf.path} » : un nombre est attendu, pas "
                              f"{value!r}")
    return float(value)


def as_mark(leaf: Leaf, value: Any) -> float | None:
    mark = as_number(leaf, value)
    marks = [float(lv["mark"]) for lv in leaf.params["levels"]]
    if mark is not None and mark not in marks:
        raise GainSearchError(f"réponse à « {leaf.path} » : note hors de l'échelle ; notes "
                              "possibles : " + ", ".join(fr_short(m) for m in marks))
    return mark


def as_boolean(leaf: Leaf, value: Any) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise GainSearchError(f"réponse à « {leaf.path} » : true ou false est attendu, pas "
                              f"{value!r}")
    return value


def as_choice(leaf: Leaf, value: Any) -> str | None:
    if value is not None and value not in leaf.params["options"]:
        listed = ", ".join(f"« {o} »" for o in leaf.params["options"])
        raise GainSearchError(f"réponse à « {leaf.path} » : réponse inconnue ; réponses "
                              f"possibles : {listed}")
    return value


def as_labels(leaf: Leaf, value: Any, what: str) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, (list, tuple)) or not all(isinstance(x, str) for x in value):
        raise GainSearchError(f"{what} de « {leaf.path} » : une liste de labels est attendue, "
                              f"pas {value!r}")
    return list(dict.fromkeys(value))
