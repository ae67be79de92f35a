"""The registry of scoring methods (SPEC §2), one module per method."""

from __future__ import annotations

from types import ModuleType

from . import (boolean, choice, labels, linear, min_max, price_linear_gap,
               price_lowest_ratio, price_min_max, relative, scale, steps)

METHODS: dict[str, ModuleType] = {
    m.NAME: m
    for m in (price_lowest_ratio, price_linear_gap, price_min_max, linear, relative,
              min_max, steps, boolean, choice, labels, scale)
}

#: Methods that score a price; their share is the "price share" of the policy.
PRICE_METHODS = frozenset({"price_lowest_ratio", "price_linear_gap", "price_min_max"})


def get_method(name: str) -> ModuleType:
    """The method module registered under ``name``; KeyError if unknown."""
    return METHODS[name]
