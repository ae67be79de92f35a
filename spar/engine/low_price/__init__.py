"""Abnormally-low-offer rules (SPEC §2.4), one module per method, and their registry.

Every rule module declares ``NAME``, ``PARAMETERS`` and ``evaluate(prices,
competing, params, estimate)``, which returns a :class:`~._common.Flagged`: the
mask of the offers it flags and how to word each reason (iterated, the
``(index, reason)`` pairs). A flagged offer is never excluded: French law requires asking
the supplier to justify its price first.
"""

from __future__ import annotations

from types import ModuleType

from . import estimate_ratio, mean_minus_std, mean_ratio, next_offer_gap, two_pass_mean

RULES: dict[str, ModuleType] = {
    m.NAME: m for m in (mean_ratio, mean_minus_std, estimate_ratio, two_pass_mean, next_offer_gap)
}


def get_rule(name: str) -> ModuleType:
    """The rule module registered under ``name``; KeyError if unknown."""
    return RULES[name]
