"""Criteria files: YAML (or JSON) → a validated criteria tree, every problem located.

Problems are collected, never raised one at a time: a buyer fixing a file sees all
of them at once, sorted, each as ``FILE:LINE:COL: error|warning: message``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from .engine.criteria import (CATEGORIES, PILLARS, CriteriaSet, Group, Leaf, LowPriceRule,
                              Policy, document_sha256)
from .engine.low_price import RULES
from .engine.methods import METHODS
from .engine.methods.base import Param
from .engine.policy import policy_checks

FORMAT_VERSION = 1
#: The largest version the service can store (its INTEGER columns are 32-bit in PostgreSQL).
MAX_VERSION = 2**31 - 1
#: The longest id and title the service can store (its columns' sizes).
MAX_ID_LENGTH = 100
MAX_TITLE_LENGTH = 300
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
INPUT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
#: Offer columns of SPEC §3 that an input may not shadow.
RESERVED_INPUTS = frozenset({"id", "lot", "supplier", "siret", "evidence"})

TOP_KEYS = {"spar", "id", "version", "title", "description", "category", "points", "policy",
            "criteria", "ranking", "review"}
POLICY_KEYS = ("environmental_min_share", "social_min_share", "price_max_share")
GROUP_KEYS = {"id", "label", "weight", "pillar", "criteria", "eliminatory_below", "help"}
LEAF_KEYS = {"id", "label", "weight", "pillar", "input", "method", "unit", "help", "required",
             "eliminatory_below", "minimum", "maximum", "assessed_by"}

Path_ = tuple  # a location inside the document: keys and list indexes


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem of a criteria file."""

    line: int
    column: int
    severity: str  # "error" | "warning"
    message: str
    file: str = field(default="<criteria>", compare=False)
    path: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "severity": self.severity,
                "message": self.message, "path": self.path}


class CriteriaFileError(Exception):
    """A criteria file has errors; ``problems`` has all of them, warnings included."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


# --------------------------------------------------------------------------- reading
class _Located:
    """A document read from YAML with the line and column of every key and value."""

    def __init__(self) -> None:
        self.values: dict[Path_, tuple[int, int]] = {}
        self.keys: dict[Path_, tuple[int, int]] = {}

    def at(self, path: Path_, key: bool = False) -> tuple[int, int]:
        """Where ``path`` is written; falls back to its nearest written parent."""
        table = self.keys if key else self.values
        while path:
            if path in table:
                return table[path]
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (1, 1))


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _construct(node: yaml.Node, path: Path_, loc: _Located, problems: list, file: str) -> Any:
    loc.values[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                line, col = _mark(key_node)
                problems.append(Problem(line, col, "error", "une clé doit être un texte simple",
                                        file, _dotted(path)))
                continue
            # keys stay text: `no:` or `1:` as an option name must not turn into False or 1
            key = key_node.value
            if _unstorable(key):
                line, col = _mark(key_node)
                problems.append(Problem(line, col, "error", _unstorable(key), file,
                                        _dotted(path)))
                key = _printable(key)
            if key in out:
                line, col = _mark(key_node)
                problems.append(Problem(line, col, "error", f"clé « {key} » en double", file,
                                        _dotted(path + (key,))))
                continue
            loc.keys[path + (key,)] = _mark(key_node)
            out[key] = _construct(value_node, path + (key,), loc, problems, file)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, path + (k,), loc, problems, file)
                for k, item in enumerate(node.value)]
    value = yaml.SafeLoader("").construct_object(node)
    if isinstance(value, float) and not math.isfinite(value):
        line, col = _mark(node)
        problems.append(Problem(line, col, "error", "nombre non fini", file, _dotted(path)))
    if isinstance(value, str) and _unstorable(value):
        line, col = _mark(node)
        problems.append(Problem(line, col, "error", _unstorable(value), file, _dotted(path)))
        value = _printable(value)
    if not isinstance(value, (str, int, float, bool, type(None))):
        # dates and binary scalars have no place in a criteria file
        value = node.value
    return value


def _unstorable(text: str) -> str | None:
    """Why a text cannot be stored (a YAML "\\0" or "\\uD800" escape), or None."""
    if "\x00" in text:
        return "caractère nul (U+0000) interdit"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "caractère invalide (moitié de paire UTF-16 isolée)"
    return None


def _printable(text: str) -> str:
    """``text`` with lone surrogates replaced, so that the checks after the error (which
    encode, hash and print the document) still run."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _AliasFreeLoader(yaml.SafeLoader):
    """A safe loader that refuses aliases where they are written.

    An alias makes the document a graph: ``a: &x [*x]`` never ends and a few hundred bytes
    of nested aliases expand to billions of nodes. A criteria file has no need of them,
    so each alias is noted with its location and read as an empty value.
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.aliases: list[tuple[int, int, str]] = []

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.get_event()
            self.aliases.append((event.start_mark.line + 1, event.start_mark.column + 1,
                                 event.anchor))
            return yaml.ScalarNode("tag:yaml.org,2002:null", "", event.start_mark,
                                   event.end_mark)
        return super().compose_node(parent, index)


def _compose(text: str) -> tuple[list[yaml.Node], list[tuple[int, int, str]]]:
    """The documents of ``text`` and the aliases it holds (line, column, anchor)."""
    loader = _AliasFreeLoader(text)
    try:
        nodes = []
        while loader.check_node():
            nodes.append(loader.get_node())
        return nodes, loader.aliases
    finally:
        loader.dispose()


def read_document(text: str, file: str = "<criteria>") -> tuple[Any, _Located, list[Problem]]:
    """Parse YAML (JSON is YAML too) keeping locations; problems instead of exceptions."""
    loc = _Located()
    problems: list[Problem] = []
    if "\t" in text:
        for n, line in enumerate(text.splitlines(), 1):
            stripped = line.lstrip(" ")
            if stripped.startswith("\t"):
                problems.append(Problem(n, len(line) - len(stripped) + 1, "error",
                                        "tabulation dans l'indentation : YAML n'accepte que des "
                                        "espaces", file))
        if problems:
            return None, loc, problems
    try:
        nodes, aliases = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "syntaxe invalide"
        return None, loc, [Problem(line, col, "error", f"YAML invalide : {what}", file)]
    except yaml.YAMLError as exc:  # reader errors: bad bytes, control characters
        return None, loc, [Problem(1, 1, "error", f"YAML invalide : {exc}", file)]
    except RecursionError:
        return None, loc, [Problem(1, 1, "error", "YAML invalide : imbrication trop profonde",
                                   file)]
    if aliases:
        return None, loc, [Problem(line, col, "error", f"alias YAML « *{anchor} » refusé : "
                                   "recopiez la valeur (ni ancres ni alias dans un fichier de "
                                   "critères)", file) for line, col, anchor in aliases]
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        return None, loc, [Problem(1, 1, "error", "fichier de critères vide", file)]
    if len(nodes) > 1:
        line, col = _mark(nodes[1])
        return None, loc, [Problem(line, col, "error",
                                   "un seul document YAML par fichier de critères", file)]
    document = _construct(nodes[0], (), loc, problems, file)
    return document, loc, problems


# --------------------------------------------------------------------------- checking
class _Checker:
    def __init__(self, loc: _Located, file: str):
        self.loc = loc
        self.file = file
        self.problems: list[Problem] = []

    def add(self, path: Path_, message: str, severity: str = "error", key: bool = False) -> None:
        line, col = self.loc.at(path, key=key)
        self.problems.append(Problem(line, col, severity, message, self.file, _dotted(path)))

    # -- primitive checks, each returns whether the value is acceptable --------
    def mapping(self, value, path, allowed: Iterable[str], required: Iterable[str] = ()) -> bool:
        if not isinstance(value, dict):
            self.add(path, f"un objet (clé: valeur) est attendu, pas {_kind(value)}")
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
            self.add(path, f"{what} est attendu, pas {_kind(value)}")
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
            self.add(path, f"un texte non vide est attendu, pas {_kind(value)}")
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
            self.add(path, f"true ou false est attendu, pas {_kind(value)}")
            return False
        return True

    # -- parameters of methods and rules -------------------------------------
    def param(self, p: Param, value, path) -> bool:
        if p.type == "number":
            return self.number(value, path)
        if p.type == "score":
            return self.number(value, path, low=0, high=1)
        if p.type == "enum":
            return self.enum(value, path, p.choices)
        if p.type in ("options", "labels"):
            if not isinstance(value, dict):
                self.add(path, f"un objet (réponse: score) est attendu, pas {_kind(value)}")
                return False
            if not value:
                self.add(path, "la liste ne peut pas être vide")
                return False
            return all([self.number(v, path + (k,), low=0, high=1) for k, v in value.items()])
        if p.type in ("steps", "levels"):
            if not isinstance(value, list):
                self.add(path, f"une liste est attendue, pas {_kind(value)}")
                return False
            if not value:
                self.add(path, "la liste ne peut pas être vide")
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

    def params(self, declared: tuple[Param, ...], node: dict, path: Path_, skip: set[str]):
        """Check ``declared`` parameters in ``node``; returns the parameters dict or None."""
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


def _kind(value: Any) -> str:
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


def _check_node(ck: _Checker, raw, path: Path_, parent_path: str, parent_pillar: str | None,
                top: bool, inputs: dict[str, list[tuple[str, str, Path_]]]):
    """A node of the tree, or None when it has errors (which are all recorded)."""
    if not isinstance(raw, dict):
        ck.add(path, f"un critère (objet) est attendu, pas {_kind(raw)}")
        return None
    is_group = "criteria" in raw
    ok = ck.mapping(raw, path, GROUP_KEYS if is_group else LEAF_KEYS | _method_keys(raw),
                    ("id", "label", "weight"))
    if is_group:
        for key in ("input", "method"):
            if key in raw:
                ck.add(path + (key,), f"« {key} » n'a pas de sens sur un groupe de critères "
                       "(qui a des sous-critères)", key=True)
    nid = raw.get("id")
    ok &= "id" not in raw or ck.text(nid, path + ("id",), SLUG, "un identifiant valide "
                                     "(minuscules, chiffres et tirets)")
    ok &= "label" not in raw or ck.text(raw.get("label"), path + ("label",))
    ok &= "weight" not in raw or ck.number(raw.get("weight"), path + ("weight",), low=0,
                                           low_open=True)
    pillar = raw.get("pillar", parent_pillar)
    if "pillar" in raw:
        ok &= ck.enum(raw["pillar"], path + ("pillar",), PILLARS)
    elif top:
        ck.add(path, "un critère de premier niveau doit avoir un pilier (pillar) : "
               + ", ".join(PILLARS))
        ok = False
    elim = raw.get("eliminatory_below")
    if elim is not None or "eliminatory_below" in raw:
        ok &= ck.number(elim, path + ("eliminatory_below",), low=0, high=1)
    node_path = f"{parent_path}.{nid}" if parent_path else str(nid)
    common = dict(id=nid, label=raw.get("label"), weight=raw.get("weight"),
                  pillar=pillar, path=node_path, eliminatory_below=elim)

    if is_group:
        children_raw = raw["criteria"]
        if not isinstance(children_raw, list) or not children_raw:
            ck.add(path + ("criteria",), "une liste non vide de sous-critères est attendue")
            return None
        if len(children_raw) == 1:
            ck.add(path + ("criteria",), f"le groupe « {nid} » n'a qu'un sous-critère", "warning")
        children = _check_children(ck, children_raw, path + ("criteria",), node_path, pillar,
                                   False, inputs)
        if "help" in raw:
            ok &= ck.text(raw["help"], path + ("help",))
        if not ok or children is None:
            return None
        return Group(children=children, help=raw.get("help"), **common)

    # a leaf
    for key in ("input", "method"):
        if key not in raw:
            ck.add(path, f"clé obligatoire « {key} » manquante (un critère sans sous-critères "
                   "lit une réponse avec une méthode)")
            ok = False
    method_name = raw.get("method")
    method = None
    if "method" in raw:
        if ck.enum(method_name, path + ("method",), METHODS):
            method = METHODS[method_name]
        else:
            ok = False
    if "input" in raw:
        if ck.text(raw["input"], path + ("input",), INPUT_NAME,
                   "un nom de réponse valide (minuscules, chiffres et _)"):
            if raw["input"] in RESERVED_INPUTS:
                ck.add(path + ("input",), f"« {raw['input']} » est réservé aux colonnes des offres")
                ok = False
            elif method is not None:
                inputs.setdefault(raw["input"], []).append((method.KIND, node_path, path))
        else:
            ok = False
    for key in ("unit", "help"):
        if key in raw:
            ok &= ck.text(raw[key], path + (key,))
    if "required" in raw:
        ok &= ck.boolean(raw["required"], path + ("required",))
    if "assessed_by" in raw:
        ok &= ck.enum(raw["assessed_by"], path + ("assessed_by",), ("buyer", "supplier"))
    for key in ("minimum", "maximum"):
        if key in raw:
            ok &= ck.number(raw[key], path + (key,))
            if method is not None and method.KIND != "number":
                ck.add(path + (key,), f"« {key} » ne s'applique qu'à une réponse numérique",
                       key=True)
                ok = False
    low, high = raw.get("minimum"), raw.get("maximum")
    if isinstance(low, (int, float)) and isinstance(high, (int, float)) and low > high:
        ck.add(path + ("minimum",), f"minimum {low:g} supérieur au maximum {high:g} : aucune "
               "offre ne pourrait être régulière")
        ok = False
    if method is None:
        return None
    if getattr(method, "CAUTION", None):
        ck.add(path + ("method",), method.CAUTION, "warning")
    params = ck.params(method.PARAMETERS, raw, path, LEAF_KEYS)
    if params is None:
        return None
    for name, message in method.check(params):
        ck.add(path + (name,), message)
        ok = False
    if not ok:
        return None
    return Leaf(input=raw["input"], method=method_name, params=params, unit=raw.get("unit"),
                help=raw.get("help"), required=bool(raw.get("required", False)),
                minimum=raw.get("minimum"), maximum=raw.get("maximum"),
                assessed_by=raw.get("assessed_by", getattr(method, "ASSESSED_BY", "supplier")),
                **common)


def _method_keys(raw: dict) -> set[str]:
    method = METHODS.get(raw.get("method")) if isinstance(raw.get("method"), str) else None
    return {p.name for p in method.PARAMETERS} if method else set()


def _check_children(ck, children_raw, path, parent_path, parent_pillar, top, inputs):
    children, seen, ok = [], {}, True
    for k, child_raw in enumerate(children_raw):
        cid = child_raw.get("id") if isinstance(child_raw, dict) else None
        if isinstance(cid, str):
            if cid in seen:
                ck.add(path + (k, "id"), f"identifiant « {cid} » en double parmi ses voisins "
                       f"(déjà utilisé en position {seen[cid] + 1})")
                ok = False
            seen.setdefault(cid, k)
        child = _check_node(ck, child_raw, path + (k,), parent_path, parent_pillar, top, inputs)
        if child is None:
            ok = False
        else:
            children.append(child)
    return tuple(children) if ok else None


def _check_review(ck: _Checker, review, inputs) -> tuple[str | None, tuple[LowPriceRule, ...]] | None:
    path = ("review",)
    if not ck.mapping(review, path, {"abnormally_low"}):
        return None
    if "abnormally_low" not in review:
        return None, ()
    raw = review["abnormally_low"]
    apath = path + ("abnormally_low",)
    items = raw if isinstance(raw, list) else [raw]
    paths = [apath + (k,) for k in range(len(items))] if isinstance(raw, list) else [apath]
    if not items:
        ck.add(apath, "la liste des règles d'offre anormalement basse est vide")
        return None
    price_input, rules, ok = None, [], True
    for item, ipath in zip(items, paths):
        rule = RULES.get(item.get("method")) if isinstance(item, dict) else None
        allowed = {"input", "method"} | ({p.name for p in rule.PARAMETERS} if rule else set())
        if not ck.mapping(item, ipath, allowed, ("input", "method")):
            ok = False
            continue
        if "method" in item and not ck.enum(item["method"], ipath + ("method",), RULES):
            ok = False
        name = item.get("input")
        if "input" in item:
            if not isinstance(name, str) or name not in inputs:
                ck.add(ipath + ("input",), f"la réponse « {name} » n'est lue par aucun critère")
                ok = False
            elif any(kind != "number" for kind, _, _ in inputs[name]):
                ck.add(ipath + ("input",), f"la réponse « {name} » n'est pas un nombre (prix)")
                ok = False
            elif price_input is not None and name != price_input:
                ck.add(ipath + ("input",), "toutes les règles doivent porter sur la même "
                       f"réponse de prix (« {price_input} »)")
                ok = False
            else:
                price_input = name
        if rule is None:
            continue
        params = ck.params(rule.PARAMETERS, item, ipath, set())
        if params is None:
            ok = False
            continue
        for pname, message in rule.check(params):
            ck.add(ipath + (pname,), message)
            ok = False
        rules.append(LowPriceRule(rule.NAME, params))
    return (price_input, tuple(rules)) if ok else None


def check_document(document: Any, loc: _Located | None = None, file: str = "<criteria>"
                   ) -> tuple[CriteriaSet | None, list[Problem]]:
    """Validate a criteria document (SPEC §2.2); the set is None when there are errors."""
    ck = _Checker(loc or _Located(), file)
    doc = document
    if not ck.mapping(doc, (), TOP_KEYS, ("spar", "id", "version", "title", "category",
                                          "criteria")):
        return None, sorted(ck.problems)
    if "spar" in doc and ck.number(doc["spar"], ("spar",), integer=True) \
            and doc["spar"] != FORMAT_VERSION:
        ck.add(("spar",), f"version de format {doc['spar']} inconnue ; seule la version "
               f"{FORMAT_VERSION} est lue")
    if "id" in doc and ck.text(doc["id"], ("id",), SLUG, "un identifiant valide (minuscules, "
                               "chiffres et tirets)") and len(doc["id"]) > MAX_ID_LENGTH:
        ck.add(("id",), f"{MAX_ID_LENGTH} caractères au plus, pas {len(doc['id'])}")
    if "version" in doc and ck.number(doc["version"], ("version",), low=1, integer=True) \
            and doc["version"] > MAX_VERSION:
        ck.add(("version",), f"doit être ≤ {MAX_VERSION}, pas {doc['version']}")
    if "title" in doc and ck.text(doc["title"], ("title",)) \
            and len(doc["title"]) > MAX_TITLE_LENGTH:
        ck.add(("title",), f"{MAX_TITLE_LENGTH} caractères au plus, pas {len(doc['title'])}")
    if "description" in doc:
        ck.text(doc["description"], ("description",))
    if "category" in doc:
        ck.enum(doc["category"], ("category",), CATEGORIES)
    if "points" in doc:
        ck.number(doc["points"], ("points",), low=0, low_open=True)
    policy = Policy()
    if "policy" in doc and ck.mapping(doc["policy"], ("policy",), POLICY_KEYS):
        good = {k: v for k, v in doc["policy"].items()
                if k in POLICY_KEYS and ck.number(v, ("policy", k), low=0, high=100)}
        policy = Policy(**good)

    inputs: dict[str, list[tuple[str, str, Path_]]] = {}
    root = None
    if "criteria" in doc:
        raw = doc["criteria"]
        if not isinstance(raw, list) or not raw:
            ck.add(("criteria",), "une liste non vide de critères est attendue")
        else:
            children = _check_children(ck, raw, ("criteria",), "", None, True, inputs)
            if children is not None:
                root = Group(id="", label=str(doc.get("title", "")), weight=1.0, pillar=None,
                             path="", children=children)
    for name, uses in inputs.items():
        kinds = {kind for kind, _, _ in uses}
        if len(kinds) > 1:
            desc = ", ".join(f"{p} ({k})" for k, p, _ in uses)
            ck.add(uses[-1][2] + ("input",), f"la réponse « {name} » est lue de façons "
                   f"incompatibles : {desc}")

    tie_break: tuple[str, ...] = ()
    if "ranking" in doc and ck.mapping(doc["ranking"], ("ranking",), {"tie_break"}):
        tb = doc["ranking"].get("tie_break", [])
        if not isinstance(tb, list):
            ck.add(("ranking", "tie_break"), "une liste de chemins de critères est attendue")
        else:
            tie_break = tuple(tb)
            known = {n.path for n in _walk(root)} if root else None
            for k, p in enumerate(tb):
                if not isinstance(p, str):
                    ck.add(("ranking", "tie_break", k), f"un chemin de critère est attendu, "
                           f"pas {_kind(p)}")
                elif known is not None and p not in known:
                    ck.add(("ranking", "tie_break", k), f"le critère « {p} » n'existe pas ; "
                           "chemins possibles : " + ", ".join(sorted(known)))

    low_price_input, low_rules = None, ()
    if "review" in doc:
        checked = _check_review(ck, doc["review"], inputs)
        if checked is not None:
            low_price_input, low_rules = checked

    if root is not None:
        pillars = {leaf.pillar for leaf in _walk(root) if isinstance(leaf, Leaf)}
        if "environmental" not in pillars:
            ck.add(("criteria",), "aucun critère du pilier environmental : depuis le 21 août "
                   "2026, chaque marché doit comporter au moins un critère environnemental "
                   "(Code de la commande publique, loi Climat et Résilience art. 35)")

    if any(p.severity == "error" for p in ck.problems) or root is None:
        return None, sorted(ck.problems)

    criteria = CriteriaSet(
        id=doc["id"], version=doc["version"], title=doc["title"], category=doc["category"],
        points=float(doc.get("points", 100)), root=root, policy=policy, tie_break=tie_break,
        low_price_input=low_price_input, low_price_rules=low_rules, document=doc,
        sha256=document_sha256(doc),
    )
    _policy_warnings(ck, criteria)
    return criteria, sorted(ck.problems)


def _walk(group: Group):
    for child in group.children:
        yield child
        if isinstance(child, Group):
            yield from _walk(child)


def _policy_warnings(ck: _Checker, criteria: CriteriaSet) -> None:
    for check in policy_checks(criteria):
        if check.met:
            continue
        if check.bound == "minimum":
            message = (f"le pilier {check.subject} pèse {check.share * 100:.1f} %, sous le "
                       f"minimum de la politique SPAR ({check.limit:g} %)")
        else:
            message = (f"le prix pèse {check.share * 100:.1f} %, au-dessus du maximum de la "
                       f"politique SPAR ({check.limit:g} %)")
        ck.add(("policy", check.key), message, "warning")


# --------------------------------------------------------------------------- entry points
def check_criteria_text(text: str, file: str = "<criteria>"
                        ) -> tuple[CriteriaSet | None, list[Problem]]:
    """Read and validate criteria text; the set is None when there is any error."""
    document, loc, problems = read_document(text, file)
    if problems and any(p.severity == "error" for p in problems) and document is None:
        return None, sorted(problems)
    criteria, more = check_document(document, loc, file)
    problems = sorted(set(problems + more))  # a non-finite number is seen by both passes
    if any(p.severity == "error" for p in problems):
        return None, problems
    return criteria, problems


def load_criteria_text(text: str, file: str = "<criteria>") -> CriteriaSet:
    """A criteria set from text; CriteriaFileError with every problem otherwise."""
    criteria, problems = check_criteria_text(text, file)
    if criteria is None:
        raise CriteriaFileError(problems)
    return criteria


def read_text(path: str | Path) -> str:
    """A criteria file's text; CriteriaFileError for unreadable or non-UTF-8 files."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CriteriaFileError([Problem(1, 1, "error", f"lecture impossible : {exc.strerror}",
                                         str(path))]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise CriteriaFileError([Problem(line, 1, "error", "le fichier n'est pas en UTF-8",
                                         str(path))]) from None


def load_criteria(path: str | Path) -> CriteriaSet:
    """A criteria set from a file; CriteriaFileError with every problem otherwise."""
    return load_criteria_text(read_text(path), str(path))


def load_criteria_document(document: Mapping[str, Any]) -> CriteriaSet:
    """A criteria set from an already parsed document (a JSON upload)."""
    criteria, problems = check_document(dict(document), None, "<json>")
    if criteria is None:
        raise CriteriaFileError(problems)
    return criteria


# --------------------------------------------------------------------------- JSON Schema
def _param_schema(p: Param) -> dict[str, Any]:
    score = {"type": "number", "minimum": 0, "maximum": 1}
    if p.type == "number":
        s: dict[str, Any] = {"type": "number"}
    elif p.type == "score":
        s = dict(score)
    elif p.type == "enum":
        s = {"enum": list(p.choices)}
    elif p.type in ("options", "labels"):
        s = {"type": "object", "minProperties": 1, "additionalProperties": score}
    elif p.type == "steps":
        s = {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["at", "score"], "additionalProperties": False,
            "properties": {"at": {"type": "number"}, "score": score}}}
    elif p.type == "levels":
        s = {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["mark", "label", "score"],
            "additionalProperties": False,
            "properties": {"mark": {"type": "number"}, "label": {"type": "string"},
                           "score": score}}}
    else:  # pragma: no cover - PARAM_TYPES is closed
        raise AssertionError(p.type)
    if p.doc:
        s["description"] = p.doc
    if p.default is not None:
        s["default"] = p.default
    return s


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().splitlines()[0] if doc else ""


def criteria_json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of the criteria format, for editors."""
    score = {"type": "number", "minimum": 0, "maximum": 1}
    common = {
        "id": {"type": "string", "pattern": SLUG.pattern, "description": "slug, unique among siblings"},
        "label": {"type": "string", "minLength": 1},
        "weight": {"type": "number", "exclusiveMinimum": 0},
        "pillar": {"enum": list(PILLARS)},
        "eliminatory_below": {**score, "description": "a score under this eliminates the offer"},
        "help": {"type": "string", "description": "shown to suppliers"},
    }
    leaf_common = {
        **common,
        "input": {"type": "string", "pattern": INPUT_NAME.pattern,
                  "not": {"enum": sorted(RESERVED_INPUTS)}},
        "unit": {"type": "string"},
        "required": {"type": "boolean"},
        "assessed_by": {"enum": ["buyer", "supplier"]},
    }
    defs: dict[str, Any] = {}
    leaf_refs = []
    for name, method in METHODS.items():
        props = {**leaf_common, "method": {"const": name, "description": _first_line(method.__doc__)}}
        if method.KIND == "number":
            props["minimum"] = {"type": "number", "description": "raw-value requirement"}
            props["maximum"] = {"type": "number", "description": "raw-value requirement"}
        for p in method.PARAMETERS:
            props[p.name] = _param_schema(p)
        required = ["id", "label", "weight", "input", "method"] + \
            [p.name for p in method.PARAMETERS if p.required]
        defs[f"leaf_{name}"] = {"type": "object", "required": required, "properties": props,
                                "additionalProperties": False}
        leaf_refs.append({"$ref": f"#/$defs/leaf_{name}"})
    defs["leaf"] = {"type": "object", "required": ["method"],
                    "properties": {"method": {"enum": list(METHODS)}},
                    "oneOf": leaf_refs}
    defs["group"] = {"type": "object", "required": ["id", "label", "weight", "criteria"],
                     "additionalProperties": False,
                     "properties": {**common, "criteria": {
                         "type": "array", "minItems": 1, "items": {"$ref": "#/$defs/node"}}}}
    defs["node"] = {"if": {"type": "object", "required": ["criteria"]},
                    "then": {"$ref": "#/$defs/group"}, "else": {"$ref": "#/$defs/leaf"}}
    defs["top_node"] = {"allOf": [{"$ref": "#/$defs/node"}, {"required": ["pillar"]}]}
    rule_refs = []
    for name, rule in RULES.items():
        props = {"input": {"type": "string"},
                 "method": {"const": name, "description": _first_line(rule.__doc__)}}
        props.update({p.name: _param_schema(p) for p in rule.PARAMETERS})
        defs[f"rule_{name}"] = {"type": "object", "required": ["input", "method"],
                                "properties": props, "additionalProperties": False}
        rule_refs.append({"$ref": f"#/$defs/rule_{name}"})
    defs["rule"] = {"oneOf": rule_refs}
    share = {"type": "number", "minimum": 0, "maximum": 100}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://spar.example/criteria.schema.json",
        "title": "SPAR criteria set",
        "type": "object",
        "required": ["spar", "id", "version", "title", "category", "criteria"],
        "additionalProperties": False,
        "properties": {
            "spar": {"const": FORMAT_VERSION, "description": "format version"},
            "id": {"type": "string", "pattern": SLUG.pattern, "maxLength": MAX_ID_LENGTH},
            "version": {"type": "integer", "minimum": 1, "maximum": MAX_VERSION},
            "title": {"type": "string", "minLength": 1, "maxLength": MAX_TITLE_LENGTH},
            "description": {"type": "string"},
            "category": {"enum": list(CATEGORIES)},
            "points": {"type": "number", "exclusiveMinimum": 0, "default": 100},
            "policy": {"type": "object", "additionalProperties": False,
                       "properties": {k: share for k in POLICY_KEYS}},
            "criteria": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/top_node"}},
            "ranking": {"type": "object", "additionalProperties": False, "properties": {
                "tie_break": {"type": "array", "items": {"type": "string"}}}},
            "review": {"type": "object", "additionalProperties": False, "properties": {
                "abnormally_low": {"oneOf": [{"$ref": "#/$defs/rule"},
                                             {"type": "array", "minItems": 1,
                                              "items": {"$ref": "#/$defs/rule"}}]}}},
        },
        "$defs": defs,
    }


def schema_text() -> str:
    """The schema as shipped in ``criteria/schema.json``."""
    return json.dumps(criteria_json_schema(), indent=2, ensure_ascii=False) + "\n"
