"""French number formatting for the sentences people read."""

from __future__ import annotations

import math
from typing import Iterable


def _french(text: str) -> str:
    """Python's separators made French: a narrow no-break space between thousands and a
    decimal comma (one pass over many numbers joined is as right as over one)."""
    return text.replace(",", "\u202f").replace(".", ",")


def fr_number(x: float, decimals: int = 2) -> str:
    """``12345.6`` → ``12 345,60`` (narrow no-break space between thousands)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return _french(f"{float(x):,.{decimals}f}")


def fr_numbers(values: Iterable[float], decimals: int = 2) -> list[str]:
    """``[fr_number(x, decimals) for x in values]``, cheaper for many numbers: the
    separators of all of them are swapped in one pass (tens of thousands of reasons).
    The test for a missing number is fr_number's, written inline: a call per number
    would cost what the one pass saves."""
    spec = f",.{decimals}f"
    values = values if type(values) is list else list(values)
    if values and set(map(type, values)) == {float}:
        # plain floats, the common case: one str.format for all of them, as format() one
        # by one does, and NaN ("nan", whatever its sign) read back as missing
        text = _french((("{:" + spec + "}\n") * len(values)).format(*values))
        texts = text.split("\n")
        texts.pop()
        return ["—" if t == "nan" else t for t in texts] if "nan" in text else texts
    texts = ["—" if x is None or (isinstance(x, float) and x != x) else format(float(x), spec)
             for x in values]
    return _french("\n".join(texts)).split("\n") if texts else texts


def fr_short(x: float) -> str:
    """A number without useless decimals: ``2.0`` → ``2``, ``1.25`` → ``1,25``."""
    x = float(x)
    if x.is_integer():
        return fr_number(x, 0)
    s = f"{x:.4f}".rstrip("0")
    whole, frac = s.split(".")
    return fr_number(float(whole), 0) + "," + frac if whole != "-0" else "-0," + frac


def fr_percent(share: float, decimals: int = 1) -> str:
    """A share in [0, 1] as ``42,5 %``."""
    return fr_number(share * 100, decimals) + "\u00a0%"


def answer_text(value, *, missing: str = "—", separator: str = ", ", none_listed: str = ""
                ) -> str:
    """An answer as a person reads it: ``oui``, ``12 000``, ``EU Ecolabel, FSC``."""
    if value is None:
        return missing
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (int, float)):
        return fr_short(value)
    if isinstance(value, (list, tuple)):
        return separator.join(map(str, value)) or none_listed
    return str(value)
