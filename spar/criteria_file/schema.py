"""The JSON Schema (2020-12) of the criteria format, for editors' YAML language servers;
built from the method and rule modules' parameters, so it never lags behind them."""

from __future__ import annotations

import json
from typing import Any

from ..engine.criteria import CATEGORIES, PILLARS
from ..engine.low_price import RULES
from ..engine.methods import METHODS
from ..engine.methods.base import Param
from .spec import (ASSESSORS, FORMAT_VERSION, INPUT_NAME, MAX_ID_LENGTH, MAX_TITLE_LENGTH,
                   MAX_VERSION, POLICY_KEYS, REQUIRED_TOP_KEYS, RESERVED_INPUTS, SLUG)

def _param_schema(p: Param) -> dict[str, Any]:
    score = {"type": "number", "minimum": 0, "maximum": 1}
    if p.type == "number":
        s: dict[str, Any] = {"type": "number"}
        if p.minimum is not None:
            s["minimum"] = p.minimum
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
        "assessed_by": {"enum": list(ASSESSORS)},
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
        "required": list(REQUIRED_TOP_KEYS),
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
