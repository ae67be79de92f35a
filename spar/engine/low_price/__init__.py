"""Abnormally-low-offer rules (SPEC §2.4), one module per method, and their registry.

Every rule module declares ``NAME``, ``PARAMETERS`` (with their defaults, written
nowhere else), ``NEEDS_ESTIMATE`` (whether it compares with the lot's estimate, so
that a lot without one skips it), ``describe(params)`` (the rule in French, for
reports), optionally ``check(params)`` (problems between parameters, as for a scoring
method) and ``evaluate(prices, competing, params, estimate)``, which returns a
:class:`~._common.Flagged`: the mask of the offers it flags and how to word each
reason (iterated, the ``(index, reason)`` pairs). A flagged offer is never excluded:
French law requires asking the supplier to justify its price first.
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


def describe(method: str, params) -> str:
    """A rule and the parameters it applied, in French: ``mean_ratio : prix inférieur à
    0,8 × la moyenne des offres``."""
    return f"{method} : {get_rule(method).describe(params)}"
