"""One answer read as its kind: a number (French or English, from JSON or a spreadsheet
cell), a yes/no, a list of labels; AnswerValueError says why not, for the caller to
name the offer and the input."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .errors import AnswerValueError

_TRUE = frozenset({"true", "yes", "oui", "1", "vrai", "o", "y"})
_FALSE = frozenset({"false", "no", "non", "0", "faux", "n"})
_SPACES = str.maketrans("", "", " \u00a0\u202f\t")


def is_missing(raw: Any) -> bool:
    """Whether a raw answer is no answer: nothing, blank text, NaN."""
    if raw is None:
        return True
    if isinstance(raw, str):
        return raw.strip() == ""
    if isinstance(raw, (float, np.floating)):
        return math.isnan(raw)
    return False


def parse_number(raw: Any) -> float:
    """A number from JSON or a spreadsheet cell; AnswerValueError says why not."""
    if isinstance(raw, bool):
        raise AnswerValueError("un nombre est attendu, pas un booléen")
    if isinstance(raw, (int, float, np.integer, np.floating)):
        try:
            x = float(raw)
        except OverflowError:  # a JSON integer beyond any float
            raise AnswerValueError("nombre trop grand") from None
    elif isinstance(raw, str):
        s = raw.translate(_SPACES)
        if "," in s and "." in s:
            raise AnswerValueError(f"nombre ambigu « {raw} » (virgule et point)")
        try:
            x = float(s.replace(",", "."))
        except ValueError:
            raise AnswerValueError(f"un nombre est attendu, pas « {raw} »") from None
    else:
        what = {list: "une liste", tuple: "une liste", dict: "un objet"}.get(type(raw))
        raise AnswerValueError(f"un nombre est attendu, pas {what or type(raw).__name__}")
    if not math.isfinite(x):
        raise AnswerValueError(f"nombre non fini « {raw} »")
    return x


def parse_boolean(raw: Any) -> bool:
    """A yes/no answer in any of its accepted spellings; AnswerValueError says why not."""
    # numpy scalars come from array columns (a spreadsheet's 0/1 or True/False column)
    if isinstance(raw, (bool, np.bool_)):
        return bool(raw)
    if isinstance(raw, (int, float, np.integer, np.floating)) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        s = raw.strip().casefold()
        if s in _TRUE:
            return True
        if s in _FALSE:
            return False
    raise AnswerValueError(f"oui ou non attendu (true/false, yes/no, oui/non, 1/0), "
                           f"pas « {raw} »")


def parse_labels(raw: Any) -> list[str]:
    """A list of labels from a list or a ``|``-separated text; AnswerValueError says why not."""
    if isinstance(raw, str):
        items = raw.split("|")
    elif isinstance(raw, (list, tuple)):
        items = list(raw)
    else:
        raise AnswerValueError("une liste de labels est attendue")
    out = []
    for item in items:
        if not isinstance(item, str):
            raise AnswerValueError(f"chaque label doit être un texte, pas {item!r}")
        if item.strip():
            out.append(item.strip())
    return out
