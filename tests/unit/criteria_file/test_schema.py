"""The JSON Schema shipped for editors stays in sync and accepts the shipped criteria sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from spar.criteria_file import criteria_json_schema, read_document, schema_text
from tests.conftest import CRITERIA_DIR

from .conftest import BASE, replaced

SPEC_EXAMPLE = Path(__file__).resolve().parent / "spec_example.yaml"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = criteria_json_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_errors(validator, text: str) -> list[str]:
    document, _, problems = read_document(text)
    assert not problems
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(document)]


def test_shipped_schema_is_the_one_spar_prints():
    shipped = (CRITERIA_DIR / "schema.json").read_text(encoding="utf-8")
    assert shipped == schema_text(), "regenerate it: spar criteria schema > criteria/schema.json"
    assert json.loads(shipped) == criteria_json_schema()


def test_every_shipped_criteria_set_validates(validator):
    failures = {path.name: errors
                for path in sorted(CRITERIA_DIR.glob("*.yaml"))
                if (errors := schema_errors(validator, path.read_text(encoding="utf-8")))}
    assert failures == {}


def test_spec_example_validates(validator):
    assert schema_errors(validator, SPEC_EXAMPLE.read_text(encoding="utf-8")) == []


def test_schema_refuses_what_the_loader_refuses(validator):
    assert schema_errors(validator, BASE) == []
    assert schema_errors(validator, replaced("    weight: 60\n", "    weight: 60\n    wieght: 3\n"))
    assert schema_errors(validator, replaced("weight: 60", "weight: 0"))
    assert schema_errors(validator, replaced("method: price_lowest_ratio", "method: nope"))
