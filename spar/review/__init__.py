"""Human review of offers: always-on reasons, the review model and its training.

Entry points for callers (``spar score``, the service, the exports):

- :func:`review_result` — add reasons, model score, version and explanations to a
  scored lot, in place; returns the feature snapshot of every offer;
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
from .flagging import DEFAULT_MODEL, review_result
from .rules import ReviewSettings
from .sampling import sample_for_review

_LAZY = {"train_challenger": "reviews", "ChallengerReport": "reviews", "ReviewedOffer": "reviews",
         "ReviewModel": "predictor"}

__all__ = [
    "DEFAULT_MODEL", "ChallengerReport", "ModelError", "ModelIncompatibleError",
    "ModelNotFoundError", "ReviewError", "ReviewInputError", "ReviewModel", "ReviewSettings",
    "ReviewedOffer", "default_model", "load_model", "review_result", "sample_for_review",
    "save_model", "train_challenger",
]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
