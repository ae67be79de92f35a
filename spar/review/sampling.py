"""Random review of unflagged offers, so that buyers' decisions give unbiased labels.

Decisions on flagged offers only would teach a future model what the current one
already flags. A small random share of the unflagged offers is therefore put up
for review too, and each decision is later weighted by the inverse of the
probability its offer had of being reviewed.
"""

from __future__ import annotations

import numpy as np

from .errors import ReviewInputError

DEFAULT_RATE = 0.03


def sample_for_review(flagged, rate: float = DEFAULT_RATE,
                      rng: np.random.Generator | int | None = None
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Which offers to review, and each offer's probability of being reviewed.

    Every flagged offer is reviewed (probability 1); each unflagged offer is drawn
    independently with probability ``rate``. The probabilities cover every offer,
    drawn or not, so they can be stored with the scoring. ``rng`` is a numpy
    Generator or a seed, for reproducible draws.
    """
    flagged = np.asarray(flagged)
    if flagged.ndim != 1 or flagged.dtype != bool:
        raise ReviewInputError("sample_for_review : un tableau de booléens (une valeur par "
                               "offre) est attendu.")
    if not 0 <= rate <= 1:
        raise ReviewInputError(f"Taux de tirage hors de [0, 1] : {rate}.")
    draw = np.random.default_rng(rng).random(len(flagged)) < rate
    return flagged | draw, np.where(flagged, 1.0, float(rate))
