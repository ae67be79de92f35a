"""Check the answers of a lot and turn them into columns (SPEC §2.3, step 1).

Answers arrive as plain values: numbers or strings from JSON, strings from CSV
(decimal comma included), lists or ``|``-separated strings for labels. Every
malformed answer is collected, naming the offer, the input and the reason;
nothing is scored when there is any.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .columns import ChoiceColumn, Column, LabelsColumn, answer_at
from .criteria import CriteriaSet, Leaf
from .errors import AnswerProblem, AnswersError, AnswerValueError
from .methods import get_method
# one answer at a time; callers that read a single value (an estimate, a profile's
# standing answer) import them from here too
from .parsing import is_missing, parse_boolean, parse_labels, parse_number  # noqa: F401



@dataclass
class Lot:
    """The offers of one lot, their answers as columns, and what the lot knows."""

    offer_ids: tuple[str, ...]
    columns: dict[str, Column]
    estimate: float | None = None
    lot_id: str | None = None
    suppliers: tuple[Mapping[str, Any] | None, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.offer_ids)


def input_kinds(criteria: CriteriaSet) -> dict[str, str]:
    """Input name → the kind of answer it takes (the validator keeps them consistent)."""
    return {leaf.input: get_method(leaf.method).KIND for leaf in criteria.leaves}


def _flat_numbers(raw: Sequence[Any]) -> np.ndarray | None:
    """``raw`` as a flat array of numbers when it is one, else None."""
    if isinstance(raw, np.ndarray):
        arr = raw
    else:
        # numpy would read True among numbers as 1; a boolean is not a number here
        if any(isinstance(x, (bool, np.bool_)) for x in raw):
            return None
        try:
            arr = np.asarray(raw)
        except ValueError:  # ragged: some answers are lists
            return None
    return arr if arr.ndim == 1 and arr.dtype.kind in "fiu" else None


#: Python integers that numpy reads as int64, converted to float as Python converts them.
_INT64 = range(-2 ** 63, 2 ** 63)


def _number_column(raw: Sequence[Any], ids, name, problems) -> np.ndarray:
    if len(raw) == 1 and (type(raw[0]) is float or type(raw[0]) is int and raw[0] in _INT64):
        # one plain number (a self-assessment's answer): what the array path below makes
        # of it, without numpy's conversion of a list, which costs more than the rest
        value = float(raw[0])
        if math.isinf(value):
            problems.append(AnswerProblem(ids[0], name, "nombre non fini"))
        return np.array([value])
    arr = _flat_numbers(raw)
    if arr is not None:
        values = arr.astype(np.float64, copy=False)
        bad = np.isinf(values)
        for i in np.flatnonzero(bad):
            problems.append(AnswerProblem(ids[i], name, "nombre non fini"))
        return values
    values = np.empty(len(raw), dtype=np.float64)
    for i, item in enumerate(raw):
        if is_missing(item):
            values[i] = np.nan
            continue
        try:
            values[i] = parse_number(item)
        except AnswerValueError as exc:
            problems.append(AnswerProblem(ids[i], name, str(exc)))
            values[i] = np.nan
    return values


class _Unhashable:
    """Stands for an answer that cannot be a dictionary key (an object, a nested list)."""


def factorize(raw: Sequence[Any]) -> tuple[list[Any], np.ndarray]:
    """The distinct answers of a column and, per offer, the index of its answer.

    Answers repeat a lot in a lot (yes/no, a few labels, a few options): parsing
    each distinct answer once instead of once per offer is what keeps 100,000
    offers fast.  NaN and None both stand for "no answer".
    """
    if len(raw) == 1:  # one offer (a self-assessment): its answer is the only one
        return [raw[0]], np.zeros(1, dtype=np.int64)
    index: dict[Any, int] = {}
    try:  # every answer a plain hashable value, as a CSV gives them: one dict pass in C
        codes = [index.setdefault(value, len(index)) for value in raw]
    except TypeError:  # a list or an object: the careful pass below
        pass
    else:
        # NaN is no answer, like None, and is not equal to itself: the careful pass
        if not any(type(u) is float and u != u for u in index):
            return list(index), np.array(codes, dtype=np.int64)
    index = {}
    uniques: list[Any] = []
    codes = np.empty(len(raw), dtype=np.int64)
    for i, value in enumerate(raw):
        kind = type(value)
        if kind is list:
            key: Any = ("\x00list",) + tuple(value)
        elif kind is float and value != value:
            key = None
        else:
            key = value
        try:
            code = index.get(key)
        except TypeError:  # unhashable: every such answer is its own
            key, code = _Unhashable(), None
        if code is None:
            code = index[key] = len(uniques)
            uniques.append(value)
        codes[i] = code
    return uniques, codes


def _one_answer(item, read, ids, name, problems):
    """The one offer's answer read by ``read``, as the columns' tables read each distinct
    answer; None when missing or refused (the problem appended)."""
    if is_missing(item):
        return None
    try:
        return read(item)
    except AnswerValueError as exc:
        problems.append(AnswerProblem(ids[0], name, str(exc)))
        return None


def _report(problems, ids, codes: np.ndarray, bad: dict[int, str], name: str) -> None:
    """One problem per offer whose answer is one of the ``bad`` distinct answers."""
    if not bad:
        return
    for i in np.flatnonzero(np.isin(codes, list(bad))):
        problems.append(AnswerProblem(ids[i], name, bad[int(codes[i])]))


def _boolean_column(raw, ids, name, problems) -> np.ndarray:
    if len(raw) == 1:  # one offer (a self-assessment): its answer, without the table
        value = _one_answer(raw[0], lambda item: 1.0 if parse_boolean(item) else 0.0,
                            ids, name, problems)
        return np.array([np.nan if value is None else value])
    uniques, codes = factorize(raw)
    table = np.full(len(uniques), np.nan)
    bad = {}
    for u, item in enumerate(uniques):
        if is_missing(item):
            continue
        try:
            table[u] = 1.0 if parse_boolean(item) else 0.0
        except AnswerValueError as exc:
            bad[u] = str(exc)
    _report(problems, ids, codes, bad, name)
    return table[codes] if len(uniques) else np.empty(0)


def _choice_text(item: Any, canonical: dict[str, str]) -> str:
    if isinstance(item, (bool, np.bool_)) or not isinstance(
            item, (str, int, float, np.integer, np.floating)):
        raise AnswerValueError("une des réponses proposées est attendue")
    text = str(item).strip()
    if isinstance(item, (float, np.floating)) and float(item).is_integer():
        text = str(int(item))
    return canonical.get(text.casefold(), text)


def _choice_column(raw, ids, name, problems, options: Iterable[str]) -> ChoiceColumn:
    canonical = {str(o).casefold(): str(o) for o in options}
    if len(raw) == 1:  # one offer (a self-assessment): its answer, without the table
        text = _one_answer(raw[0], lambda item: _choice_text(item, canonical), ids, name,
                           problems)
        return ChoiceColumn(np.array([-1 if text is None else 0], dtype=np.int32),
                            () if text is None else (text,))
    uniques, codes = factorize(raw)
    categories: dict[str, int] = {}
    table = np.full(len(uniques) + 1, -1, dtype=np.int32)
    bad = {}
    for u, item in enumerate(uniques):
        if is_missing(item):
            continue
        try:
            table[u] = categories.setdefault(_choice_text(item, canonical), len(categories))
        except AnswerValueError as exc:
            bad[u] = str(exc)
    _report(problems, ids, codes, bad, name)
    return ChoiceColumn(table[codes], tuple(categories))


def _label_lists(raw, canonical, ids, name, problems, *, empty_list_present: bool):
    """Per distinct answer, its labels (None when missing), and the offers' codes."""
    uniques, codes = factorize(raw)
    parsed: list[list[str] | None] = []
    bad = {}
    for u, item in enumerate(uniques):
        if is_missing(item) and not (empty_list_present and isinstance(item, (list, tuple))):
            parsed.append(None)
            continue
        try:
            parsed.append([canonical.get(x.casefold(), x) for x in parse_labels(item)])
        except AnswerValueError as exc:
            bad[u] = str(exc)
            parsed.append(None)
    _report(problems, ids, codes, bad, name)
    return parsed, codes


def _labels_column(raw, evidence_raw, ids, name, problems, known: Iterable[str]) -> LabelsColumn:
    canonical = {k.casefold(): k for k in known}
    names: dict[str, int] = {k: j for j, k in enumerate(canonical.values())}
    claimed, claimed_codes = _label_lists(raw, canonical, ids, name, problems,
                                          empty_list_present=True)
    if evidence_raw is None:
        evidence_raw = [None] * len(raw)
    evidenced, evidenced_codes = _label_lists(evidence_raw, canonical, ids, f"evidence.{name}",
                                              problems, empty_list_present=False)
    for labels in claimed + evidenced:
        for label in labels or ():
            names.setdefault(label, len(names))

    def matrix(lists):
        out = np.zeros((len(lists), len(names)), dtype=bool)
        for u, labels in enumerate(lists):
            out[u, [names[x] for x in labels or ()]] = True
        return out

    present = np.array([labels is not None for labels in claimed], dtype=bool)
    return LabelsColumn(tuple(names), matrix(claimed)[claimed_codes],
                        matrix(evidenced)[evidenced_codes],
                        present[claimed_codes] if len(claimed) else np.zeros(0, dtype=bool))


def build_column(kind: str, leaves: Sequence[Leaf], raw: Sequence[Any], ids: Sequence[str],
                 problems: list[AnswerProblem], evidence: Sequence[Any] | None = None) -> Column:
    """One input's raw answers → its column; problems are appended, not raised."""
    name = leaves[0].input
    if kind in ("number", "mark"):
        return _number_column(raw, ids, name, problems)
    if kind == "boolean":
        return _boolean_column(raw, ids, name, problems)
    if kind == "choice":
        options = [o for leaf in leaves for o in leaf.params["options"]]
        return _choice_column(raw, ids, name, problems, options)
    if kind == "labels":
        known = [k for leaf in leaves for k in leaf.params["labels"]]
        return _labels_column(raw, evidence, ids, name, problems, known)
    raise AssertionError(f"unknown answer kind {kind}")  # KINDS is closed


def check_columns(criteria: CriteriaSet, lot: Lot) -> list[AnswerProblem]:
    """Answers of the right kind that a leaf's method still refuses (a price ≤ 0…)."""
    problems = []
    seen = set()
    for leaf in criteria.leaves:
        method = get_method(leaf.method)
        if not hasattr(method, "invalid"):
            continue
        column = lot.columns.get(leaf.input)
        if column is None:  # the column itself was refused
            continue
        if len(lot) == 1:  # a self-assessment: its one answer in plain floats, no numpy
            reason = method.invalid_one(answer_at(column, 0), leaf.params)
            rows = () if reason is None else (0,)
        else:
            bad, reason = method.invalid(column, leaf.params)
            rows = np.flatnonzero(bad)
        for i in rows:
            key = (i, leaf.input, reason)
            if key not in seen:
                seen.add(key)
                problems.append(AnswerProblem(lot.offer_ids[i], leaf.input, reason))
    return problems


def lot_from_columns(criteria: CriteriaSet, offer_ids: Sequence[str],
                     raw_columns: Mapping[str, Sequence[Any]],
                     evidence: Mapping[str, Sequence[Any]] | None = None, *,
                     estimate: float | None = None, lot_id: str | None = None,
                     suppliers: Sequence[Mapping[str, Any] | None] = (),
                     extra_inputs: Iterable[str] = ()) -> Lot:
    """Raw answer columns → a checked :class:`Lot`; AnswersError lists every problem.

    A missing column means nobody answered that input.  ``extra_inputs`` are
    answer names that no criterion reads; each is an error, since a misspelt
    input would otherwise silently score 0 for everybody.
    """
    ids = tuple(str(i) for i in offer_ids)
    n = len(ids)
    problems: list[AnswerProblem] = []
    known = criteria.inputs()
    for name in extra_inputs:
        problems.append(AnswerProblem(None, name, "aucun critère ne lit cette réponse ; réponses "
                                      "attendues : " + ", ".join(sorted(known))))
    seen_ids: set[str] = set()
    for i in ids:
        if i in seen_ids:
            problems.append(AnswerProblem(i, None, "identifiant d'offre en double"))
        seen_ids.add(i)
    columns: dict[str, Column] = {}
    empty = [None] * n
    for name, leaves in known.items():
        kind = get_method(leaves[0].method).KIND
        raw = raw_columns.get(name, empty)
        ev = (evidence or {}).get(name)
        # a column of another length would pair answers with the wrong offers
        if len(raw) != n:
            problems.append(AnswerProblem(None, name, f"{len(raw)} réponses pour {n} offres"))
            continue
        if ev is not None and len(ev) != n:
            problems.append(AnswerProblem(None, f"evidence.{name}",
                                          f"{len(ev)} justificatifs pour {n} offres"))
            continue
        columns[name] = build_column(kind, leaves, raw, ids, problems, ev)
    lot = Lot(ids, columns, estimate, lot_id, tuple(suppliers) or (None,) * n)
    problems.extend(check_columns(criteria, lot))
    if problems:
        raise AnswersError(problems)
    return lot


def lot_from_offers(criteria: CriteriaSet, offers: Sequence[Mapping[str, Any]], *,
                    estimate: float | None = None, lot_id: str | None = None) -> Lot:
    """Offers as SPEC §3 writes them (``id``, ``answers``, ``evidence``…) → a :class:`Lot`."""
    known = criteria.inputs()
    ids = []
    raw: dict[str, list[Any]] = {name: [] for name in known}
    evidence: dict[str, list[Any]] = {name: [] for name in known}
    extra: list[str] = []
    problems: list[AnswerProblem] = []
    for k, offer in enumerate(offers):
        if not isinstance(offer, Mapping):
            problems.append(AnswerProblem(f"#{k + 1}", None, "une offre doit être un objet "
                                          "(id, answers, evidence…)"))
            offer = {"id": f"#{k + 1}"}
        # an offer without an id (or with "id": null) is named by its position
        oid = f"#{k + 1}" if offer.get("id") is None else str(offer["id"])
        ids.append(oid)
        answers = offer.get("answers") or {}
        ev = offer.get("evidence") or {}
        if not isinstance(answers, Mapping):
            problems.append(AnswerProblem(oid, None, "« answers » doit être un objet"))
            answers = {}
        if not isinstance(ev, Mapping):
            problems.append(AnswerProblem(oid, None, "« evidence » doit être un objet"))
            ev = {}
        for name in answers:
            if name not in known and name not in extra:
                extra.append(name)
        for name in known:
            raw[name].append(answers.get(name))
            evidence[name].append(ev.get(name))
    suppliers = [o.get("supplier") if isinstance(o, Mapping) else None for o in offers]
    try:
        lot = lot_from_columns(criteria, ids, raw, evidence, estimate=estimate, lot_id=lot_id,
                               suppliers=suppliers, extra_inputs=extra)
    except AnswersError as exc:
        raise AnswersError(problems + exc.problems) from None
    if problems:
        raise AnswersError(problems)
    return lot
