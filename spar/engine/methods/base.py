"""What every scoring method module declares, and helpers they share.

A method module declares:

``NAME``        the name used in criteria files;
``KIND``        the kind of answer it reads (see :data:`spar.engine.columns.KINDS`);
``RELATIVE``    whether its score depends on the competing offers;
``PARAMETERS``  a tuple of :class:`Param`;
``check(params)``                  cross-parameter problems, as ``(param, message)``;
``statistics(column, competing, params)``  what it needs from the competition
                                   (``{}`` for absolute methods);
``score(column, params, stats)``   the score of every row, NaN-free, in [0, 1];
``explain(value, score, params, stats)``   one line of arithmetic for one offer;
``targets(value, params, stats)``  better answers a supplier could give (for hints).

Optionally ``invalid(column, params)`` returns ``(mask, reason)`` for answers of the
right kind that this method still cannot score (a price that is not positive);
``CAUTION`` is a warning ``spar criteria check`` gives wherever the method is used, and
``lot_caution(stats, count, max_points)`` a warning for one scored lot, or None
(``spar analyse`` and the robustness of every stored scoring).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

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


def with_defaults(params: dict[str, Any], declared: tuple[Param, ...]) -> dict[str, Any]:
    """The parameters with their declared defaults filled in."""
    out = {p.name: p.default for p in declared if p.default is not None}
    out.update(params)
    return out


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
