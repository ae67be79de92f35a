"""The registry of scoring methods (SPEC §2), one module per method.

What a method *is* — the answer it reads, whether it scores a price, its direction,
how reports describe it — is declared by its module (see :mod:`.base`); everything
else asks the registry rather than the method's name.
"""

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
PRICE_METHODS = frozenset(name for name, m in METHODS.items() if getattr(m, "PRICE", False))


def get_method(name: str) -> ModuleType:
    """The method module registered under ``name``; KeyError if unknown."""
    return METHODS[name]


def is_price(method: str) -> bool:
    """Whether the method named ``method`` scores a price."""
    return method in PRICE_METHODS


def describe(leaf) -> str:
    """How a leaf turns its answer into a score, as a French sentence fragment."""
    return get_method(leaf.method).describe(leaf.params, leaf.unit)


def direction(leaf) -> int:
    """+1 when a higher answer scores better on ``leaf``, −1 when a lower one does, 0 when
    its answers have no order."""
    return get_method(leaf.method).direction(leaf.params)
