"""An audit log an auditor can trust: each way of tampering with the database behind the
service's back, and what ``GET /audit-log?verify=true`` says of it.

The tampering is done as someone with write access to the database would: with SQL on
the tables, knowing how the chain is hashed, but without the service's signing key."""

from __future__ import annotations

import copy
import hashlib
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import (Ed25519PrivateKey,
                                                               Ed25519PublicKey)
from sqlalchemy import delete, select, update

from spar.db.models import AuditEntry, Mark, Offer, ReviewDecision, Scoring
from spar.services.audit import content_hash, entry_hash_of


@pytest.fixture
def scored(flow):
    """A consultation taken through every kind of record: offers (one replaced), marks,
    a scoring and a review decision."""
    flow.open()
    first = flow.submit("supplier", 12000, co2=3.0)
    replacement = flow.submit("supplier", 11500, co2=3.0)
    other = flow.submit("supplier_b", 10000, co2=1.0)
    flow.close()
    flow.mark(replacement["offer"], 2)
    flow.mark(other["offer"], 4)
    flow.mark(other["offer"], 3)  # a changed mark: two rows, one in force
    flow.score()
    flow.call("POST", f"/api/v1/offers/{other['offer']}/review", "buyer", 201,
              json={"decision": "cleared", "comment": "Prix vérifié sur devis."})
    return {"first": first["offer"], "replacement": replacement["offer"],
            "other": other["offer"]}


def verify(flow, *kept: dict) -> dict:
    query = "".join(f"&checkpoint={k['size']}:{k['head']}" for k in kept)
    return flow.call("GET", f"/api/v1/audit-log?verify=true&per_page=1{query}", "auditor",
                     200).get_json()["chain"]


def checkpoint(flow) -> dict:
    return flow.call("GET", "/api/v1/audit-log/checkpoint", "auditor", 200).get_json()


def problems(chain: dict) -> list[str]:
    return [f"{p['record']} : {p['problem']}" for p in chain["record_problems"]]


def execute(uow, statement) -> None:
    with uow() as unit:
        unit.session.execute(statement)
        unit.commit()


def rewrite_chain(uow, from_id: int, sign_with: Ed25519PrivateKey | None = None) -> None:
    """Forge entry ``from_id`` and chain every later entry to it again, as the attacker can;
    re-sign the heads only when it holds a key."""
    with uow() as unit:
        entries = unit.session.execute(select(AuditEntry).where(AuditEntry.id >= from_id)
                                       .order_by(AuditEntry.id)).scalars().all()
        prev = unit.session.get(AuditEntry, from_id - 1).entry_hash
        entries[0].details = {**entries[0].details, "forged": True}
        for entry in entries:
            entry.prev_hash = prev
            entry.entry_hash = entry_hash_of(entry)
            if sign_with is not None:
                payload = json.dumps({"log": "spar-audit-log", "size": entry.id,
                                      "head": entry.entry_hash,
                                      "timestamp": entry.at.isoformat()},
                                     sort_keys=True, separators=(",", ":")).encode()
                entry.signature = sign_with.sign(payload).hex()
            prev = entry.entry_hash
            unit.session.flush()  # one at a time: entry_hash is unique
        unit.commit()


def test_an_untouched_log_verifies_with_every_record_checked(flow, scored):
    chain = verify(flow)
    assert chain["intact"] is True, chain
    assert chain["first_broken"] is None and chain["record_problems"] == []
    assert chain["records"] == {"criteria_sets": 1, "offers": 3, "marks": 3, "scorings": 1,
                                "review_decisions": 1}
    assert chain["head"]["size"] == chain["checked"] and chain["head"]["signature"]
    assert chain["demo_key"] is True  # the tests run without SPAR_AUDIT_KEY


def test_the_exported_checkpoint_is_checked_with_the_public_key_alone(flow, scored):
    head = checkpoint(flow)
    assert head["algorithm"] == "ed25519" and head["log"] == "spar-audit-log"
    payload = json.dumps({k: head[k] for k in ("log", "size", "head", "timestamp")},
                         sort_keys=True, separators=(",", ":")).encode()
    public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(head["public_key"]))
    public.verify(bytes.fromhex(head["signature"]), payload)  # raises if forged
    assert head["key_id"] == hashlib.sha256(bytes.fromhex(head["public_key"])).hexdigest()[:16]
    assert verify(flow, head)["checkpoints"] == [
        {"size": head["size"], "head": head["head"], "problem": None}]


def test_an_edited_entry_is_named(flow, scored, uow):
    execute(uow, update(AuditEntry).where(AuditEntry.id == 5).values(details={"forged": 1}))
    chain = verify(flow)
    assert chain["intact"] is False
    assert chain["first_broken"]["id"] == 5
    assert "modifié" in chain["first_broken"]["problem"]


def test_a_deleted_tail_is_found_by_a_kept_checkpoint_and_by_the_records(flow, scored, uow):
    kept = checkpoint(flow)
    decided = verify(flow)["checked"]  # the review decision's entry is the last one
    execute(uow, delete(AuditEntry).where(AuditEntry.id >= decided))
    chain = verify(flow, kept)
    assert chain["first_broken"] is None  # what is left is a valid, signed prefix …
    assert "tronqué" in chain["checkpoints"][0]["problem"]  # … shorter than what was kept
    assert any("décision de revue" in p and "sans entrée" in p for p in problems(chain))
    assert chain["intact"] is False


def test_a_chain_rewritten_without_the_key_fails_its_signatures(flow, scored, uow):
    kept = checkpoint(flow)
    rewrite_chain(uow, 6)
    chain = verify(flow, kept)
    assert chain["first_broken"]["id"] == 6
    assert "signature invalide" in chain["first_broken"]["problem"]
    assert "réécrite" in chain["checkpoints"][0]["problem"]


def test_a_chain_re_signed_with_another_key_is_refused(flow, scored, uow):
    rewrite_chain(uow, 6, sign_with=Ed25519PrivateKey.generate())  # key_id still the demo's
    chain = verify(flow)
    assert chain["first_broken"]["id"] == 6
    assert "signature invalide" in chain["first_broken"]["problem"]


def test_a_kept_checkpoint_finds_a_rewrite_even_with_the_stolen_demo_key(flow, scored, uow):
    from spar.services.audit_signing import DEMO_SEED

    kept = checkpoint(flow)
    rewrite_chain(uow, 6, sign_with=Ed25519PrivateKey.from_private_bytes(
        bytes.fromhex(DEMO_SEED)))
    chain = verify(flow, kept)
    assert chain["first_broken"] is None and chain["demo_key"] is True
    assert "réécrite" in chain["checkpoints"][0]["problem"] and chain["intact"] is False


def test_a_removed_head_signature_is_refused(flow, scored, uow):
    last = verify(flow)["checked"]
    execute(uow, update(AuditEntry).where(AuditEntry.id == last).values(signature=None))
    chain = verify(flow)
    assert chain["first_broken"]["id"] == last and chain["intact"] is False


def test_an_edited_offer_is_named(flow, scored, uow):
    execute(uow, update(Offer).where(Offer.public_id == scored["other"])
            .values(answers={"price_eur": 99999, "co2e_kg": 1.0, "labels": ["EU Ecolabel"]}))
    chain = verify(flow)
    assert chain["first_broken"] is None
    assert problems(chain) == [f"offre {scored['other']} : réponses ou justificatifs modifiés "
                               "depuis le dépôt"]


def test_an_offer_put_back_in_force_is_named(flow, scored, uow):
    with uow() as unit:  # the replaced offer made current again, its successor withdrawn
        offers = {o.public_id: o for o in unit.session.execute(select(Offer)).scalars()}
        offers[scored["replacement"]].superseded_at = offers[scored["first"]].submitted_at
        unit.session.flush()
        offers[scored["first"]].superseded_at = None
        offers[scored["first"]].superseded_by = None
        unit.commit()
    found = problems(verify(flow))
    assert any(scored["first"] in p and "en vigueur" in p for p in found), found
    assert any(scored["replacement"] in p and "en vigueur" in p for p in found), found


def test_a_deleted_offer_is_named(flow, scored, uow):
    execute(uow, delete(Offer).where(Offer.public_id == scored["first"]))
    found = problems(verify(flow))
    assert f"offre {scored['first']} : enregistrement supprimé de la base (son entrée au " \
           "journal demeure)" in found


def test_a_rewritten_scoring_is_named_even_with_its_own_hash_updated(flow, scored, uow):
    with uow() as unit:
        scoring = unit.session.execute(select(Scoring)).scalar_one()
        result = copy.deepcopy(scoring.result)
        result["offers"][0]["total"] += 5
        scoring.result = result
        scoring.result_sha256 = content_hash(result)
        unit.commit()
    found = problems(verify(flow))
    assert len(found) == 1 and "résultat modifié" in found[0], found


def test_a_scoring_whose_inputs_were_changed_is_named(flow, scored, uow):
    with uow() as unit:
        scoring = unit.session.execute(select(Scoring)).scalar_one()
        inputs = copy.deepcopy(scoring.inputs)
        inputs["offers"][0]["answers"]["price_eur"] = 1
        scoring.inputs = inputs
        unit.commit()
    assert any("données d'entrée modifiées" in p for p in problems(verify(flow)))


def test_an_edited_mark_is_named(flow, scored, uow):
    execute(uow, update(Mark).where(Mark.superseded_at.is_(None), Mark.mark == 3)
            .values(justification="Réécrite après coup."))
    found = problems(verify(flow))
    assert found == [f"note technical de l'offre {scored['other']} : note ou justification "
                     "modifiée"]


def test_a_mark_added_behind_the_services_back_is_named(flow, scored, uow):
    with uow() as unit:
        offer = unit.session.execute(select(Offer).where(
            Offer.public_id == scored["replacement"])).scalar_one()
        unit.session.execute(update(Mark).where(Mark.offer_id == offer.id)
                             .values(superseded_at=unit.now()))
        unit.session.add(Mark(offer_id=offer.id, criterion="technical", mark=4.0,
                              justification="Ajoutée en base.", given_at=unit.now()))
        unit.commit()
    assert any("note sans entrée au journal" in p for p in problems(verify(flow)))


def test_an_edited_review_decision_is_named(flow, scored, uow):
    execute(uow, update(ReviewDecision).values(decision="rejected"))
    found = problems(verify(flow))
    assert found == [f"décision de revue de l'offre {scored['other']} : décision ou "
                     "commentaire modifiés"]


def test_a_malformed_kept_checkpoint_is_a_422(flow, scored):
    body = flow.call("GET", "/api/v1/audit-log?verify=true&checkpoint=douze:abc", "auditor",
                     422).get_json()
    assert "TAILLE:EMPREINTE" in body["message"]
