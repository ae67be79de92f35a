"""What the review looks at, as flat arrays over offers: one row per offer, any number of lots.

:func:`frame_from_result` reads a scored lot; :meth:`OfferFrame.concat` stacks
lots into one batch so that features and rules run in a single vectorised pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from ..engine.columns import LabelsColumn
from ..engine.criteria import Leaf
from ..engine.methods import direction, get_method
from ..engine.policy import price_input
from ..engine.scoring import IRREGULAR, RANKED, LotResult
from .errors import ReviewInputError

#: Per-offer self-assessed marks: ``{offer_id: {input: mark}}``.
SelfMarks = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class OfferFrame:
    """Everything the review needs about a batch of offers, column by column.

    Matrices have one column per declared figure (``figure_*``), per claimed label
    (``label_*``) and per buyer-assessed criterion (``assessed_*``); a lot that
    has no such column holds NaN (or False) in it.
    """

    offer_ids: tuple[str, ...]
    lot: np.ndarray  # int codes into lot_ids
    lot_ids: tuple[str, ...]
    considered: np.ndarray  # bool: not irregular, so in competition (SPEC §2.4)
    ranked: np.ndarray  # bool
    price: np.ndarray  # NaN when unknown
    supplier: np.ndarray  # int codes; offers of unknown supplier each get their own
    total: np.ndarray
    points: np.ndarray  # what a perfect offer scores in the offer's criteria set
    nonprice_score: np.ndarray  # share of the non-price points obtained, in [0, 1]
    missing_share: np.ndarray  # share of the inputs left unanswered
    unevidenced_share: np.ndarray  # share of the total points resting on unproven labels
    low_price_flagged: np.ndarray  # bool: an abnormally-low rule of the lot flagged it
    figures: np.ndarray  # (n, k) declared numbers other than the price
    figure_inputs: tuple[str, ...]
    figure_labels: tuple[str, ...]
    figure_units: tuple[str, ...]
    figure_is_share: np.ndarray  # (k,) bool: a percentage, so within [0, 100]
    figure_direction: np.ndarray  # (k,) +1 higher is better, -1 lower is better, 0 unknown
    unevidenced: np.ndarray  # (n, l) bool: label claimed without its evidence
    label_inputs: tuple[str, ...]
    label_names: tuple[str, ...]
    buyer_marks: np.ndarray  # (n, q)
    self_marks: np.ndarray  # (n, q), NaN when the supplier gave none
    buyer_scores: np.ndarray  # (n, q) score of each mark on its scale
    self_scores: np.ndarray  # (n, q)
    assessed_inputs: tuple[str, ...]
    assessed_labels: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.offer_ids)

    @property
    def n_lots(self) -> int:
        return len(self.lot_ids)

    @staticmethod
    def concat(frames: Sequence["OfferFrame"]) -> "OfferFrame":
        """One batch from several frames; matrix columns are matched by input name."""
        if not frames:
            raise ReviewInputError("Aucune offre à examiner : la liste de lots est vide.")
        out: dict[str, Any] = {}
        lot_offset = supplier_offset = 0
        lots, suppliers = [], []
        for f in frames:
            lots.append(f.lot + lot_offset)
            suppliers.append(f.supplier + supplier_offset)
            lot_offset += f.n_lots
            supplier_offset += int(f.supplier.max()) + 1 if len(f) else 0
        out["lot"] = np.concatenate(lots)
        out["supplier"] = np.concatenate(suppliers)
        out["lot_ids"] = tuple(x for f in frames for x in f.lot_ids)
        out["offer_ids"] = tuple(x for f in frames for x in f.offer_ids)
        for name in ("considered", "ranked", "price", "total", "points", "nonprice_score",
                     "missing_share", "unevidenced_share", "low_price_flagged"):
            out[name] = np.concatenate([getattr(f, name) for f in frames])
        out.update(_concat_block(frames, "figure_inputs", ("figures",),
                                 ("figure_labels", "figure_units", "figure_is_share",
                                  "figure_direction")))
        out.update(_concat_block(frames, "label_inputs", ("unevidenced",), ("label_names",),
                                 key_extra="label_names"))
        out.update(_concat_block(frames, "assessed_inputs",
                                 ("buyer_marks", "self_marks", "buyer_scores", "self_scores"),
                                 ("assessed_labels",)))
        return OfferFrame(**out)


_PER_FIGURE_ARRAYS = ("figure_is_share", "figure_direction")


def _concat_block(frames, key: str, matrices: tuple[str, ...], names: tuple[str, ...],
                  key_extra: str | None = None) -> dict[str, Any]:
    """Stack matrices whose columns are identified by ``key`` (and ``key_extra``)."""
    columns: dict[tuple, int] = {}
    meta: dict[str, list] = {name: [] for name in names}
    for f in frames:
        extra = getattr(f, key_extra) if key_extra else [None] * len(getattr(f, key))
        for c, ident in enumerate(zip(getattr(f, key), extra)):
            if ident not in columns:
                columns[ident] = len(columns)
                for name in names:
                    meta[name].append(getattr(f, name)[c])
    out: dict[str, Any] = {key: tuple(ident[0] for ident in columns)}
    for name in names:
        out[name] = np.array(meta[name]) if name in _PER_FIGURE_ARRAYS else tuple(meta[name])
    for m in matrices:
        blocks = []
        for f in frames:
            src = getattr(f, m)
            fill = False if src.dtype == bool else np.nan
            block = np.full((len(f), len(columns)), fill, dtype=src.dtype)
            extra = getattr(f, key_extra) if key_extra else [None] * len(getattr(f, key))
            for c, ident in enumerate(zip(getattr(f, key), extra)):
                block[:, columns[ident]] = src[:, c]
            blocks.append(block)
        out[m] = np.concatenate(blocks)
    return out


def _first_by_input(leaves: Sequence[Leaf]) -> dict[str, Leaf]:
    out: dict[str, Leaf] = {}
    for leaf in leaves:
        out.setdefault(leaf.input, leaf)
    return out


def _supplier_codes(suppliers: Sequence[Mapping[str, Any] | None], n: int) -> np.ndarray:
    """Same SIRET (else same name) → same code; an offer of unknown supplier stands alone."""
    keys: dict[str, int] = {}
    codes = [0] * n
    for i, s in enumerate(suppliers[:n]):
        key = None
        # dicts first: the abstract Mapping check costs more than the rest of the loop
        if type(s) is dict or isinstance(s, Mapping):
            siret = str(s.get("siret") or "").replace(" ", "")
            if siret:
                key = "siret:" + siret
            else:
                name = str(s.get("name") or "").strip().casefold()
                key = "name:" + name if name else None
        codes[i] = keys.setdefault(key if key is not None else f"offer:{i}", len(keys))
    for i in range(len(suppliers), n):
        codes[i] = keys.setdefault(f"offer:{i}", len(keys))
    return np.array(codes, dtype=np.int64)


def _self_mark_matrix(result: LotResult, leaves: Sequence[Leaf], self_marks: SelfMarks | None
                      ) -> np.ndarray:
    """The self-assessed marks as an (n, q) matrix; every problem reported at once."""
    n = len(result.lot)
    out = np.full((n, len(leaves)), np.nan)
    if not self_marks:
        return out
    row = {oid: i for i, oid in enumerate(result.lot.offer_ids)}
    col = {leaf.input: c for c, leaf in enumerate(leaves)}
    problems: list[str] = []
    for oid, marks in self_marks.items():
        if oid not in row:
            problems.append(f"offre « {oid} » : absente du lot")
            continue
        if not isinstance(marks, Mapping):
            problems.append(f"offre « {oid} » : un objet {{critère: note}} est attendu")
            continue
        for name, mark in marks.items():
            if name not in col:
                expected = ", ".join(col) or "aucun critère noté par l'acheteur"
                problems.append(f"offre « {oid} », réponse « {name} » : pas une note de "
                                f"l'acheteur (attendu : {expected})")
                continue
            levels = {float(lv["mark"]) for lv in leaves[col[name]].params["levels"]}
            numeric = isinstance(mark, (int, float)) and not isinstance(mark, bool)
            if not numeric or float(mark) not in levels:
                listed = ", ".join(f"{m:g}" for m in sorted(levels))
                problems.append(f"offre « {oid} », réponse « {name} » : note « {mark} » hors de "
                                f"l'échelle ({listed})")
                continue
            out[row[oid], col[name]] = float(mark)
    if problems:
        raise ReviewInputError("Auto-évaluations invalides : " + " ; ".join(problems))
    return out


def frame_from_result(result: LotResult, self_marks: SelfMarks | None = None) -> OfferFrame:
    """The review's view of one scored lot.

    ``self_marks`` holds, per offer, the marks the supplier expected on the
    criteria the buyer marks (``scale`` leaves assessed by the buyer); the buyer's
    marks are the lot's answers. ReviewInputError names every bad entry.
    """
    criteria, lot = result.criteria, result.lot
    n = len(lot)
    leaves = result.weights.leaves
    price_name = price_input(criteria)
    considered = result.status != IRREGULAR
    price = np.asarray(lot.columns[price_name], dtype=np.float64) if price_name \
        else np.full(n, np.nan)

    max_points = result.max_points
    points = np.nan_to_num(result.points)
    nonprice = np.array([leaf.input != price_name for leaf in leaves], dtype=bool)
    nonprice_max = float(max_points[nonprice].sum())
    nonprice_score = points[:, nonprice].sum(axis=1) / nonprice_max if nonprice_max > 0 \
        else np.zeros(n)

    inputs = criteria.inputs()
    missing_share = np.mean([result.missing(name) for name in inputs], axis=0) if inputs \
        else np.zeros(n)

    number_leaves = [leaf for leaf in _first_by_input(leaves).values()
                     if get_method(leaf.method).KIND == "number" and leaf.input != price_name]
    figure_units = {name: [(lf.unit or "").strip() for lf in group]
                    for name, group in inputs.items()}
    figures = np.column_stack([lot.columns[lf.input] for lf in number_leaves]) \
        if number_leaves else np.zeros((n, 0))

    unevidenced_cols, label_inputs, label_names = [], [], []
    at_stake = np.zeros(n)
    for j, leaf in enumerate(leaves):
        method = get_method(leaf.method)
        if method.KIND != "labels":
            continue
        column: LabelsColumn = lot.columns[leaf.input]
        optional = method.score(column, {**leaf.params, "evidence": "optional"}, {})
        required = method.score(column, {**leaf.params, "evidence": "required"}, {})
        at_stake += max_points[j] * (optional - required)
        if leaf.input in label_inputs:
            continue
        valued = {name for lf in inputs[leaf.input] for name, s in lf.params["labels"].items()
                  if float(s) > 0}
        for c, name in enumerate(column.names):
            if name in valued:
                unevidenced_cols.append(column.claimed[:, c] & ~column.evidenced[:, c])
                label_inputs.append(leaf.input)
                label_names.append(name)
    unevidenced = np.column_stack(unevidenced_cols) if unevidenced_cols \
        else np.zeros((n, 0), dtype=bool)

    assessed = [leaf for leaf in _first_by_input(leaves).values()
                if get_method(leaf.method).KIND == "mark" and leaf.assessed_by == "buyer"]
    buyer_marks = np.column_stack([lot.columns[lf.input] for lf in assessed]) if assessed \
        else np.zeros((n, 0))
    own_marks = _self_mark_matrix(result, assessed, self_marks)

    def on_scale(marks: np.ndarray) -> np.ndarray:
        out = np.full(marks.shape, np.nan)
        for c, leaf in enumerate(assessed):
            known = ~np.isnan(marks[:, c])
            out[known, c] = get_method(leaf.method).score(marks[known, c], leaf.params, {})
        return out

    return OfferFrame(
        offer_ids=tuple(lot.offer_ids),
        lot=np.zeros(n, dtype=np.int64),
        lot_ids=(lot.lot_id or "",),
        considered=considered,
        ranked=result.status == RANKED,
        price=price,
        supplier=_supplier_codes(lot.suppliers, n),
        total=np.asarray(result.totals, dtype=np.float64),
        points=np.full(n, float(criteria.points)),
        nonprice_score=nonprice_score,
        missing_share=np.asarray(missing_share, dtype=np.float64),
        unevidenced_share=at_stake / float(criteria.points),
        low_price_flagged=result.flagged,
        figures=np.asarray(figures, dtype=np.float64),
        figure_inputs=tuple(lf.input for lf in number_leaves),
        figure_labels=tuple(lf.label for lf in number_leaves),
        figure_units=tuple(next((u for u in figure_units[lf.input] if u), "")
                           for lf in number_leaves),
        figure_is_share=np.array([any("%" in u for u in figure_units[lf.input])
                                  for lf in number_leaves], dtype=bool),
        figure_direction=np.array([direction(lf) for lf in number_leaves], dtype=np.int64),
        unevidenced=unevidenced,
        label_inputs=tuple(label_inputs),
        label_names=tuple(label_names),
        buyer_marks=np.asarray(buyer_marks, dtype=np.float64),
        self_marks=own_marks,
        buyer_scores=on_scale(np.asarray(buyer_marks, dtype=np.float64)),
        self_scores=on_scale(own_marks),
        assessed_inputs=tuple(lf.input for lf in assessed),
        assessed_labels=tuple(lf.label for lf in assessed),
    )
