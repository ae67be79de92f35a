"""``spar audit verify|checkpoint|keygen`` as an operator and an auditor use them: the
signing key from the configuration, a head kept in a file, a change of key."""

from __future__ import annotations

import json

from sqlalchemy import text

from spar.db import make_engine

from .test_service_commands import _seed


def _new_key(run) -> tuple[str, str]:
    made = run("audit", "keygen")
    assert made.exit_code == 0, made.output
    lines = made.output.strip().splitlines()
    private = lines[-1].removeprefix("SPAR_AUDIT_KEY=")
    public = lines[0].rsplit(" ", 1)[1]
    assert len(private) == 64 and len(public) == 64 and private != public
    return private, public


def _sql(url: str, statement: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text(statement))
    engine.dispose()


def test_a_kept_checkpoint_finds_a_deleted_tail(run, empty_database, tmp_path, monkeypatch):
    private, _ = _new_key(run)
    monkeypatch.setenv("SPAR_AUDIT_KEY", private)
    _seed(empty_database)
    kept = tmp_path / "tete.json"
    exported = run("audit", "checkpoint", "--output", str(kept))
    assert exported.exit_code == 0, exported.output
    head = json.loads(kept.read_text())
    assert head["demo_key"] is False and head["size"] > 10
    ok = run("audit", "verify", "--checkpoint", str(kept))
    assert ok.exit_code == 0, ok.output
    assert "toujours contenu" in ok.output and "démonstration" not in ok.output
    _sql(empty_database, f"DELETE FROM audit_log WHERE id > {head['size'] - 3}")
    truncated = run("audit", "verify", "--checkpoint", str(kept))
    assert truncated.exit_code == 1
    assert "tronqué" in truncated.output


def test_verify_checks_the_records_and_says_so_in_json(run, empty_database):
    _seed(empty_database)
    _sql(empty_database, "UPDATE marks SET justification = 'autre' "
                         "WHERE id = (SELECT MIN(id) FROM marks)")
    result = run("audit", "verify", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["first_broken"] is None and report["records"]["marks"] > 0
    assert [p["problem"] for p in report["record_problems"]] == ["note ou justification modifiée"]
    assert report["demo_key"] is True


def test_the_demo_key_is_named_as_worthless(run, empty_database):
    _seed(empty_database)
    result = run("audit", "verify")
    assert result.exit_code == 0, result.output
    assert "clé de démonstration" in result.output


def test_after_a_change_of_key_the_former_one_must_stay_trusted(run, empty_database,
                                                               monkeypatch):
    old_private, old_public = _new_key(run)
    new_private, _ = _new_key(run)
    monkeypatch.setenv("SPAR_AUDIT_KEY", old_private)
    _seed(empty_database)
    monkeypatch.setenv("SPAR_AUDIT_KEY", new_private)
    run("token", "create", "--role", "buyer", "--org", "metropole-exemple")  # signed anew
    untrusted = run("audit", "verify")
    assert untrusted.exit_code == 1
    assert "clé inconnue" in untrusted.output
    monkeypatch.setenv("SPAR_AUDIT_TRUSTED_KEYS", old_public)
    trusted = run("audit", "verify")
    assert trusted.exit_code == 0, trusted.output


def test_a_malformed_key_stops_the_command_without_showing_it(run, monkeypatch):
    monkeypatch.setenv("SPAR_AUDIT_KEY", "secret-mal-forme")
    result = run("audit", "verify")
    assert result.exit_code == 1
    assert "SPAR_AUDIT_KEY" in result.output and "secret-mal-forme" not in result.output
    assert "Traceback" not in result.output


def test_an_unreadable_checkpoint_file_is_a_clean_error(run, tmp_path):
    bad = tmp_path / "tete.json"
    bad.write_text("{pas du json")
    result = run("audit", "verify", "--checkpoint", str(bad))
    assert result.exit_code == 1 and "illisible" in result.output


def test_a_checkpoint_file_of_another_shape_is_named(run, tmp_path):
    odd = tmp_path / "tete.json"
    odd.write_text(json.dumps({"size": 0, "head": "abc"}))
    result = run("audit", "verify", "--checkpoint", str(odd))
    assert result.exit_code == 1 and "TAILLE:EMPREINTE" in result.output
