"""Human review of offers: the lot's rules, the review model and its training.

Entry points for callers (through :mod:`spar.pipeline`: ``spar score``, the service,
``spar audit rescore``):

- :func:`review_lot` — which offers of a scored lot need a decision before the award
  (abnormally-low rules, the model above its threshold, the random audit sample) and
  the notes that need none; returns a :class:`LotReview` beside the engine's result;
- :func:`load_model` / :func:`default_model` — the stored model, with clear errors;
- :func:`sample_for_review` — the random share of unflagged offers to review;
- :func:`train_challenger` — retrain on stored decisions, champion vs challenger.

Nothing here imports Flask or SQLAlchemy. scikit-learn (a second to import) loads
only when a model is trained or its record checked: a stored model scores from
compiled tables with numpy alone.
"""

from importlib import import_module

from .artifact import default_model, load_model, save_model
from .errors import (ModelError, ModelIncompatibleError, ModelNotFoundError, ReviewError,
                     ReviewInputError)
from .flagging import DEFAULT_MODEL, LotReview, review_lot
from .rules import ReviewSettings
from .sampling import sample_for_review

_LAZY = {"train_challenger": "reviews", "ChallengerReport": "reviews", "ReviewedOffer": "reviews",
         "ReviewModel": "predictor"}

__all__ = [
    "DEFAULT_MODEL", "ChallengerReport", "LotReview", "ModelError", "ModelIncompatibleError",
    "ModelNotFoundError", "ReviewError", "ReviewInputError", "ReviewModel", "ReviewSettings",
    "ReviewedOffer", "default_model", "load_model", "review_lot", "sample_for_review",
    "save_model", "train_challenger",
]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
