"""What-if for suppliers: the smallest change of one answer that gains a number of points.

The self-assessment hints say what the best answer would bring; a supplier often
asks the reverse question: "what is the least I must change to gain 2 points on
this criterion?". :func:`smallest_changes` answers it for one leaf, within the
leaf's bounds (``minimum``/``maximum``, the answers its method accepts).

Numbers scored by a continuous method (``linear`` and the relative methods) are
solved by bisection on the method's own score function, which is monotone in
the answer once the competition is fixed: the answer found can therefore never
disagree with the engine, whatever the formula (:mod:`.numbers`). ``steps``,
booleans, choices, marks (:mod:`.discrete`) and labels (:mod:`.labels`) are
discrete: every candidate answer is scored and the cheapest one that gains enough
is kept. :mod:`.questions` checks what is asked; :mod:`.search` holds what every
search shares, the result's shape and its wording.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any, Iterable, Sequence

from ..criteria import CriteriaSet, Leaf
from ..errors import GainSearchError
from ..methods import get_method
from .discrete import DiscreteSearch
from .labels import LabelsSearch
from .numbers import NumberSearch
from .questions import as_boolean, as_choice, as_labels, as_mark, as_number, competition_of, \
    leaf_of
from .search import FOUND, IMPOSSIBLE, UNKNOWN, AnswerChange, GainSearch

__all__ = ["FOUND", "IMPOSSIBLE", "UNKNOWN", "AnswerChange", "GainSearch", "smallest_changes"]


def smallest_changes(criteria: CriteriaSet, leaf: Leaf | str, value: Any, gain_points: float,
                     competition: Iterable[float] | None = None, *,
                     evidence: Sequence[str] = ()) -> GainSearch:
    """The smallest changes of ``value`` on ``leaf`` that gain at least ``gain_points``.

    ``leaf``: a leaf of ``criteria`` or its path. ``value``: the current answer in
    plain form — a number, a bool, an option, a mark, a list of labels — or None
    when unanswered (it scores 0); with labels, ``evidence`` lists the labels whose
    evidence is attached. ``competition``: for relative methods, the answers of
    the *other* competing offers (or the values a supplier assumes; values outside
    the leaf's ``minimum``/``maximum`` are left out, as such offers are irregular
    and do not compete); the method's
    statistics are recomputed with each candidate answer, so becoming the best
    offer moves the reference as the engine would. Ignored by absolute methods.

    Points are points of the total (the leaf's score × its maximum points). The
    result's ``changes`` are the qualifying answers, cheapest first: for numbers
    the single nearest one (for ``steps``, each threshold that qualifies, nearest
    first); for choices and marks the least demanding option or level first; for
    labels the fewest labels to obtain or justify. ``status`` is ``impossible``
    when even the best answer within the bounds gains less (``max_gain`` says how
    much it would gain), ``unknown`` for a relative criterion without
    competition and without an answer. GainSearchError, in French, for a leaf that
    is not one, a malformed value or a gain that is not a positive number.
    """
    leaf = leaf_of(criteria, leaf)
    if isinstance(gain_points, bool) or not isinstance(gain_points, Real) \
            or not math.isfinite(gain_points) or gain_points <= 0:
        raise GainSearchError(f"gain demandé sur « {leaf.path} » : un nombre de points "
                              f"strictement positif est attendu, pas {gain_points!r}")
    max_points = criteria.points * criteria.shares()[leaf.path]
    kind = get_method(leaf.method).KIND
    others = competition_of(leaf, competition)
    wanted = float(gain_points)
    if kind == "number":
        return NumberSearch(leaf, max_points, wanted, others).number(as_number(leaf, value))
    if kind == "mark":
        return DiscreteSearch(leaf, max_points, wanted, others).mark(as_mark(leaf, value))
    if kind == "boolean":
        return DiscreteSearch(leaf, max_points, wanted, others).boolean(as_boolean(leaf, value))
    if kind == "choice":
        return DiscreteSearch(leaf, max_points, wanted, others).choice(as_choice(leaf, value))
    return LabelsSearch(leaf, max_points, wanted, others).labels(
        as_labels(leaf, value, "valeur"), as_labels(leaf, evidence, "evidence"))
