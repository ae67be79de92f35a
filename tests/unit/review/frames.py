"""Build an OfferFrame from plain arrays, for tests that need no criteria set."""

from __future__ import annotations

import numpy as np

from spar.review.frame import OfferFrame


def frame_of(price, lot=None, *, supplier=None, total=None, ranked=None, considered=None,
             figures=None, direction=None, share=None, unevidenced=None,
             self_scores=None, buyer_scores=None, points=100.0) -> OfferFrame:
    """A frame with the given columns; everything else neutral."""
    price = np.asarray(price, dtype=np.float64)
    n = len(price)
    lot = np.zeros(n, dtype=np.int64) if lot is None else np.asarray(lot, dtype=np.int64)
    figures = np.zeros((n, 0)) if figures is None else np.asarray(figures, dtype=np.float64)
    k = figures.shape[1]
    unevidenced = np.zeros((n, 0), bool) if unevidenced is None else np.asarray(unevidenced)
    self_scores = np.zeros((n, 0)) if self_scores is None else np.asarray(self_scores, float)
    buyer_scores = np.zeros((n, 0)) if buyer_scores is None else np.asarray(buyer_scores, float)
    q = self_scores.shape[1]
    return OfferFrame(
        offer_ids=tuple(f"o{i}" for i in range(n)),
        lot=lot,
        lot_ids=tuple(f"L{g}" for g in range(int(lot.max()) + 1 if n else 0)),
        considered=np.ones(n, bool) if considered is None else np.asarray(considered, bool),
        ranked=np.ones(n, bool) if ranked is None else np.asarray(ranked, bool),
        price=price,
        supplier=np.arange(n) if supplier is None else np.asarray(supplier, dtype=np.int64),
        total=np.zeros(n) if total is None else np.asarray(total, dtype=np.float64),
        points=np.full(n, points),
        nonprice_score=np.full(n, 0.5),
        missing_share=np.zeros(n),
        unevidenced_share=np.zeros(n),
        low_price_flagged=np.zeros(n, bool),
        figures=figures,
        figure_inputs=tuple(f"f{c}" for c in range(k)),
        figure_labels=tuple(f"Figure {c}" for c in range(k)),
        figure_units=("",) * k,
        figure_is_share=np.zeros(k, bool) if share is None else np.asarray(share, bool),
        figure_direction=np.ones(k, np.int64) if direction is None
        else np.asarray(direction, np.int64),
        unevidenced=unevidenced,
        label_inputs=("labels",) * unevidenced.shape[1],
        label_names=tuple(f"Label {c}" for c in range(unevidenced.shape[1])),
        buyer_marks=buyer_scores * 4,
        self_marks=self_scores * 4,
        buyer_scores=buyer_scores,
        self_scores=self_scores,
        assessed_inputs=tuple(f"mark{c}" for c in range(q)),
        assessed_labels=tuple(f"Note {c}" for c in range(q)),
    )
