"""The answers form generated from a criteria set: a field per input, labelled with the
criterion's label and unit — a number, yes or no, a choice, labels with their evidence
box, the mark the supplier expects on a buyer-assessed criterion — and, for a
criterion that compares the offers, the competition the supplier expects.

The self-assessment page and the offer submission page (which adds the lot and asks no
assumptions) read the same form. Field names are the API's: ``answers.<input>``,
``evidence.<input>``, ``assumptions.<input>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ..engine.criteria import CriteriaSet, Leaf
from ..engine.methods import get_method
from ..engine.errors import AnswerValueError
from ..engine.methods.labels import evidence_required
from ..engine.parsing import parse_boolean, parse_number
from ..engine.text import fr_short
from ..exports.french import method_text


@dataclass
class Question:
    input: str
    kind: str  # see spar.engine.columns.KINDS
    label: str
    leaves: list[Leaf]
    unit: str | None = None
    help: str | None = None
    required: bool = False
    relative: bool = False
    #: (value, text) for booleans, choices and marks
    options: list[tuple[str, str]] = field(default_factory=list)
    #: label names, for a labels question
    names: list[str] = field(default_factory=list)
    evidence_required: bool = False
    assessed_by_buyer: bool = False

    @property
    def name(self) -> str:
        return f"answers.{self.input}"

    @property
    def evidence_name(self) -> str:
        return f"evidence.{self.input}"

    @property
    def assumption_name(self) -> str:
        return f"assumptions.{self.input}"

    @property
    def scoring(self) -> str:
        """How the answer is scored, in the words of the notice and the exports."""
        return " ; ".join(dict.fromkeys(method_text(leaf) for leaf in self.leaves))

    @property
    def title(self) -> str:
        """The field's label: the criterion's label and its unit."""
        return f"{self.label} ({self.unit})" if self.unit else self.label


def questions(criteria: CriteriaSet) -> list[Question]:
    """One question per input, in the order its first criterion comes in the file."""
    out: dict[str, Question] = {}
    for leaf in criteria.leaves:
        method = get_method(leaf.method)
        question = out.get(leaf.input)
        if question is None:
            question = out[leaf.input] = Question(
                input=leaf.input, kind=method.KIND, label=leaf.label, leaves=[],
                unit=leaf.unit, help=leaf.help)
        question.leaves.append(leaf)
        question.required |= leaf.required
        question.relative |= bool(method.RELATIVE)
        question.assessed_by_buyer |= leaf.assessed_by == "buyer"
        if method.KIND == "boolean" and not question.options:
            question.options = [("oui", "oui"), ("non", "non")]
        elif method.KIND == "choice":
            known = {value for value, _ in question.options}
            question.options += [(o, o) for o in leaf.params["options"] if o not in known]
        elif method.KIND == "mark":
            known = {value for value, _ in question.options}
            question.options += [(fr_short(lv["mark"]), f"{fr_short(lv['mark'])} — {lv['label']}")
                                 for lv in leaf.params["levels"]
                                 if fr_short(lv["mark"]) not in known]
        elif method.KIND == "labels":
            question.names += [n for n in leaf.params["labels"] if n not in question.names]
            question.evidence_required |= evidence_required(leaf.params)
    return list(out.values())


def read(questions_: list[Question], data: MultiDict) -> dict[str, Any]:
    """The API's request body (``answers``, ``evidence``, ``assumptions``) from a posted
    form; an empty field is no answer. Values stay as typed: the engine reads French
    numbers (``12 000,50``) and says what is wrong with any of them."""
    answers: dict[str, Any] = {}
    evidence: dict[str, list[str]] = {}
    assumptions: dict[str, str] = {}
    for q in questions_:
        if q.kind == "labels":
            claimed = [n for n in data.getlist(q.name) if n in q.names]
            if claimed or data.get(f"{q.name}.shown"):
                answers[q.input] = claimed
            proven = [n for n in data.getlist(q.evidence_name) if n in q.names]
            if proven:
                evidence[q.input] = proven
        else:
            value = (data.get(q.name) or "").strip()
            if value:
                answers[q.input] = value[:200]
        if q.relative:
            expected = (data.get(q.assumption_name) or "").strip()
            if expected:
                assumptions[q.input] = expected[:200]
    return {"answers": answers, "evidence": evidence, "assumptions": assumptions}


def field_value(question: Question, value: Any) -> Any:
    """A stored answer (a profile's standing answer) as its field shows it, exactly: a
    list of labels, oui/non, a number with a decimal comma and every digit, so that
    sending it back unchanged changes nothing."""
    if question.kind == "labels":
        return list(value or [])
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value).replace(".", ",")
    return "" if value is None else str(value)


def redisplay(questions_: list[Question], data: MultiDict) -> dict[str, Any]:
    """What the form shows again: each field's typed value (lists for checkboxes)."""
    values: dict[str, Any] = {}
    for q in questions_:
        if q.kind == "labels":
            values[q.name] = data.getlist(q.name)
            values[q.evidence_name] = data.getlist(q.evidence_name)
        else:
            values[q.name] = data.get(q.name, "")
        if q.relative:
            values[q.assumption_name] = data.get(q.assumption_name, "")
    return values


def labels(questions_: list[Question]) -> dict[str, str]:
    """Field name → label, for the error summary, in the form's order."""
    out: dict[str, str] = {}
    for q in questions_:
        out[q.name] = q.title
        if q.kind == "labels":
            out[q.evidence_name] = _("%(criterion)s : justificatifs", criterion=q.title)
        if q.relative:
            out[q.assumption_name] = _("%(criterion)s : meilleure offre concurrente attendue",
                                       criterion=q.title)
    return out


def typed(questions_: list[Question], answers: dict[str, Any]) -> dict[str, Any]:
    """The answers as an offer stores them: numbers and marks as numbers, yes or no as
    booleans, as the API's clients send them — so an offer's content (and its SHA-256 on
    the receipt) does not depend on how the page spelled it. An answer that does not
    read stays as typed, for the service to refuse with the engine's own message."""
    kinds = {q.input: q.kind for q in questions_}
    out: dict[str, Any] = {}
    for name, value in answers.items():
        kind = kinds.get(name)
        try:
            if kind in ("number", "mark") and isinstance(value, str):
                value = parse_number(value)
            elif kind == "boolean" and isinstance(value, str):
                value = parse_boolean(value)
        except AnswerValueError:
            pass
        out[name] = value
    return out
