"""The stored records against the content hashes their audit entries recorded.

The chain proves the log was not altered; this proves the records it speaks of were
not either. Every criteria set, offer, mark, scoring and review decision was written
with one entry holding the SHA-256 of its content: each record must have exactly its
entry, its content must still hash to what was recorded, and which offer and which mark
are in force must be what the log says. A record without an entry was added behind the
service's back (or the tail of the log that named it was removed); an entry without its
record names a deleted one.

Marks and review decisions are matched to their entries in order: the n-th mark of an
offer's criterion with the n-th ``mark.set`` entry naming it (both are only appended).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any

from sqlalchemy import select

from ..db.models import (AuditEntry, Consultation, CriteriaSetRecord, Lot, Mark, Offer,
                         ReviewDecision, Scoring)
from .audit import content_hash


def offer_content(answers: dict[str, Any], evidence: dict[str, Any]) -> dict[str, Any]:
    """What an offer's ``content_sha256`` covers (SPEC §6.1): its answers and evidence."""
    return {"answers": answers, "evidence": evidence}


def mark_content(offer: str, criterion: str, mark: float, justification: str
                 ) -> dict[str, Any]:
    return {"offer": offer, "criterion": criterion, "mark": float(mark),
            "justification": justification}


def decision_content(offer: str, decision: str, comment: str, scoring: str) -> dict[str, Any]:
    return {"offer": offer, "decision": decision, "comment": comment, "scoring": scoring}


@dataclass
class Findings:
    """Records checked per kind, and what does not match (first ``limit`` kept)."""

    counts: dict[str, int] = field(default_factory=dict)
    problems: list[dict[str, Any]] = field(default_factory=list)
    total_problems: int = 0
    limit: int = 100

    def add(self, record: str, entry: int | None, problem: str) -> None:
        self.total_problems += 1
        if len(self.problems) < self.limit:
            self.problems.append({"record": record, "entry": entry, "problem": problem})


def _entries(session, actions: tuple[str, ...]) -> dict[str, list]:
    """target → its entries of these actions, oldest first."""
    out: dict[str, list] = defaultdict(list)
    rows = session.execute(select(AuditEntry.id, AuditEntry.target, AuditEntry.consultation,
                                  AuditEntry.content_sha256, AuditEntry.details)
                           .where(AuditEntry.action.in_(actions)).order_by(AuditEntry.id))
    for row in rows:
        out[row.target].append(row)
    return out


def _one_entry(findings: Findings, record: str, entries: list) -> Any:
    if not entries:
        findings.add(record, None, "aucune entrée au journal : enregistrement ajouté hors du "
                                   "service, ou fin du journal supprimée")
        return None
    if len(entries) > 1:
        findings.add(record, entries[1].id, "plusieurs entrées au journal pour un seul "
                                            "enregistrement")
    return entries[0]


def _check_series(findings: Findings, label: str, rows: list, logged: list, *, noun: str,
                  changed: str, hash_of) -> None:
    """Rows only ever appended, paired in order with the entries that recorded them."""
    for row, entry in zip_longest(rows, logged):
        if entry is None:
            findings.add(label, None, f"{noun} sans entrée au journal : ajoutée hors du "
                                      "service, ou fin du journal supprimée")
        elif row is None:
            findings.add(label, entry.id, f"{noun} supprimée de la base (son entrée au "
                                          "journal demeure)")
        elif hash_of(row) != entry.content_sha256:
            findings.add(label, entry.id, changed)


def _orphans(findings: Findings, entries: dict[str, list], seen: set[str], label) -> None:
    for target in sorted(set(entries) - seen):
        findings.add(label(target), entries[target][0].id,
                     "enregistrement supprimé de la base (son entrée au journal demeure)")


def check_criteria_sets(session, findings: Findings) -> None:
    entries = _entries(session, ("criteria_set.upload",))
    seen = set()
    count = 0
    for record in session.execute(select(CriteriaSetRecord).order_by(CriteriaSetRecord.id)
                                  .execution_options(yield_per=100)).scalars():
        count += 1
        target = f"criteria:{record.set_id}@{record.version}"
        seen.add(target)
        label = f"jeu de critères {record.set_id} v{record.version}"
        entry = _one_entry(findings, label, entries.get(target, []))
        if entry is None:
            continue
        if content_hash(record.document) != entry.content_sha256:
            findings.add(label, entry.id, "contenu modifié depuis sa publication")
        elif (entry.details or {}).get("sha256") != record.sha256:
            findings.add(label, entry.id, "empreinte SHA-256 modifiée")
    findings.counts["criteria_sets"] = count
    _orphans(findings, entries, seen, lambda t: f"jeu de critères {t.split(':', 1)[1]}")


def _offer_hashes(offer: Offer, lot: str, reference: str) -> set[str]:
    current = content_hash(offer_content(offer.answers, offer.evidence))
    # before revision 0002 the hash covered the consultation and the lot as well
    legacy = content_hash({"consultation": reference, "lot": lot, "answers": offer.answers,
                           "evidence": offer.evidence})
    return {current, legacy}


def check_offers(session, findings: Findings) -> dict[int, str]:
    """Checks every offer; returns offer id → public id for the checks that follow."""
    entries = _entries(session, ("offer.submit", "offer.replace"))
    # who replaced whom, as the log tells it
    successor = {}
    for target, rows in entries.items():
        for row in rows:
            replaced = (row.details or {}).get("replaces")
            if replaced:
                successor[replaced] = target.split(":", 1)[1]
    rows = session.execute(select(Offer, Lot.lot_id, Consultation.reference)
                           .join(Lot, Offer.lot_id == Lot.id)
                           .join(Consultation, Lot.consultation_id == Consultation.id)
                           .order_by(Offer.id).execution_options(yield_per=500)).all()
    public = {offer.id: offer.public_id for offer, _, _ in rows}
    seen = set()
    for offer, lot, reference in rows:
        target = f"offer:{offer.public_id}"
        seen.add(target)
        label = f"offre {offer.public_id}"
        entry = _one_entry(findings, label, entries.get(target, []))
        if entry is not None:
            details = entry.details or {}
            if entry.content_sha256 not in _offer_hashes(offer, lot, reference):
                findings.add(label, entry.id, "réponses ou justificatifs modifiés depuis le "
                                              "dépôt")
            elif offer.content_hash != entry.content_sha256:
                findings.add(label, entry.id, "empreinte enregistrée modifiée")
            if (details.get("siret") != offer.siret or details.get("lot") != lot
                    or entry.consultation != reference):
                findings.add(label, entry.id, "entreprise, lot ou consultation modifiés")
        replaced_by = public.get(offer.superseded_by) if offer.superseded_by else None
        if (replaced_by != successor.get(offer.public_id)
                or (offer.superseded_at is None) != (offer.superseded_by is None)):
            findings.add(label, entry.id if entry else None,
                         "offre en vigueur ou remplacement non conforme au journal")
    findings.counts["offers"] = len(rows)
    _orphans(findings, entries, seen, lambda t: f"offre {t.split(':', 1)[1]}")
    return public


def check_marks(session, findings: Findings, offers: dict[int, str]) -> None:
    entries = _entries(session, ("mark.set",))
    groups: dict[tuple[int, str], list[Mark]] = defaultdict(list)
    for mark in session.execute(select(Mark).order_by(Mark.id)).scalars():
        groups[(mark.offer_id, mark.criterion)].append(mark)
    seen = set()
    for (offer_id, criterion), marks in groups.items():
        public_id = offers.get(offer_id, f"#{offer_id}")
        target = f"offer:{public_id}/{criterion}"
        seen.add(target)
        logged = entries.get(target, [])
        label = f"note {criterion} de l'offre {public_id}"
        _check_series(findings, label, marks, logged, noun="note",
                      changed="note ou justification modifiée",
                      hash_of=lambda m: content_hash(mark_content(
                          public_id, criterion, m.mark, m.justification)))
        if [m.superseded_at is None for m in marks] != [False] * (len(marks) - 1) + [True]:
            findings.add(label, None, "note en vigueur non conforme au journal")
    findings.counts["marks"] = sum(len(m) for m in groups.values())
    _orphans(findings, entries, seen, lambda t: f"note {t.split('/', 1)[-1]} de l'offre "
                                                f"{t.split(':', 1)[1].split('/')[0]}")


def check_scorings(session, findings: Findings) -> dict[int, str]:
    """Checks every scoring; returns scoring id → public id."""
    entries = _entries(session, ("scoring.run",))
    public = {}
    seen = set()
    for scoring in session.execute(select(Scoring).order_by(Scoring.id)
                                   .execution_options(yield_per=20)).scalars():
        public[scoring.id] = scoring.public_id
        target = f"scoring:{scoring.public_id}"
        seen.add(target)
        label = f"notation {scoring.public_id}"
        entry = _one_entry(findings, label, entries.get(target, []))
        if entry is not None:
            inputs_sha = (entry.details or {}).get("inputs_sha256")
            if content_hash(scoring.result) != entry.content_sha256:
                findings.add(label, entry.id, "résultat modifié depuis la notation")
            elif scoring.result_sha256 != entry.content_sha256:
                findings.add(label, entry.id, "empreinte du résultat modifiée")
            if inputs_sha is not None and content_hash(scoring.inputs) != inputs_sha:
                findings.add(label, entry.id, "données d'entrée modifiées depuis la notation")
        session.expunge(scoring)  # a large lot's result need not stay in memory
    findings.counts["scorings"] = len(public)
    _orphans(findings, entries, seen, lambda t: f"notation {t.split(':', 1)[1]}")
    return public


def check_decisions(session, findings: Findings, offers: dict[int, str],
                    scorings: dict[int, str]) -> None:
    entries = _entries(session, ("review.decide",))
    groups: dict[int, list[ReviewDecision]] = defaultdict(list)
    for decision in session.execute(select(ReviewDecision).order_by(ReviewDecision.id)).scalars():
        groups[decision.offer_id].append(decision)
    seen = set()
    for offer_id, decisions in groups.items():
        public_id = offers.get(offer_id, f"#{offer_id}")
        target = f"offer:{public_id}"
        seen.add(target)
        logged = entries.get(target, [])
        label = f"décision de revue de l'offre {public_id}"
        _check_series(findings, label, decisions, logged, noun="décision",
                      changed="décision ou commentaire modifiés",
                      hash_of=lambda d: content_hash(decision_content(
                          public_id, d.decision, d.comment,
                          scorings.get(d.scoring_id, f"#{d.scoring_id}"))))
    findings.counts["review_decisions"] = sum(len(d) for d in groups.values())
    _orphans(findings, entries, seen, lambda t: f"décision de revue de l'offre "
                                                f"{t.split(':', 1)[1]}")


def check(session) -> Findings:
    """Every stored record against its entry."""
    findings = Findings()
    check_criteria_sets(session, findings)
    offers = check_offers(session, findings)
    check_marks(session, findings, offers)
    scorings = check_scorings(session, findings)
    check_decisions(session, findings, offers, scorings)
    return findings

