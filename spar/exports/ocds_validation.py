"""Validation of an OCDS release package against the shipped 1.1 schemas, offline."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

_SCHEMAS = files("spar.exports") / "ocds_schema"


def _load(name: str) -> dict[str, Any]:
    return json.loads((_SCHEMAS / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator() -> Draft4Validator:
    release = _load("release-schema-1.1+extensions.json")
    package = _load("release-package-schema-1.1.json")
    # the package schema names the release schema by URL: serve it from the local copy
    registry = Registry().with_resource(release["id"], Resource.from_contents(
        release, default_specification=DRAFT4))
    return Draft4Validator(package, registry=registry,
                           format_checker=Draft4Validator.FORMAT_CHECKER)


def ocds_problems(package: Any) -> list[str]:
    """Every schema violation of a release package, as ``path: message``; empty when valid."""
    problems = []
    for error in sorted(_validator().iter_errors(package), key=lambda e: list(e.path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(racine)"
        problems.append(f"{where}: {error.message}")
    return problems
