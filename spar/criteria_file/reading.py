"""Reading a criteria file: YAML (or JSON, which is YAML too) into a plain document,
with the line and column of every key and value, and problems instead of exceptions."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml

from .problems import CriteriaFileError, Problem

DocPath = tuple  # a location inside the document: keys and list indexes


class Located:
    """A document read from YAML with the line and column of every key and value."""

    def __init__(self) -> None:
        self.values: dict[DocPath, tuple[int, int]] = {}
        self.keys: dict[DocPath, tuple[int, int]] = {}

    def at(self, path: DocPath, key: bool = False) -> tuple[int, int]:
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


def _construct(node: yaml.Node, path: DocPath, loc: Located, problems: list, file: str) -> Any:
    loc.values[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                line, col = _mark(key_node)
                problems.append(Problem(line, col, "error", "une clé doit être un texte simple",
                                        file, dotted(path)))
                continue
            # keys stay text: `no:` or `1:` as an option name must not turn into False or 1
            key = key_node.value
            if _unstorable(key):
                line, col = _mark(key_node)
                problems.append(Problem(line, col, "error", _unstorable(key), file,
                                        dotted(path)))
                key = _printable(key)
            if key in out:
                line, col = _mark(key_node)
                problems.append(Problem(line, col, "error", f"clé « {key} » en double", file,
                                        dotted(path + (key,))))
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
        problems.append(Problem(line, col, "error", "nombre non fini", file, dotted(path)))
    if isinstance(value, str) and _unstorable(value):
        line, col = _mark(node)
        problems.append(Problem(line, col, "error", _unstorable(value), file, dotted(path)))
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


def dotted(path: DocPath) -> str:
    """A location as problems name it: ``criteria[2].weight``."""
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


def read_document(text: str, file: str = "<criteria>") -> tuple[Any, Located, list[Problem]]:
    """Parse YAML (JSON is YAML too) keeping locations; problems instead of exceptions."""
    loc = Located()
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
