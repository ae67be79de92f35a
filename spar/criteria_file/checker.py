"""The checks a criteria document is made of: each value against what it must be, every
problem recorded at its location, nothing raised."""

from __future__ import annotations

import math
import re
from typing import Any, Iterable

from ..engine.methods.base import Param
from .problems import Problem
from .reading import DocPath, Located, dotted


class Checker:
    """Collects every located problem of one document; each check says whether it passed."""

    def __init__(self, loc: Located, file: str):
        self.loc = loc
        self.file = file
        self.problems: list[Problem] = []

    def add(self, path: DocPath, message: str, severity: str = "error", key: bool = False) -> None:
        line, col = self.loc.at(path, key=key)
        self.problems.append(Problem(line, col, severity, message, self.file, dotted(path)))

    # -- primitive checks, each returns whether the value is acceptable --------
    def mapping(self, value, path, allowed: Iterable[str], required: Iterable[str] = ()) -> bool:
        if not isinstance(value, dict):
            self.add(path, f"un objet (clé: valeur) est attendu, pas {kind_of(value)}")
            return False
        allowed = set(allowed)
        for key in value:
            if key not in allowed:
                self.add(path + (key,), f"clé inconnue « {key} » ; clés possibles : "
                         + ", ".join(sorted(allowed)), key=True)
        for key in required:
            if key not in value:
                self.add(path, f"clé obligatoire « {key} » manquante")
        return True

    def number(self, value, path, *, low=None, high=None, low_open=False, integer=False) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            what = "un entier" if integer else "un nombre"
            self.add(path, f"{what} est attendu, pas {kind_of(value)}")
            return False
        if not math.isfinite(value):  # NaN would pass every bound, then break the sha256
            self.add(path, "nombre non fini")
            return False
        if integer and not isinstance(value, int):
            self.add(path, f"un entier est attendu, pas {value!r}")
            return False
        if low is not None and (value <= low if low_open else value < low):
            self.add(path, f"doit être {'>' if low_open else '≥'} {low:g}, pas {value:g}")
            return False
        if high is not None and value > high:
            self.add(path, f"doit être ≤ {high:g}, pas {value:g}")
            return False
        return True

    def text(self, value, path, pattern: re.Pattern | None = None, what: str = "") -> bool:
        if not isinstance(value, str) or not value.strip():
            self.add(path, f"un texte non vide est attendu, pas {kind_of(value)}")
            return False
        if pattern is not None and not pattern.match(value):
            self.add(path, f"« {value} » n'est pas {what}")
            return False
        return True

    def enum(self, value, path, choices: Iterable[str]) -> bool:
        choices = tuple(choices)
        if value not in choices:
            self.add(path, f"valeur « {value} » inconnue ; valeurs possibles : " + ", ".join(choices))
            return False
        return True

    def boolean(self, value, path) -> bool:
        if not isinstance(value, bool):
            self.add(path, f"true ou false est attendu, pas {kind_of(value)}")
            return False
        return True

    def filled(self, value, path, kind: type, expected: str) -> bool:
        """A non-empty ``kind`` (dict or list); ``expected`` says what, in French."""
        if not isinstance(value, kind):
            self.add(path, f"{expected}, pas {kind_of(value)}")
            return False
        if not value:
            self.add(path, "la liste ne peut pas être vide")
            return False
        return True

    # -- parameters of methods and rules -------------------------------------
    def param(self, p: Param, value, path) -> bool:
        if p.type == "number":
            return self.number(value, path, low=p.minimum)
        if p.type == "score":
            return self.number(value, path, low=0, high=1)
        if p.type == "enum":
            return self.enum(value, path, p.choices)
        if p.type in ("options", "labels"):
            if not self.filled(value, path, dict, "un objet (réponse: score) est attendu"):
                return False
            return all([self.number(v, path + (k,), low=0, high=1) for k, v in value.items()])
        if p.type in ("steps", "levels"):
            if not self.filled(value, path, list, "une liste est attendue"):
                return False
            keys = ("at", "score") if p.type == "steps" else ("mark", "label", "score")
            ok = True
            for k, item in enumerate(value):
                ipath = path + (k,)
                if not self.mapping(item, ipath, keys, keys):
                    ok = False
                    continue
                for key in keys:
                    if key not in item:
                        ok = False
                    elif key == "score":
                        ok &= self.number(item[key], ipath + (key,), low=0, high=1)
                    elif key == "label":
                        ok &= self.text(item[key], ipath + (key,))
                    else:
                        ok &= self.number(item[key], ipath + (key,))
            return ok
        raise AssertionError(p.type)

    def params(self, declared: tuple[Param, ...], node: dict, path: DocPath):
        """Check ``declared`` parameters in ``node``; the parameters with their defaults
        filled in (so the methods never write a default), or None."""
        out, ok = {}, True
        for p in declared:
            if p.name in node:
                ok &= self.param(p, node[p.name], path + (p.name,))
                out[p.name] = node[p.name]
            elif p.required:
                self.add(path, f"paramètre obligatoire « {p.name} » manquant")
                ok = False
            elif p.default is not None:
                out[p.name] = p.default
        return out if ok else None


def kind_of(value: Any) -> str:
    if value is None:
        return "une valeur vide"
    if isinstance(value, bool):
        return f"le booléen {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"le nombre {value!r}"
    if isinstance(value, str):
        return f"le texte « {value} »"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "un objet"
    return type(value).__name__
