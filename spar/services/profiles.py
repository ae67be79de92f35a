"""Company profiles (SPEC §8), one per SIRET: who the firm is, what it does, and its
*standing answers* — the answers that do not change from one tender to the next.

Standing answers are checked like an offer's answers, against every published criteria
set that reads them (the latest version of each): a malformed one is refused naming the
input and the reason; an input no published set reads, or one that cannot be known
ahead of a tender (a price, a mark the buyer gives), is refused too. An answer under a
criterion's legal minimum is kept, with a warning: any offer built on it would be
irregular.

A profile is private until the firm makes it visible; only visible profiles reach a
buyer (directory search, matching, the size beside an interest). Every saved state is
appended to the profile's history.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable, Mapping

from ..db.models import (CompanyProfile, CompanyProfileTerm, CompanyProfileVersion,
                         CriteriaSetRecord)
from ..engine.answers import input_kinds, lot_from_offers, parse_boolean, parse_labels, \
    parse_number
from ..engine.criteria import CATEGORIES, CriteriaSet
from ..engine.errors import AnswersError
from ..engine.matching import profile_lot, standing_criteria, standing_inputs
from ..engine.scoring import IRREGULAR, score_lot
from . import audit, sirene
from .criteria_sets import criteria_of, record_of
from .errors import DuplicateRecord, Invalid, NotFound, ProfileSavedElsewhere
from .permissions import require
from .principal import Principal

SIZES = ("micro", "small", "medium", "large")
SME_SIZES = ("micro", "small", "medium")
SIZE_LABELS = {"micro": "micro-entreprise (TPE)", "small": "petite entreprise (PME)",
               "medium": "moyenne entreprise (PME)", "large": "grande entreprise (ETI, GE)"}
VISIBILITIES = ("private", "visible")
DEPARTEMENT = re.compile(r"^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])$")
PROFILE_ID = "profil"


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: how search terms are stored and compared."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


# --- what published criteria sets read ------------------------------------------------


def latest_sets(uow) -> list[tuple[CriteriaSetRecord, CriteriaSet]]:
    """The latest version of every published criteria set."""
    latest: dict[str, CriteriaSetRecord] = {}
    for record in uow.criteria_sets.all():
        if record.set_id not in latest or record.version > latest[record.set_id].version:
            latest[record.set_id] = record
    return [(r, criteria_of(r)) for _, r in sorted(latest.items())]


def _kinds(sets) -> dict[str, str]:
    """Input → the kind of answer it takes, over the standing criteria of ``sets``."""
    out: dict[str, str] = {}
    for _, criteria in sets:
        if standing_inputs(criteria):
            for name, kind in input_kinds(standing_criteria(criteria)).items():
                out.setdefault(name, kind)
    return out


def _normalised(kind: str, raw: Any) -> Any:
    """A checked answer in one stored form (numbers as numbers, labels as a list), so
    matching reads profiles without parsing them again."""
    if kind in ("number", "mark"):
        return parse_number(raw)
    if kind == "boolean":
        return parse_boolean(raw)
    if kind == "labels":
        return parse_labels(raw)
    return str(raw).strip()


def check_standing(uow, answers: Mapping[str, Any], evidence: Mapping[str, Any]
                   ) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """Standing answers and evidence, checked and normalised, and the warnings (answers
    under a criterion's minimum); Invalid names every problem by input."""
    sets = latest_sets(uow)
    kinds = _kinds(sets)
    tender_only = {leaf.input for _, c in sets for leaf in c.leaves} - set(kinds)
    problems: dict[str, list[str]] = {}
    evidence_problems: dict[str, list[str]] = {}
    for name in answers:
        if name in tender_only:
            problems.setdefault(name, []).append(
                "réponse propre à chaque consultation (prix ou note de l'acheteur) : elle ne "
                "peut pas figurer dans le profil")
        elif name not in kinds:
            problems.setdefault(name, []).append(
                "aucun jeu de critères publié ne lit cette réponse")
    for name in evidence:
        if kinds.get(name) != "labels":
            evidence_problems.setdefault(name, []).append(
                "justificatifs admis seulement pour une réponse de labels")
        elif name not in answers:
            evidence_problems.setdefault(name, []).append("justificatif sans réponse")
    warnings: list[str] = []
    for record, criteria in sets:
        reads = standing_inputs(criteria)
        mine = {k: v for k, v in answers.items() if k in reads and v is not None}
        if not mine:
            continue
        offer = {"id": PROFILE_ID, "answers": mine,
                 "evidence": {k: v for k, v in evidence.items() if k in mine}}
        flat = standing_criteria(criteria)
        try:
            result = score_lot(flat, lot_from_offers(flat, [offer]))
        except AnswersError as exc:
            for p in exc.problems:
                where = evidence_problems if (p.input or "").startswith("evidence.") \
                    else problems
                key = (p.input or PROFILE_ID).removeprefix("evidence.")
                reason = f"{p.reason} (jeu de critères {record.set_id})"
                if reason not in where.get(key, []):
                    where.setdefault(key, []).append(reason)
            continue
        if result.status[0] == IRREGULAR:
            warnings += [f"{r['message']} — {criteria.title} : une offre ainsi serait "
                         "irrégulière" for r in result.reasons[0]]
    if problems or evidence_problems:
        errors: dict[str, Any] = {}
        if problems:
            errors["standing_answers"] = problems
        if evidence_problems:
            errors["standing_evidence"] = evidence_problems
        summary = "; ".join(f"{k} : {v[0]}" for k, v in
                            list(problems.items()) + list(evidence_problems.items()))
        raise Invalid(f"réponses permanentes refusées : {summary}", errors)
    clean = {k: _normalised(kinds[k], v) for k, v in answers.items() if v is not None}
    clean_evidence = {k: parse_labels(v) for k, v in evidence.items() if v is not None}
    return clean, clean_evidence, warnings


# --- reading ---------------------------------------------------------------------------


def labels_of(profile: CompanyProfile) -> list[str]:
    """Every label the profile claims (labels answers are stored as lists)."""
    found: dict[str, None] = {}
    for value in profile.standing_answers.values():
        if isinstance(value, list):
            found.update(dict.fromkeys(value))
    return sorted(found, key=fold)


def document(profile: CompanyProfile) -> dict[str, Any]:
    return {"siret": profile.siret, "name": profile.name, "address": profile.address,
            "size": profile.size, "departement": profile.departement,
            "categories": list(profile.categories), "skills": list(profile.skills),
            "standing_answers": dict(profile.standing_answers),
            "standing_evidence": dict(profile.standing_evidence),
            "visibility": profile.visibility}


def owner_view(profile: CompanyProfile) -> dict[str, Any]:
    """The profile as its firm sees it."""
    return {**document(profile), "labels": labels_of(profile), "version": profile.version,
            "updated_at": profile.updated_at.isoformat()}


def buyer_view(profile: CompanyProfile) -> dict[str, Any]:
    """A visible profile as a buyer sees it."""
    out = owner_view(profile)
    del out["visibility"], out["version"]
    return out


def _own(principal: Principal) -> None:
    require(principal, "profile.own")


def get_profile(uow, principal: Principal) -> dict[str, Any]:
    """The calling firm's profile; NotFound until it saves one."""
    _own(principal)
    with uow:
        profile = uow.profiles.get(principal.siret)
        if profile is None:
            raise NotFound("pas encore de profil pour ce SIRET : enregistrez-le (PUT "
                           "/suppliers/me)")
        return owner_view(profile)


def history(uow, principal: Principal, page: int = 1, per_page: int = 20) -> dict[str, Any]:
    """Every saved state of the calling firm's profile, the latest first."""
    _own(principal)
    with uow:
        profile = uow.profiles.get(principal.siret)
        if profile is None:
            raise NotFound("pas encore de profil pour ce SIRET")
        return uow.profiles.versions(profile, page, per_page).map(lambda v: {
            "version": v.version, "changed_at": v.changed_at.isoformat(),
            "profile": v.document}).to_dict()


def standing_answers_for(uow, principal: Principal, set_id: str, version: int
                         ) -> dict[str, Any]:
    """The calling firm's standing answers that a criteria set reads, to prefill its
    self-assessment or offer form (``{answers, evidence}``; empty without a profile).
    An answer this set refuses is left out: the firm enters it for this tender."""
    _own(principal)
    with uow:
        criteria = criteria_of(record_of(uow, set_id, version))
        profile = uow.profiles.get(principal.siret)
    if profile is None:
        return {"answers": {}, "evidence": {}}
    reads = standing_inputs(criteria)
    answers = {k: v for k, v in profile.standing_answers.items() if k in reads}
    evidence = {k: v for k, v in profile.standing_evidence.items() if k in answers}
    if not answers:
        return {"answers": {}, "evidence": {}}
    _, ignored = profile_lot(criteria, [PROFILE_ID], {k: [v] for k, v in answers.items()},
                             {k: [v] for k, v in evidence.items()})
    for _, name, _ in ignored:
        answers.pop(name, None)
        evidence.pop(name.removeprefix("evidence."), None)
    return {"answers": answers, "evidence": evidence}


# --- saving ----------------------------------------------------------------------------


def company_details(uow, principal: Principal, siret: str | None = None) -> dict[str, Any]:
    """What the SIRENE directory says of a SIRET (the caller's own by default), for
    registration and the profile form: ``{siret, status, company, message}`` where
    ``status`` is ``found`` (``company`` holds name, address, département and size),
    ``not_found`` or ``unavailable`` (not configured, down, slow: ``message`` says so in
    French, and the SIRET stands on its Luhn key alone). Invalid for a malformed SIRET."""
    from .tokens import clean_siret

    siret = clean_siret(siret or principal.siret or "")
    try:
        company = sirene.lookup(uow.settings, siret)
    except sirene.SireneUnavailableError as exc:
        return {"siret": siret, "status": "unavailable", "company": None,
                "message": exc.message}
    if company is None:
        return {"siret": siret, "status": "not_found", "company": None,
                "message": f"SIRET {siret} inconnu de l'annuaire des entreprises (SIRENE)"}
    return {"siret": siret, "status": "found", "company": company.to_dict(), "message": None}


def _from_directory(uow, siret: str, data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``data`` with its missing name, size, address and département filled from SIRENE
    when it is configured; notes saying what the directory could not do."""
    wanted = [k for k in ("name", "size", "address", "departement") if not data.get(k)]
    if not wanted or not uow.settings.get("SIRENE_URL"):
        return data, []
    try:
        company = sirene.lookup(uow.settings, siret)
    except sirene.SireneUnavailableError as exc:
        return data, [exc.message]
    if company is None:
        return data, [f"SIRET {siret} inconnu de l'annuaire des entreprises (SIRENE)"]
    filled = dict(data)
    for key in wanted:
        value = getattr(company, key)
        if value:
            filled[key] = value
    return filled, []


def _unique(values: Iterable[str]) -> list[str]:
    out: dict[str, str] = {}
    for value in values:
        value = " ".join(value.split())
        if value and fold(value) not in out:
            out[fold(value)] = value
    return list(out.values())


def _terms(doc: dict[str, Any]) -> list[CompanyProfileTerm]:
    terms = {("category", c) for c in doc["categories"]}
    terms |= {("skill", fold(s)) for s in doc["skills"]}
    terms |= {("label", fold(label)) for value in doc["standing_answers"].values()
              if isinstance(value, list) for label in value}
    return [CompanyProfileTerm(kind=kind, value=value[:200]) for kind, value in sorted(terms)]


def save_profile(uow, principal: Principal, data: dict[str, Any]
                 ) -> tuple[dict[str, Any], bool]:
    """Replace the calling firm's profile (PUT): (profile with ``warnings`` and
    ``notes``, created). Missing name, size, address or département are looked up in
    SIRENE when it is configured; the name and the size are required in the end.
    Saving the same profile again changes nothing."""
    _own(principal)
    siret = principal.siret
    data, notes = _from_directory(uow, siret, data)
    errors: dict[str, list[str]] = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = ["nom de l'entreprise obligatoire" + (f" ({notes[0]})" if notes
                                                               else "")]
    if data.get("size") not in SIZES:
        errors["size"] = [f"taille obligatoire : {', '.join(SIZES)}"
                          + (f" ({notes[0]})" if notes else "")]
    departement = (data.get("departement") or "").upper() or None
    if departement is not None and not DEPARTEMENT.match(departement):
        errors["departement"] = ["code de département inconnu (ex. 69, 2A, 974)"]
    categories = list(dict.fromkeys(data.get("categories") or []))
    unknown = [c for c in categories if c not in CATEGORIES]
    if unknown:
        errors["categories"] = [f"catégorie(s) inconnue(s) : {', '.join(unknown)} (possibles "
                                f": {', '.join(CATEGORIES)})"]
    if errors:
        raise Invalid("profil refusé : " + "; ".join(f"{k} : {v[0]}" for k, v in
                                                     errors.items()), errors)
    with uow:
        answers, evidence, warnings = check_standing(
            uow, data.get("standing_answers") or {}, data.get("standing_evidence") or {})
        # the directory's texts may be longer than a person types them
        doc = {"siret": siret, "name": name[:200],
               "address": (data.get("address") or "").strip()[:500] or None, "size": data["size"], "departement": departement,
               "categories": categories, "skills": _unique(data.get("skills") or []),
               "standing_answers": answers, "standing_evidence": evidence,
               "visibility": data.get("visibility") or "private"}
        profile = uow.profiles.get(siret)
        if profile is not None and document(profile) == doc:
            return {**owner_view(profile), "warnings": warnings, "notes": notes}, False
        now = uow.now()
        created = profile is None
        if created:
            profile = CompanyProfile(version=0, **doc, updated_at=now)
        else:
            for key, value in doc.items():
                setattr(profile, key, value)
        profile.version += 1
        profile.updated_at, profile.updated_by = now, principal.token_id
        try:
            uow.profiles.save(profile, CompanyProfileVersion(
                version=profile.version, document=doc, changed_at=now,
                changed_by=principal.token_id), _terms(doc))
        except DuplicateRecord:  # the same firm saving from two places at once
            raise ProfileSavedElsewhere("profil modifié au même moment par ailleurs : "
                                        "rechargez-le et recommencez") from None
        audit.record(uow, principal, "profile.save", target=f"profile:{siret}",
                     content=doc, details={"version": profile.version,
                                           "visibility": doc["visibility"]})
        uow.commit()
        return {**owner_view(profile), "warnings": warnings, "notes": notes}, created


# --- the buyers' directory -------------------------------------------------------------


def search(uow, principal: Principal, *, category: str | None = None, skill: str | None = None,
           label: str | None = None, departement: str | None = None, size: str | None = None,
           page: int = 1, per_page: int = 20) -> dict[str, Any]:
    """Visible profiles matching every filter given, by name. ``skill`` matches part of a
    keyword, ``label`` a whole label; both ignore case and accents."""
    require(principal, "profile.search")
    errors = {}
    if category is not None and category not in CATEGORIES:
        errors["category"] = [f"catégorie inconnue ; possibles : {', '.join(CATEGORIES)}"]
    if size is not None and size not in SIZES:
        errors["size"] = [f"taille inconnue ; possibles : {', '.join(SIZES)}"]
    if departement is not None and not DEPARTEMENT.match(departement.upper()):
        errors["departement"] = ["code de département inconnu (ex. 69, 2A, 974)"]
    if errors:
        raise Invalid("filtre invalide : " + "; ".join(f"{k} : {v[0]}" for k, v in
                                                      errors.items()), errors)
    terms = [(kind, value, whole) for kind, value, whole in (
        ("category", category, True), ("label", label and fold(label), True),
        ("skill", skill and fold(skill), False)) if value]
    with uow:
        return uow.profiles.search_visible(
            terms=terms, departement=departement.upper() if departement else None, size=size,
            page=page, per_page=per_page).map(buyer_view).to_dict()
