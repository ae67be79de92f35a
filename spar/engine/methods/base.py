"""What every scoring method module declares, and helpers they share.

A method module declares:

``NAME``        the name used in criteria files;
``KIND``        the kind of answer it reads (see :data:`spar.engine.columns.KINDS`);
``RELATIVE``    whether its score depends on the competing offers;
``PARAMETERS``  a tuple of :class:`Param`, the only place a parameter's default is
                written (the criteria file fills the defaults in, so ``params`` always
                holds every parameter that has one);
``describe(params, unit)``         how it scores, as a French sentence fragment for
                                   reports and pages (``unit``: the leaf's, or None);
``direction(params)``              +1 when a higher answer scores better, −1 when a
                                   lower one does, 0 when the answers have no order;
``statistics(column, competing, params)``  what it needs from the competition
                                   (``{}`` for absolute methods);
``score(column, params, stats)``   the score of every row, NaN-free, in [0, 1];
``score_one(value, params, stats)``  the score of one answer, bit for bit what ``score``
                                   gives it on a one-row column, in plain floats (a
                                   self-assessment scores one offer, and numpy's calls
                                   on one row cost more than the arithmetic); ``value``
                                   as the column holds it: a float, NaN for no answer
                                   (number, mark; boolean: 1.0, 0.0, a bool or None),
                                   the option or None (choice), (claimed, evidenced)
                                   (labels);
``statistics_one(values, params)``  relative methods: ``statistics`` over plain floats,
                                   every one competing;
``explain(value, score, params, stats)``   one line of arithmetic for one offer;
``targets(value, params, stats)``  better answers a supplier could give (for hints).

Optionally ``PRICE = True`` says it scores a price (its share is the policy's price
share, a company profile cannot answer it, the review reads its input as the price);
``check(params)`` returns problems between parameters, as ``(param, message)``;
``invalid(column, params)`` returns ``(mask, reason)`` for answers of the right kind
that this method still cannot score (a price that is not positive), and
``invalid_one(value, params)`` the reason for one answer (as ``score_one`` reads it), or
None;
``alone(params)`` says whether ``score_one`` holds for these parameters (true when absent);
``breakpoints(params)`` the answers where a staircase's score changes (what-if tries
those rather than searching between them);
``CAUTION`` is a warning ``spar criteria check`` gives wherever the method is used, and
``lot_caution(stats, count, max_points)`` a warning for one scored lot, or None
(``spar analyse`` and the robustness of every stored scoring).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from ..text import fr_percent

#: Parameter types understood by the criteria validator and the JSON Schema.
PARAM_TYPES = ("number", "score", "enum", "steps", "levels", "options", "labels")


@dataclass(frozen=True)
class Param:
    """One parameter of a method, as a criteria file writes it."""

    name: str
    type: str
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    doc: str = ""
    minimum: float | None = None  # a number's lower bound, when it has one

    def __post_init__(self) -> None:
        # the validator and the JSON Schema read these types only: a new method module
        # with another one fails at import, not on a buyer's file
        if self.type not in PARAM_TYPES:
            raise AssertionError(f"{self.name}: parameter type {self.type!r} is not one of "
                                 f"{PARAM_TYPES}")


def direction_param(doc: str = "higher: more is better; lower: less is better") -> Param:
    """The ``direction`` parameter the methods that let a file choose which way is better
    declare (higher by default); read it with :func:`higher_or_lower`."""
    return Param("direction", "enum", default="higher", choices=("higher", "lower"), doc=doc)


def higher_or_lower(params: Mapping[str, Any]) -> int:
    """The ``direction`` parameter as a sign: +1 for higher, −1 for lower."""
    return -1 if params["direction"] == "lower" else 1


def fmt(x: float) -> str:
    """A number as an explanation shows it: short, exact for round values."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    x = float(x)
    if x.is_integer() and abs(x) < 1e15:
        return f"{x:.1f}"
    return f"{x:.6g}"


def fmt_score(s: float) -> str:
    return f"{float(s):.4f}"


def percent(score: float) -> str:
    """A score as a whole percentage, as descriptions write it: ``0.5`` → ``50 %``."""
    return fr_percent(float(score), 0)


def with_unit(unit: str | None) -> str:
    """`` kgCO2e`` after a value, or nothing."""
    return f" {unit}" if unit else ""
