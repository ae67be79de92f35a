"""A criteria set's identity: the SHA-256 of its canonical JSON form."""

from __future__ import annotations

import json

import yaml

from spar.criteria_file import load_criteria_document, load_criteria_text

from .conftest import BASE, replaced


def test_same_content_in_yaml_and_json_has_the_same_sha256():
    from_yaml = load_criteria_text(BASE, "f.yaml")
    as_json = json.dumps(yaml.safe_load(BASE), indent=4)
    assert load_criteria_text(as_json, "f.json").sha256 == from_yaml.sha256
    assert load_criteria_document(yaml.safe_load(BASE)).sha256 == from_yaml.sha256


def test_comments_layout_and_key_order_do_not_change_the_identity():
    reordered = replaced("spar: 1\nid: petit\n", "# un commentaire\nid: petit\nspar: 1\n")
    swapped = replaced("    best: 1\n    worst: 5\n", "    worst: 5   # plus bas, mieux\n"
                                                     "    best: 1\n")
    sha = load_criteria_text(BASE).sha256
    assert load_criteria_text(reordered).sha256 == sha
    assert load_criteria_text(swapped).sha256 == sha


def test_a_changed_weight_changes_the_identity():
    other = load_criteria_text(replaced("weight: 60", "weight: 61"))
    assert other.sha256 != load_criteria_text(BASE).sha256


def test_identity_names_id_version_and_sha256():
    criteria = load_criteria_text(BASE)
    assert criteria.identity == {"id": "petit", "version": 1, "sha256": criteria.sha256}
    assert len(criteria.sha256) == 64
