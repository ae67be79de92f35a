"""What the three price formulas share: a price is a positive number, scored against the
lowest competing price, and the lower the better."""

from __future__ import annotations

from ._stats import extremes, extremes_one, not_positive


#: Why a price is refused.
NOT_POSITIVE = "le prix doit être strictement positif"


def invalid(values, params):
    return not_positive(values), NOT_POSITIVE


def invalid_one(value, params):
    return NOT_POSITIVE if value <= 0 else None


def statistics(values, competing, params):
    return extremes(values, competing)


def statistics_one(values, params):
    return extremes_one(values)


def direction(params) -> int:
    return -1


def targets(value, params, stats):
    return [stats["min"]] if value != stats["min"] else []
